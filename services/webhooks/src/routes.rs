//! Webhooks's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{deliveries, endpoints, internal};
use actix_web::web;
use janua_service::housekeeping::Retention;

janua_service::endpoints! {
    endpoints::{list, create, get, update, delete, test},
    deliveries::{list, redeliver},
}

/// `/internal/v1`: what audit's compliance controls ask about endpoints.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/compliance/facts", web::get().to(internal::compliance_facts));
}

/// Webhooks answers for no personal data here (deliveries carry events, which the audit part covers).
const PERSONAL_DATA: &[janua_service::Section] = &[];
/// Deliveries whose event names the person (by id or address), except one being attempted
/// right now (it goes the next time).
const ERASE: &[&str] = &["DELETE FROM deliveries WHERE status <> 'delivering'
    AND (position(convert_to($1::text, 'UTF8') in body) > 0
         OR EXISTS (SELECT 1 FROM unnest($2::text[]) a WHERE position(convert_to(a, 'UTF8') in body) > 0))"];

/// What webhooks deletes by age (see `housekeeping.*`): settled deliveries, with their
/// attempts (ON DELETE CASCADE).
const RETENTION: &[Retention] = &[Retention {
    task: "webhook_deliveries",
    table: "deliveries",
    due: "status IN ('succeeded', 'failed') AND updated_at < now() - make_interval(secs => $1)",
    keep: |s| s.webhook_deliveries_secs,
}];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: RETENTION,
};
