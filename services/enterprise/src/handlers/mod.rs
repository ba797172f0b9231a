pub mod discovery;
pub mod health;
pub mod scim_tokens;
