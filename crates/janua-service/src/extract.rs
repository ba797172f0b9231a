//! The opening every resource extractor shares: a handler that takes one cannot run before the
//! caller is signed in and may act on what the path names.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures::future::LocalBoxFuture;
use janua_core::ApiError;
use janua_tokens::Authenticated;
use std::future::Future;
use uuid::Uuid;

/// Resolves what the path parameter `param` names for the signed-in caller: 401 without a valid
/// token (checked first), `missing()` when the parameter is absent or not a UUID, and otherwise
/// whatever `resolve` answers given the service's state `S`, the caller and the id.
pub fn resolve_path_id<S, T, F, Fut>(
    req: &HttpRequest, payload: &mut Payload, param: &'static str, missing: fn() -> ApiError, resolve: F,
) -> LocalBoxFuture<'static, Result<T, ApiError>>
where
    S: 'static,
    T: 'static,
    F: FnOnce(web::Data<S>, Authenticated, Uuid) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let auth = Authenticated::from_request(req, payload);
    let state = req.app_data::<web::Data<S>>().cloned();
    let id = req.match_info().get(param).and_then(|s| Uuid::parse_str(s).ok());
    Box::pin(async move {
        let auth = auth.await?;
        let state = state
            .ok_or_else(|| ApiError::internal(format!("{} is not configured", std::any::type_name::<S>())))?;
        resolve(state, auth, id.ok_or_else(missing)?).await
    })
}
