//! The enterprise service's rules: who manages an organization's SCIM tokens, and which
//! organization a SCIM client acts for.

pub mod access;
pub mod dns;
pub mod oidc;
pub mod saml;
pub mod scim_client;
pub mod scim_resources;
pub mod sso_login;
pub mod upstream;
