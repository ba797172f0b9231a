pub mod internal;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod policies;
pub mod rbac;
