//! Linked provider accounts and started authorization-code flows.

use crate::store::schema::oauth_links;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

pub async fn count_links(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    oauth_links::table
        .filter(oauth_links::user_id.eq(user_id))
        .count()
        .get_result(conn)
        .await
}
