//! The enterprise service's tables (diesel-async).

/// The row `$query` (a select of the row) finds, if any; locked until the transaction ends
/// when `$lock` (a read before a change). A macro, as diesel does not name the type of a
/// `FOR UPDATE` query.
macro_rules! first_locked_if {
    ($conn:expr, $query:expr, $lock:expr) => {{
        let query = $query;
        if $lock {
            query.for_update().first($conn).await.optional()
        } else {
            query.first($conn).await.optional()
        }
    }};
}

pub mod schema;
pub mod scim_groups;
pub mod scim_tokens;
pub mod scim_users;
pub mod sso;

/// What a write's error becomes: a unique violation (a value another row holds) the one
/// `taken` makes, any other the usual one.
pub fn taken_as<E: From<diesel::result::Error>>(
    taken: impl FnOnce() -> E,
) -> impl FnOnce(diesel::result::Error) -> E {
    move |e| match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            taken()
        }
        other => other.into(),
    }
}
