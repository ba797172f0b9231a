//! Org's queries (diesel-async), on its own schema only.

use diesel::pg::Pg;
use diesel::query_builder::{QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

pub mod invitations;
pub mod members;
pub mod organizations;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod users;

/// Runs a write of one row and answers whether it wrote it: an insert `ON CONFLICT DO NOTHING`
/// that was not skipped, a delete or an update that found its row.
async fn wrote_one<W>(conn: &mut AsyncPgConnection, write: W) -> QueryResult<bool>
where
    W: QueryFragment<Pg> + QueryId + Send,
{
    Ok(write.execute(conn).await? == 1)
}
