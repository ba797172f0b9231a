//! `POST /.search` (RFC 7644 §3.4.3): the query of a list in the body rather than the URL,
//! for Users, for Groups, or for both at once under the base.

use crate::handlers::scim_common::{ScimFailure, ScimResult, json_body, scim_json};
use crate::handlers::scim_groups::{self, Group};
use crate::handlers::scim_resource::{self as lifecycle, ScimCall};
use crate::handlers::scim_users::{self, User};
use actix_web::http::StatusCode;
use actix_web::web;
use janua_scim::{Filter, ResourceType, ScimError};
use serde_json::Value;

/// The schema URN of a search request body.
pub const SEARCH_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// A search request's parameters as the query-string pairs a `GET` would carry.
fn pairs_of(body: &[u8]) -> Result<Vec<(String, String)>, ScimFailure> {
    let Value::Object(map) = json_body(body)? else {
        return Err(ScimError::InvalidSyntax("a SearchRequest is a JSON object".into()).into());
    };
    if let Some(schemas) = map.get("schemas")
        && !schemas.as_array().is_some_and(|l| l.iter().any(|s| s.as_str() == Some(SEARCH_REQUEST_SCHEMA)))
    {
        return Err(ScimError::InvalidSyntax(format!("schemas must be [\"{SEARCH_REQUEST_SCHEMA}\"]")).into());
    }
    let mut pairs = Vec::new();
    for (key, value) in &map {
        if key == "schemas" || value.is_null() {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => {
                let names: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                names
                    .ok_or_else(|| ScimError::InvalidValue(format!("{key} must list attribute names")))?
                    .join(",")
            }
            _ => return Err(ScimError::InvalidValue(format!("{key} has the wrong type")).into()),
        };
        pairs.push((key.clone(), text));
    }
    Ok(pairs)
}

/// Users matching a search request.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(post, path = "/api/v1/scim/v2/Users/.search", tag = "SCIM",
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "a ListResponse of Users", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn users(call: ScimCall, body: web::Bytes) -> ScimResult {
    call.list::<User>(&pairs_of(&body)?).await
}

/// Groups matching a search request.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(post, path = "/api/v1/scim/v2/Groups/.search", tag = "SCIM",
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "a ListResponse of Groups", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn groups(call: ScimCall, body: web::Bytes) -> ScimResult {
    call.list::<Group>(&pairs_of(&body)?).await
}

/// Users and Groups at once: the filter applies to each type whose schema it fits (Users
/// first, then Groups, each in creation order, unless `sortBy` says otherwise).
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(post, path = "/api/v1/scim/v2/.search", tag = "SCIM",
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "a ListResponse of Users and Groups", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn all(call: ScimCall, body: web::Bytes) -> ScimResult {
    let mut pairs = pairs_of(&body)?;
    let filter_text = pairs
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case("filter"))
        .map(|i| pairs.remove(i).1)
        .filter(|f| !f.trim().is_empty());
    let query = lifecycle::list_query::<User>(&pairs)?;
    let filter = filter_text.as_deref().map(Filter::parse).transpose()?;
    let fits = |rt: ResourceType| filter.as_ref().is_none_or(|f| f.validate(rt).is_ok());
    if let Some(f) = &filter
        && !fits(ResourceType::User)
        && !fits(ResourceType::Group)
    {
        f.validate(ResourceType::User)?;
    }
    let base = call.base_url();
    let org = call.client.organization_id;
    let mut conn = call.state.pool.get().await?;
    let mut matched = Vec::new();
    if fits(ResourceType::User) {
        matched.extend(scim_users::matching(&mut conn, org, &base, filter.as_ref()).await?);
    }
    if fits(ResourceType::Group) {
        matched.extend(scim_groups::matching(&mut conn, org, &base, filter.as_ref()).await?);
    }
    let (mut page, total) = lifecycle::sorted_page(matched, &query, ResourceType::User);
    scim_users::add_groups(&mut conn, &mut page, &base).await?;
    Ok(scim_json(StatusCode::OK, &lifecycle::list_response(&page, total, &query).to_json()))
}
