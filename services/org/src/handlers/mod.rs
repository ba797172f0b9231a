pub mod internal;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod policies;
pub mod rbac;

use crate::OrgState;
use crate::domain::access::OrgAccess;
use crate::domain::roles::Action;
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use uuid::Uuid;

/// Where a page of an organization's things starts: after the (time, id) of the last one before.
type Keyset = (DateTime<Utc>, Uuid);

/// A page of the organization's members or invitations (`list`, in the order of `key`), for
/// those its role table lets do `action`.
pub(crate) async fn org_page<T>(
    state: &OrgState, access: &OrgAccess, action: Action, q: &PageQuery,
    list: impl AsyncFnOnce(&mut AsyncPgConnection, Uuid, Option<Keyset>, i64) -> QueryResult<Vec<T>>,
    key: impl Fn(&T) -> Keyset,
) -> Result<Page<T>, ApiError> {
    access.require(action)?;
    let mut conn = state.pool.get().await?;
    q.fetch(|after, n| list(&mut conn, access.org.id, after, n), key).await
}

/// Reports a conflict (a unique index) as `taken`: which field holds a value in use.
pub(crate) fn conflict_as(taken: fn() -> ApiError) -> impl FnOnce(ApiError) -> ApiError {
    move |e| if e.code() == ErrorCode::Conflict { taken() } else { e }
}
