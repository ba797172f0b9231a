pub mod access;
pub mod roles;
pub mod slug;
