pub mod compliance;
pub mod deletion;
pub mod export;
pub mod logs;
pub mod privacy;
