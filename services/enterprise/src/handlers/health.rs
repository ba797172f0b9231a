use crate::EnterpriseState;
use actix_web::{HttpResponse, web};
use janua_core::ApiError;

pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "alive" }))
}

/// Ready when the database, Redis and the message broker answer.
pub async fn ready(state: web::Data<EnterpriseState>) -> Result<HttpResponse, ApiError> {
    janua_db::ping(&state.pool)
        .await
        .map_err(|_| ApiError::unavailable("the database"))?;
    let mut redis = state.redis.clone();
    redis::cmd("PING").query_async::<String>(&mut redis).await?;
    if !state.broker.is_connected() {
        return Err(ApiError::unavailable("the message broker"));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })))
}
