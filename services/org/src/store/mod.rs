pub mod invitations;
pub mod members;
pub mod organizations;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod users;
