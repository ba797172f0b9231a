pub mod health;
pub mod members;
pub mod organizations;
