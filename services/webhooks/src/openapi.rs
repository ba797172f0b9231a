//! The webhooks service's part of the OpenAPI document; the gateway merges every service's part.

use crate::handlers::{deliveries, endpoints};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        endpoints::list,
        endpoints::create,
        endpoints::get,
        endpoints::update,
        endpoints::delete,
        endpoints::test,
        deliveries::list,
        deliveries::redeliver
    ),
    components(schemas(
        endpoints::CreateWebhook,
        endpoints::UpdateWebhook,
        endpoints::WebhookView,
        deliveries::DeliveryView,
        deliveries::AttemptView,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
