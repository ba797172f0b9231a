pub mod discovery;
pub mod health;
pub mod scim_common;
pub mod scim_groups;
pub mod scim_search;
pub mod scim_tokens;
pub mod scim_users;
