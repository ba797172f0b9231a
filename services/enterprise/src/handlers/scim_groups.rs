//! SCIM Groups (`/api/v1/scim/v2/Groups`), RFC 7644 §3. Each group is a role of the
//! organization in the org service (same id, same name), and its members hold that role: an
//! admin gives the role its permissions in Janua and the identity provider decides who has
//! them. Members are users this organization provisioned; nested groups are not supported.

use crate::EnterpriseState;
use crate::domain::scim_client::ScimClient;
use crate::domain::scim_resources as resources;
use crate::handlers::scim_common::{ScimFailure, ScimResult, query_pairs};
use crate::handlers::scim_resource::{self as lifecycle, ScimCall, ScimEvent, ScimResource};
use crate::store::scim_groups::{self as store, Member, Names, ScimGroupRow};
use crate::store::{scim_users, taken_as};
use actix_web::web;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::http::RequestMeta;
use janua_scim::{ListQuery, ListResponse, ResourceType, ScimError};
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

/// A SCIM Group: a row of `scim_groups`, shown with its members; an org role stands behind it.
pub struct Group;

impl ScimResource for Group {
    const TYPE: ResourceType = GROUP;
    type Row = ScimGroupRow;
    type Related = Vec<Member>;

    fn version(row: &ScimGroupRow) -> i64 {
        row.version
    }

    async fn find(
        conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, lock: bool,
    ) -> Result<Option<ScimGroupRow>, ScimFailure> {
        Ok(store::find(conn, org, id, lock).await?)
    }

    async fn related(conn: &mut AsyncPgConnection, row: &ScimGroupRow) -> Result<Vec<Member>, ScimFailure> {
        Ok(store::members_of(conn, &[row.id]).await?.remove(&row.id).unwrap_or_default())
    }

    fn resource(row: &ScimGroupRow, members: &Vec<Member>, base: &str) -> Value {
        resources::group_resource(row, members, base)
    }

    async fn answer_list(
        state: &EnterpriseState, org: Uuid, base: &str, query: &ListQuery,
    ) -> Result<ListResponse, ScimFailure> {
        let mut conn = state.pool.get().await?;
        let matched = matching(&mut conn, org, base, query.filter.as_ref()).await?;
        let (page, total) = lifecycle::sorted_page(matched, query, GROUP);
        Ok(lifecycle::list_response(&page, total, query))
    }

    /// Creates the group and the org role behind it, held by the members with an account;
    /// publishes `scim.group_created`.
    async fn create(
        state: &EnterpriseState, client: &ScimClient, resource: Value, meta: RequestMeta,
    ) -> Result<(ScimGroupRow, Vec<Member>), ScimFailure> {
        let names = names(&resource)?;
        let display = &names.display_name;
        let org = client.organization_id;
        let mut conn = state.pool.get().await?;
        check_name_free(&mut conn, org, display, None).await?;
        let members = members_named(&mut conn, org, &resource, &[]).await?;
        let member_ids: Vec<Uuid> = members.iter().map(|(id, _)| *id).collect();
        let mut id = group_id(org, display);
        if store::find(&mut conn, org, id, false).await?.is_some() {
            // A group renamed away from this name still holds the id.
            id = Uuid::now_v7();
        }
        let row = conn
            .transaction::<_, ScimFailure, _>(async |conn| {
                let row =
                    store::insert(conn, org, id, &names).await.map_err(taken_as(|| name_exists(display)))?;
                store::set_members(conn, id, &members).await?;
                state.upstreams.put_role(org, id, display, client.created_by).await?;
                grant_role(state, client, conn, id, &member_ids).await?;
                let event = ScimEvent {
                    event_type: "scim.group_created",
                    details: json!({ "group_id": id, "display_name": display, "members": member_ids }),
                };
                lifecycle::publish(conn, client, id, event, meta).await?;
                Ok(row)
            })
            .await?;
        let members = Self::related(&mut conn, &row).await?;
        Ok((row, members))
    }

    /// Renames the org role and gives it the new members' accounts as they change; publishes
    /// `scim.group_updated` with who joined and who left.
    async fn update(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &ScimGroupRow,
        (_, current_members): (&Value, &Vec<Member>), next: Value,
    ) -> Result<Option<(ScimGroupRow, ScimEvent)>, ScimFailure> {
        let (org, id) = (client.organization_id, row.id);
        let names = names(&next)?;
        let display = &names.display_name;
        let mut kept: Vec<(Uuid, Option<String>)> =
            current_members.iter().map(|m| (m.user_id, m.display_sent.then(|| m.display.clone()))).collect();
        kept.sort_by_key(|(id, _)| *id);
        let members = members_named(conn, org, &next, current_members).await?;
        let before: BTreeSet<Uuid> = kept.iter().map(|(id, _)| *id).collect();
        let after: BTreeSet<Uuid> = members.iter().map(|(id, _)| *id).collect();
        let renamed = *display != row.display_name;
        if !renamed && names.external_id == row.external_id && kept == members {
            return Ok(None);
        }
        if renamed {
            check_name_free(conn, org, display, Some(id)).await?;
        }
        let saved = store::save(conn, id, &names, row.version + 1).await?;
        store::set_members(conn, id, &members).await?;
        if renamed {
            state.upstreams.put_role(org, id, display, client.created_by).await?;
        }
        if before != after {
            let ids: Vec<Uuid> = after.iter().copied().collect();
            grant_role(state, client, conn, id, &ids).await?;
        }
        let added: Vec<&Uuid> = after.difference(&before).collect();
        let removed: Vec<&Uuid> = before.difference(&after).collect();
        let event = ScimEvent {
            event_type: "scim.group_updated",
            details: json!({
                "group_id": id,
                "display_name": display,
                "renamed": renamed,
                "members_added": added,
                "members_removed": removed,
            }),
        };
        Ok(Some((saved, event)))
    }

    /// Deletes the group and the org role behind it; publishes `scim.group_deleted`.
    async fn remove(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &ScimGroupRow,
    ) -> Result<ScimEvent, ScimFailure> {
        store::delete(conn, row.id).await?;
        state.upstreams.delete_role(client.organization_id, row.id).await?;
        Ok(ScimEvent {
            event_type: "scim.group_deleted",
            details: json!({ "group_id": row.id, "display_name": row.display_name }),
        })
    }
}

fn name_exists(display: &str) -> ScimFailure {
    ScimError::Uniqueness(format!("a group named '{display}' exists")).into()
}

/// Refuses a name another group of the organization (but `except`) has, in any case.
async fn check_name_free(
    conn: &mut AsyncPgConnection, org: Uuid, display: &str, except: Option<Uuid>,
) -> Result<(), ScimFailure> {
    if store::name_taken(conn, org, display, except).await? {
        return Err(name_exists(display));
    }
    Ok(())
}

/// Makes the members among `ids` that have an account the holders of the group's org role.
async fn grant_role(
    state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, group: Uuid, ids: &[Uuid],
) -> Result<(), ScimFailure> {
    let org = client.organization_id;
    let holders = scim_users::with_accounts(conn, org, ids).await?;
    state.upstreams.set_role_members(org, group, &holders, client.created_by).await?;
    Ok(())
}

/// The display name and external id of a group resource, checked.
fn names(resource: &Value) -> Result<Names, ScimFailure> {
    let display_name = resource["displayName"].as_str().unwrap_or_default().trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(ScimError::InvalidValue("displayName must be 1 to 200 characters".into()).into());
    }
    Ok(Names { display_name, external_id: resource["externalId"].as_str().map(str::to_owned) })
}

/// The members a group resource names (each a live user of the organization), with the
/// display to keep: the one the client sent, unless it is just the user's own name as shown
/// before (`current`).
async fn members_named(
    conn: &mut AsyncPgConnection, org: Uuid, resource: &Value, current: &[Member],
) -> Result<Vec<(Uuid, Option<String>)>, ScimFailure> {
    let mut named: BTreeMap<Uuid, Option<String>> = BTreeMap::new();
    for member in resource["members"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if member["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case("group")) {
            return Err(ScimError::InvalidValue("nested groups are not supported".into()).into());
        }
        let raw = member["value"].as_str().unwrap_or_default();
        let id = Uuid::parse_str(raw).map_err(|_| {
            ScimError::InvalidValue(format!("member '{raw}' is not a user of this organization"))
        })?;
        let display = member["display"]
            .as_str()
            .map(str::to_owned)
            .filter(|d| !current.iter().any(|m| m.user_id == id && !m.display_sent && &m.display == d));
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

/// Gives the org roles of a user's groups their current holders (after the user got an
/// account: members without one are not role holders).
pub(crate) async fn sync_roles_of(
    conn: &mut AsyncPgConnection, state: &EnterpriseState, client: &ScimClient,
    user: &scim_users::ScimUserRow,
) -> Result<(), ScimFailure> {
    let org = client.organization_id;
    let groups = scim_users::groups_of(conn, &[user.id]).await?.remove(&user.id).unwrap_or_default();
    for (group, _) in groups {
        let members = store::member_ids(conn, group).await?;
        let mut holders = scim_users::with_accounts(conn, org, &members).await?;
        if user.has_account && !holders.contains(&user.id) {
            holders.push(user.id);
        }
        state.upstreams.set_role_members(org, group, &holders, client.created_by).await?;
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
pub async fn list(call: ScimCall) -> ScimResult {
    call.list::<Group>(&query_pairs(&call.req)?).await
}

/// Every group the filter matches (all without one), in creation order, with members.
pub(crate) async fn matching(
    conn: &mut AsyncPgConnection, org: Uuid, base: &str, filter: Option<&janua_scim::Filter>,
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
pub async fn get(call: ScimCall, path: web::Path<String>) -> ScimResult {
    call.get::<Group>(&path).await
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
pub async fn create(call: ScimCall, body: web::Bytes) -> ScimResult {
    call.create::<Group>(&body).await
}

/// Replaces a group: its name, external id and members.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(put, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "the Group", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn replace(call: ScimCall, path: web::Path<String>, body: web::Bytes) -> ScimResult {
    call.replace::<Group>(&path, &body).await
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
pub async fn patch(call: ScimCall, path: web::Path<String>, body: web::Bytes) -> ScimResult {
    call.patch::<Group>(&path, &body).await
}

/// Deletes a group and the organization role behind it (its members lose that role).
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(delete, path = "/api/v1/scim/v2/Groups/{group_id}", tag = "SCIM", params(("group_id" = Uuid, Path)),
    responses((status = 204, description = "deleted"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn delete(call: ScimCall, path: web::Path<String>) -> ScimResult {
    call.delete::<Group>(&path).await
}
