//! Webhooks's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{deliveries, endpoints};

janua_service::endpoints! {
    endpoints::{list, create, get, update, delete, test},
    deliveries::{list, redeliver},
}

/// Webhooks' routes (its internal API has only readiness and its OpenAPI part).
pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: |_| {} };
