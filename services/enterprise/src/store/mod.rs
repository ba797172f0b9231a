//! The enterprise service's tables (diesel-async).

pub mod schema;
pub mod scim_groups;
pub mod scim_tokens;
pub mod scim_users;
pub mod sso;
