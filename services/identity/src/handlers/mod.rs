pub mod admin;
pub mod health;
pub mod internal;
pub mod users;
