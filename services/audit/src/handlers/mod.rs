pub mod compliance;
pub mod logs;
pub mod privacy;
