pub mod deliveries;
pub mod endpoints;
pub mod health;
