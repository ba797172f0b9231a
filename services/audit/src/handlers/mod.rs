pub mod health;
pub mod logs;
