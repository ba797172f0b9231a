//! Webhooks's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{deliveries, endpoints};

janua_service::endpoints! {
    endpoints::list,
    endpoints::create,
    endpoints::get,
    endpoints::update,
    endpoints::delete,
    endpoints::test,
    deliveries::list,
    deliveries::redeliver,
}

/// Webhooks' routes (its internal API has only readiness and its OpenAPI part).
pub const ROUTES: janua_service::Routes = janua_service::Routes { public: endpoints, internal: |_| {} };
