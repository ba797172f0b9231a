pub mod auth;
pub mod health;
pub mod internal;
pub mod jwks;
pub mod magic;
pub mod mfa;
pub mod password;
pub mod sessions;
