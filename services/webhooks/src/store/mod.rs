//! The webhooks service's queries (diesel-async), on its own schema only.

pub mod deliveries;
pub mod endpoints;
pub mod schema;
