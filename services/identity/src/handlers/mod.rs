pub mod admin;
pub mod internal;
pub mod localization;
pub mod users;
