pub mod deliveries;
pub mod endpoints;
