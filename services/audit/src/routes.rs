//! Audit's routes: the public ones are declared on their handlers (`#[utoipa::path]`), each once.

use crate::handlers::{compliance, deletion, export, logs, privacy};
use actix_web::web;

janua_service::endpoints! {
    "/api/v1/audit-logs" => "/api/audit-logs";
    logs::{list, event_types, verify, export, for_user, for_organization, get},
    compliance::{frameworks, controls, create_report, list_reports, get_report, download_report},
    privacy::{create, list, get, update},
    export::{create, get, download},
    deletion::{create, get, cancel},
}

/// `/internal/v1`: what the gateway (no database of its own) asks audit to record.
pub fn internal_api(cfg: &mut web::ServiceConfig) {
    cfg.route("/records", web::post().to(crate::events::record));
}

/// Audit answers for no personal data here (its own part of an export is assembled where the archive is).
const PERSONAL_DATA: &[janua_service::Section] = &[];
/// Audit erases its own part where the erasure runs (`crate::deletion`).
const ERASE: &[&str] = &[];

pub const ROUTES: janua_service::Routes = janua_service::Routes {
    public: endpoints,
    internal: internal_api,
    personal_data: PERSONAL_DATA,
    erase: ERASE,
    retention: &[],
};
