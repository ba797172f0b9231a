pub mod account;
pub mod user;
