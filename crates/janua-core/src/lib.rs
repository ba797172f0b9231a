//! Shared building blocks of every Janua service: configuration, the error envelope,
//! identifiers, pagination, request ids, small crypto helpers and telemetry.

pub mod config;
pub mod crypto;
pub mod error;
pub mod http;
pub mod ids;
pub mod internal;
pub mod metrics;
pub mod oauth_http;
pub mod org_access;
pub mod outbound;
pub mod pace;
pub mod pagination;
pub mod redirect;
pub mod retry;
pub mod telemetry;
pub mod text;

pub use error::{ApiError, ErrorCode};
