pub mod bootstrap;
pub mod keys;
pub mod mfa;
pub mod passkeys;
pub mod password;
pub mod sessions;
pub mod sign_in_methods;
pub mod throttle;
