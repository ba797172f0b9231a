pub mod compliance;
pub mod export;
pub mod logs;
pub mod privacy;
