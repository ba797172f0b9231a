pub mod bootstrap;
pub mod keys;
pub mod mfa;
pub mod password;
pub mod sessions;
pub mod throttle;
