use crate::OrgState;
use actix_web::{HttpResponse, web};
use janua_core::ApiError;

pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "alive" }))
}

/// Ready when the database, Redis and the message broker answer, and the consumer of
/// identity's events is attached.
pub async fn ready(state: web::Data<OrgState>) -> Result<HttpResponse, ApiError> {
    janua_db::ping(&state.pool)
        .await
        .map_err(|_| ApiError::unavailable("the database"))?;
    let mut redis = state.redis.clone();
    redis::cmd("PING").query_async::<String>(&mut redis).await?;
    if !state.broker.is_connected() {
        return Err(ApiError::unavailable("the message broker"));
    }
    if !state.consumer.is_connected() {
        return Err(ApiError::unavailable("the event consumer"));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
}

/// Figures for the admin dashboard.
pub async fn stats(state: web::Data<OrgState>) -> Result<HttpResponse, ApiError> {
    use diesel::sql_types::BigInt;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        organizations: i64,
        #[diesel(sql_type = BigInt)]
        memberships: i64,
    }
    let mut conn = state.pool.get().await?;
    let c: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM organizations) AS organizations, (SELECT count(*) FROM memberships) AS memberships",
    )
    .get_result(&mut conn)
    .await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "organizations": c.organizations, "memberships": c.memberships })))
}

#[derive(Debug, serde::Deserialize)]
pub struct PermissionsQuery {
    pub organization_id: Option<uuid::Uuid>,
    #[serde(default)]
    pub platform_admin: bool,
}

/// A user's effective permissions (in an organization, or platform-wide), for sibling
/// services that check permissions on data they own.
pub async fn permissions(
    state: web::Data<OrgState>,
    path: web::Path<uuid::Uuid>,
    q: web::Query<PermissionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let set =
        crate::domain::access::effective(&mut conn, path.into_inner(), q.organization_id, q.platform_admin)
            .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "permissions": set })))
}
