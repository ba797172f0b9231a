pub mod access;
pub mod membership;
pub mod roles;
pub mod slug;
