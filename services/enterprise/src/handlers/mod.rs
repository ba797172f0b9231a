pub mod discovery;
pub mod scim_common;
pub mod scim_groups;
pub mod scim_search;
pub mod scim_tokens;
pub mod scim_users;
pub mod sso_configs;
pub mod sso_flow;
