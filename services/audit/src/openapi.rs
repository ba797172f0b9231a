//! Audit's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::logs;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        logs::list,
        logs::get,
        logs::event_types,
        logs::for_user,
        logs::for_organization,
        logs::export,
        logs::verify
    ),
    components(schemas(
        logs::EntryView,
        logs::EventTypeView,
        logs::ExportRequest,
        crate::verify::Report,
        crate::verify::BrokenLink,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
