pub mod deliveries;
pub mod endpoints;
pub mod internal;
