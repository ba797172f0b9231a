pub mod schema;
pub mod translations;
pub mod users;
