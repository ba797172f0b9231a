pub mod schema;
pub mod users;
pub mod translations;
