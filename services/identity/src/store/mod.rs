pub mod schema;
pub mod users;
