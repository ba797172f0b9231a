//! The enterprise service's part of the OpenAPI document; the gateway merges every service's part.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(components(schemas(janua_core::error::ErrorEnvelope, janua_core::error::ErrorBody)))]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
