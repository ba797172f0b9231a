pub mod compliance;
pub mod logs;
