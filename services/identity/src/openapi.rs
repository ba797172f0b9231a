//! Identity's part of the OpenAPI document; the gateway merges every service's part.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::handlers::users::me,
        crate::handlers::users::get_user,
        crate::handlers::users::update_user,
        crate::handlers::admin::list_users,
        crate::handlers::admin::admin_users,
        crate::handlers::admin::suspend,
        crate::handlers::admin::unsuspend,
        crate::handlers::admin::delete_user,
        crate::handlers::admin::force_delete,
        crate::handlers::admin::stats
    ),
    components(schemas(
        crate::domain::user::UserView,
        crate::domain::user::ProfileUpdate,
        crate::handlers::admin::SuspendRequest,
        crate::handlers::admin::DeleteAccount,
        janua_core::error::ErrorEnvelope,
        janua_core::error::ErrorBody
    ))
)]
pub struct ApiDoc;

pub async fn document() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(ApiDoc::openapi())
}
