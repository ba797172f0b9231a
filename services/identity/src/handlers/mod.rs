pub mod admin;
pub mod internal;
pub mod users;
