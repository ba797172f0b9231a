//! The rules of the webhooks service, free of HTTP and database types.

pub mod access;
pub mod backoff;
pub mod event_types;
pub mod signature;
pub mod target;
