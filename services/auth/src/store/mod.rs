pub mod credentials;
pub mod emails;
pub mod mfa;
pub mod one_time_tokens;
pub mod schema;
pub mod sessions;
pub mod signing_keys;
pub mod user_profiles;
