//! SCIM Groups (`/api/v1/scim/v2/Groups`), RFC 7644 §3. Each group is a role of the
//! organization in the org service (same id, same name), and its members hold that role: an
//! admin gives the role its permissions in Janua and the identity provider decides who has
//! them. Members are users this organization provisioned; nested groups are not supported.

use crate::EnterpriseState;
use crate::domain::scim_client::ScimClient;
use crate::domain::scim_resources as resources;
use crate::events;
use crate::handlers::scim_common::{
    ScimFailure, ScimResult, base_url, check_if_match, etag, if_match, json_body, not_modified, query_pairs,
    resource_response, scim_json,
};
use crate::store::scim_groups::{self as store, Member, ScimGroupRow};
use crate::store::scim_users;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::http::RequestMeta;
use janua_scim::{ListQuery, ListResponse, PatchRequest, ResourceType, ScimError, apply_patch, input, list};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

const GROUP: ResourceType = ResourceType::Group;

/// A group's id is derived from the organization and the name (a version 8 UUID of their
/// SHA-256), so a create retried after failing half-way (the org role made, the group not
/// stored) finds the same role.
fn group_id(org: Uuid, display: &str) -> Uuid {
    let mut key = org.as_bytes().to_vec();
    key.extend_from_slice(display.to_lowercase().as_bytes());
    let digest = janua_core::crypto::sha256(&key);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn not_found(id: &str) -> ScimFailure {
    ScimError::NotFound(format!("Group {id}")).into()
}

fn parse_id(raw: &str) -> Result<Uuid, ScimFailure> {
    Uuid::parse_str(raw).map_err(|_| not_found(raw))
}

/// The display name and external id of a group resource, checked.
fn names(resource: &Value) -> Result<(String, Option<String>), ScimFailure> {
    let display = resource["displayName"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if display.is_empty() || display.chars().count() > 200 {
        return Err(ScimError::InvalidValue("displayName must be 1 to 200 characters".into()).into());
    }
    Ok((display, resource["externalId"].as_str().map(str::to_owned)))
}

/// The members a group resource names (each a live user of the organization), with the
/// display to keep: the one the client sent, unless it is just the user's own name as shown
/// before (`current`).
async fn members_named(
    conn: &mut AsyncPgConnection,
    org: Uuid,
    resource: &Value,
    current: &[Member],
) -> Result<Vec<(Uuid, Option<String>)>, ScimFailure> {
    let mut named: BTreeMap<Uuid, Option<String>> = BTreeMap::new();
    for member in resource["members"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if member["type"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("group"))
        {
            return Err(ScimError::InvalidValue("nested groups are not supported".into()).into());
        }
        let raw = member["value"].as_str().unwrap_or_default();
        let id = Uuid::parse_str(raw).map_err(|_| {
            ScimError::InvalidValue(format!("member '{raw}' is not a user of this organization"))
        })?;
        let display = member["display"].as_str().map(str::to_owned).filter(|d| {
            !current
                .iter()
                .any(|m| m.user_id == id && !m.display_sent && &m.display == d)
        });
        named.insert(id, display);
    }
    let ids: Vec<Uuid> = named.keys().copied().collect();
    let live = scim_users::live_ids(conn, org, &ids).await?;
    if let Some(missing) = ids.iter().find(|id| !live.contains(id)) {
        return Err(ScimError::InvalidValue(format!(
            "member '{missing}' is not a user of this organization"
        ))
        .into());
    }
    Ok(named.into_iter().collect())
}

async fn resource_of(
    conn: &mut AsyncPgConnection,
    row: &ScimGroupRow,
    base: &str,
) -> Result<Value, ScimFailure> {
    let members = store::members_of(conn, &[row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    Ok(resources::group_resource(row, &members, base))
}

/// Gives the org roles of a user's groups their current holders (after the user got an
/// account: members without one are not role holders).
pub(crate) async fn sync_roles_of(
    conn: &mut AsyncPgConnection,
    state: &EnterpriseState,
    client: &ScimClient,
    user: &scim_users::ScimUserRow,
) -> Result<(), ScimFailure> {
    let org = client.organization_id;
    let groups = scim_users::groups_of(conn, &[user.id])
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    for (group, _) in groups {
        let members = store::member_ids(conn, group).await?;
        let mut holders = scim_users::with_accounts(conn, org, &members).await?;
        if user.has_account && !holders.contains(&user.id) {
            holders.push(user.id);
        }
        state
            .upstreams
            .set_role_members(org, group, &holders, client.created_by)
            .await?;
    }
    Ok(())
}

/// Lists the organization's groups (`filter`, paging, sorting, projection;
/// `excludedAttributes=members` skips loading members).
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(get, path = "/api/v1/scim/v2/Groups", tag = "SCIM",
    params(("filter" = Option<String>, Query), ("startIndex" = Option<i64>, Query), ("count" = Option<i64>, Query),
        ("attributes" = Option<String>, Query), ("excludedAttributes" = Option<String>, Query)),
    responses((status = 200, description = "a ListResponse of Groups", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn list(state: web::Data<EnterpriseState>, client: ScimClient, req: HttpRequest) -> ScimResult {
    let pairs = query_pairs(&req)?;
    let query = ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), GROUP)?;
    let base = base_url(&state, &req);
    let response = answer_list(&state, client.organization_id, &base, &query).await?;
    Ok(scim_json(StatusCode::OK, &response.to_json()))
}

/// A list (`GET /Groups` or `POST /Groups/.search`) answered.
pub(crate) async fn answer_list(
    state: &EnterpriseState,
    org: Uuid,
    base: &str,
    query: &ListQuery,
) -> Result<ListResponse, ScimFailure> {
    let mut conn = state.pool.get().await?;
    let mut matched = matching(&mut conn, org, base, query.filter.as_ref()).await?;
    if let Some(sort_by) = &query.sort_by {
        list::sort_resources(&mut matched, sort_by, query.sort_order, GROUP);
    }
    let total = matched.len();
    let resources = query
        .paging
        .page(&matched)
        .iter()
        .map(|r| query.projection.apply(r, GROUP))
        .collect();
    Ok(ListResponse::new(resources, total, query.paging.start_index))
}

/// Every group the filter matches (all without one), in creation order, with members.
pub(crate) async fn matching(
    conn: &mut AsyncPgConnection,
    org: Uuid,
    base: &str,
    filter: Option<&janua_scim::Filter>,
) -> Result<Vec<Value>, ScimFailure> {
    let rows = store::all(conn, org).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let members = store::members_of(conn, &ids).await?;
    Ok(rows
        .iter()
        .map(|r| resources::group_resource(r, members.get(&r.id).map_or(&[], Vec::as_slice), base))
        .filter(|resource| filter.is_none_or(|f| f.matches(resource, GROUP)))
        .collect())
}

/// One group, with its members.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(get, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    responses((status = 200, description = "the Group, with an ETag", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn get(
    state: web::Data<EnterpriseState>,
    client: ScimClient,
    req: HttpRequest,
    path: web::Path<String>,
) -> ScimResult {
    let id = parse_id(&path)?;
    let pairs = query_pairs(&req)?;
    let query = ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), GROUP)?;
    let base = base_url(&state, &req);
    let mut conn = state.pool.get().await?;
    let row = store::find(&mut conn, client.organization_id, id)
        .await?
        .ok_or_else(|| not_found(&path))?;
    if not_modified(&req, row.version) {
        return Ok(HttpResponse::NotModified()
            .insert_header((actix_web::http::header::ETAG, etag(row.version)))
            .finish());
    }
    let resource = resource_of(&mut conn, &row, &base).await?;
    Ok(resource_response(
        StatusCode::OK,
        &query.projection.apply(&resource, GROUP),
        row.version,
    ))
}

/// Creates a group (and the organization role behind it) with its members.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(post, path = "/api/v1/scim/v2/Groups", tag = "SCIM",
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 201, description = "the Group", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 409, description = "uniqueness: the displayName is taken", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn create(
    state: web::Data<EnterpriseState>,
    client: ScimClient,
    req: HttpRequest,
    meta: RequestMeta,
    body: web::Bytes,
) -> ScimResult {
    let body = json_body(&body)?;
    let resource = input::from_client(&body, GROUP)?;
    let (display, external_id) = names(&resource)?;
    let org = client.organization_id;
    let base = base_url(&state, &req);
    let mut conn = state.pool.get().await?;
    if store::name_taken(&mut conn, org, &display, None).await? {
        return Err(ScimError::Uniqueness(format!("a group named '{display}' exists")).into());
    }
    let members = members_named(&mut conn, org, &resource, &[]).await?;
    let member_ids: Vec<Uuid> = members.iter().map(|(id, _)| *id).collect();
    let mut id = group_id(org, &display);
    if store::find(&mut conn, org, id).await?.is_some() {
        // A group renamed away from this name still holds the id.
        id = Uuid::now_v7();
    }
    let row = conn
        .transaction::<_, ScimFailure, _>(async |conn| {
            let row = match store::insert(conn, org, id, &display, external_id.as_deref()).await {
                Ok(row) => row,
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => {
                    return Err(ScimError::Uniqueness(format!("a group named '{display}' exists")).into());
                }
                Err(e) => return Err(e.into()),
            };
            store::set_members(conn, id, &members).await?;
            state
                .upstreams
                .put_role(org, id, &display, client.created_by)
                .await?;
            let holders = scim_users::with_accounts(conn, org, &member_ids).await?;
            state
                .upstreams
                .set_role_members(org, id, &holders, client.created_by)
                .await?;
            let event = events::scim_change(
                "scim.group_created",
                &client,
                id,
                json!({ "group_id": id, "display_name": display, "members": member_ids }),
                meta.into(),
            );
            janua_db::outbox::enqueue(conn, &event).await?;
            Ok(row)
        })
        .await?;
    let resource = resource_of(&mut conn, &row, &base).await?;
    Ok(resource_response(StatusCode::CREATED, &resource, row.version))
}

/// Replaces a group: its name, external id and members.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(put, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "the Group", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn replace(
    state: web::Data<EnterpriseState>,
    client: ScimClient,
    req: HttpRequest,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> ScimResult {
    let id = parse_id(&path)?;
    let body = json_body(&body)?;
    let replacement = input::from_client(&body, GROUP)?;
    change(&state, &client, &req, meta, id, move |_| Ok(replacement)).await
}

/// Changes a group with PATCH operations: `add`/`remove` members (with a value, or a path
/// such as `members[value eq "…"]`), `replace` the name, as Entra ID and Okta send them.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(patch, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "the Group", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn patch(
    state: web::Data<EnterpriseState>,
    client: ScimClient,
    req: HttpRequest,
    meta: RequestMeta,
    path: web::Path<String>,
    body: web::Bytes,
) -> ScimResult {
    let id = parse_id(&path)?;
    let body = json_body(&body)?;
    let request = PatchRequest::from_json(&body)?;
    change(&state, &client, &req, meta, id, move |current| {
        let mut next = current.clone();
        apply_patch(&mut next, &request, GROUP)?;
        Ok(next)
    })
    .await
}

async fn change(
    state: &EnterpriseState,
    client: &ScimClient,
    req: &HttpRequest,
    meta: RequestMeta,
    id: Uuid,
    next_of: impl FnOnce(&Value) -> Result<Value, ScimFailure> + Send,
) -> ScimResult {
    let org = client.organization_id;
    let base = base_url(state, req);
    let precondition = if_match(req);
    let mut conn = state.pool.get().await?;
    let row = conn
        .transaction::<_, ScimFailure, _>(async |conn| {
            let row = store::find_for_update(conn, org, id)
                .await?
                .ok_or_else(|| not_found(&id.to_string()))?;
            check_if_match(precondition.as_deref(), row.version)?;
            let current_members = store::members_of(conn, &[row.id])
                .await?
                .remove(&row.id)
                .unwrap_or_default();
            let current = resources::group_resource(&row, &current_members, &base);
            let next = next_of(&current)?;
            input::check_required(&next, GROUP)?;
            let (display, external_id) = names(&next)?;
            let mut kept: Vec<(Uuid, Option<String>)> = current_members
                .iter()
                .map(|m| (m.user_id, m.display_sent.then(|| m.display.clone())))
                .collect();
            kept.sort_by_key(|(id, _)| *id);
            let members = members_named(conn, org, &next, &current_members).await?;
            let before: BTreeSet<Uuid> = kept.iter().map(|(id, _)| *id).collect();
            let after: BTreeSet<Uuid> = members.iter().map(|(id, _)| *id).collect();
            let renamed = display != row.display_name;
            if !renamed && external_id == row.external_id && kept == members {
                return Ok(row);
            }
            if renamed && store::name_taken(conn, org, &display, Some(id)).await? {
                return Err(ScimError::Uniqueness(format!("a group named '{display}' exists")).into());
            }
            let saved = store::save(conn, id, &display, external_id.as_deref(), row.version + 1).await?;
            store::set_members(conn, id, &members).await?;
            if renamed {
                state
                    .upstreams
                    .put_role(org, id, &display, client.created_by)
                    .await?;
            }
            if before != after {
                let ids: Vec<Uuid> = after.iter().copied().collect();
                let holders = scim_users::with_accounts(conn, org, &ids).await?;
                state
                    .upstreams
                    .set_role_members(org, id, &holders, client.created_by)
                    .await?;
            }
            let added: Vec<&Uuid> = after.difference(&before).collect();
            let removed: Vec<&Uuid> = before.difference(&after).collect();
            let event = events::scim_change(
                "scim.group_updated",
                client,
                id,
                json!({
                    "group_id": id,
                    "display_name": display,
                    "renamed": renamed,
                    "members_added": added,
                    "members_removed": removed,
                }),
                meta.into(),
            );
            janua_db::outbox::enqueue(conn, &event).await?;
            Ok(saved)
        })
        .await?;
    let resource = resource_of(&mut conn, &row, &base).await?;
    Ok(resource_response(StatusCode::OK, &resource, row.version))
}

/// Deletes a group and the organization role behind it (its members lose that role).
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(delete, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    responses((status = 204, description = "deleted"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn delete(
    state: web::Data<EnterpriseState>,
    client: ScimClient,
    req: HttpRequest,
    meta: RequestMeta,
    path: web::Path<String>,
) -> ScimResult {
    let id = parse_id(&path)?;
    let org = client.organization_id;
    let precondition = if_match(&req);
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ScimFailure, _>(async |conn| {
        let row = store::find_for_update(conn, org, id)
            .await?
            .ok_or_else(|| not_found(&path))?;
        check_if_match(precondition.as_deref(), row.version)?;
        store::delete(conn, id).await?;
        state.upstreams.delete_role(org, id).await?;
        let event = events::scim_change(
            "scim.group_deleted",
            &client,
            id,
            json!({ "group_id": id, "display_name": row.display_name }),
            meta.into(),
        );
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
