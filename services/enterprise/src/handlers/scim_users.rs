//! SCIM Users (`/api/v1/scim/v2/Users`, also under `/api/v1/scim`), RFC 7644 §3, for an
//! organization's identity provider.
//!
//! A SCIM user is a Janua account (identity owns it) that is a member of the token's
//! organization (org owns that); this service keeps the SCIM attributes and the version.
//! `active: false` suspends the account (every token and session ends at once); `DELETE`
//! deactivates it the same way, takes it out of the organization and drops it from SCIM,
//! keeping the account for the record. A later create of the same `userName` brings it back.

use crate::EnterpriseState;
use crate::domain::scim_client::ScimClient;
use crate::domain::scim_resources::{self as resources, AccountFields};
use crate::handlers::scim_common::{ScimFailure, ScimResult, query_pairs};
use crate::handlers::scim_resource::{self as lifecycle, ScimCall, ScimEvent, ScimResource};
use crate::store::scim_users::{self as store, ScimUserRow, Write};
use crate::store::taken_as;
use actix_web::web;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::http::RequestMeta;
use janua_scim::filter::IndexedAttribute;
use janua_scim::{Filter, IndexedLookup, ListQuery, ListResponse, ResourceType, ScimError};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

const USER: ResourceType = ResourceType::User;

/// A SCIM User: a row of `scim_users`, shown with the groups it is a member of.
pub struct User;

impl ScimResource for User {
    const TYPE: ResourceType = USER;
    type Row = ScimUserRow;
    type Related = Vec<(Uuid, String)>;

    fn version(row: &ScimUserRow) -> i64 {
        row.version
    }

    async fn find(
        conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, lock: bool,
    ) -> Result<Option<ScimUserRow>, ScimFailure> {
        let row = store::find(conn, org, id, lock).await?;
        Ok(row.filter(ScimUserRow::is_live))
    }

    async fn related(
        conn: &mut AsyncPgConnection, row: &ScimUserRow,
    ) -> Result<Vec<(Uuid, String)>, ScimFailure> {
        Ok(store::groups_of(conn, &[row.id]).await?.remove(&row.id).unwrap_or_default())
    }

    fn resource(row: &ScimUserRow, groups: &Vec<(Uuid, String)>, base: &str) -> Value {
        resources::user_resource(row, groups, base)
    }

    async fn answer_list(
        state: &EnterpriseState, org: Uuid, base: &str, query: &ListQuery,
    ) -> Result<ListResponse, ScimFailure> {
        answer_list(state, org, base, query).await
    }

    /// Reserves the userName (or takes back a tombstone or an unfinished create), makes or
    /// updates the account and its membership, and stores the user as live; publishes
    /// `scim.user_provisioned`.
    async fn create(
        state: &EnterpriseState, client: &ScimClient, mut resource: Value, meta: RequestMeta,
    ) -> Result<(ScimUserRow, Vec<(Uuid, String)>), ScimFailure> {
        let user_name = trim_user_name(&mut resource);
        let fields = resources::account_fields(&resource);
        let org = client.organization_id;
        let mut conn = state.pool.get().await?;

        // Reserve the userName (or take back a tombstone or an unfinished create).
        let reserved = match store::find_by_user_name(&mut conn, org, &user_name).await? {
            Some(row) if row.is_live() => return Err(already_provisioned(&user_name)),
            Some(row) => row,
            None => {
                let stored = resources::stored_user(&resource);
                store::insert_pending(&mut conn, org, Uuid::now_v7(), &user_name, &stored)
                    .await
                    .map_err(taken_as(|| already_provisioned(&user_name)))?
            }
        };
        let id = reserved.id;
        let fresh = reserved.pending && reserved.deleted_at.is_none();

        let has_account = match sync_account(state, client, id, &fields, "scim_provisioned").await {
            Ok(sync) => sync.exists,
            Err(e) => {
                if fresh && matches!(e, ScimFailure::Scim(ScimError::Uniqueness(_))) {
                    store::delete_pending(&mut conn, id).await?;
                }
                return Err(e);
            }
        };
        if has_account {
            // Also for a user brought back: deprovisioning took them out.
            state.upstreams.add_member(org, id, client.created_by).await?;
        }

        let version = if fresh { reserved.version } else { reserved.version + 1 };
        let stored = resources::stored_user(&resource);
        let row = conn
            .transaction::<_, ScimFailure, _>(async |conn| {
                let write = write_of(&resource, &stored, fields.active, version, has_account);
                let row = store::save(conn, id, write).await?;
                let event = ScimEvent {
                    event_type: "scim.user_provisioned",
                    details: json!({
                        "user_id": id,
                        "user_name": user_name,
                        "external_id": row.external_id,
                        "active": row.active,
                        "restored": !fresh,
                    }),
                };
                lifecycle::publish(conn, client, id, event, meta).await?;
                Ok(row)
            })
            .await?;
        // A user just made, or brought back (deprovisioning took it out of its groups), is in
        // no group.
        Ok((row, Vec::new()))
    }

    /// Brings the account in line (creating it when the user first gets an address) and
    /// publishes `scim.user_updated` with the attributes that changed.
    async fn update(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &ScimUserRow,
        (current, _): (&Value, &Vec<(Uuid, String)>), mut next: Value,
    ) -> Result<Option<(ScimUserRow, ScimEvent)>, ScimFailure> {
        let (org, id) = (client.organization_id, row.id);
        let user_name = trim_user_name(&mut next);
        let fields = resources::account_fields(&next);
        let stored = resources::stored_user(&next);
        if stored == row.resource && user_name == row.user_name {
            return Ok(None);
        }
        if !user_name.eq_ignore_ascii_case(&row.user_name)
            && store::find_by_user_name(conn, org, &user_name).await?.is_some_and(|other| other.id != id)
        {
            return Err(already_provisioned(&user_name));
        }
        let mut has_account = row.has_account;
        if resources::account_fields(current) != fields || (!has_account && fields.email.is_some()) {
            has_account = sync_changed_account(state, client, conn, row, &fields).await?;
        }
        let changed = changed_attributes(row, &user_name, fields.active, &stored);
        let write = write_of(&next, &stored, fields.active, row.version + 1, has_account);
        let saved = store::save(conn, id, write).await?;
        let event = ScimEvent {
            event_type: "scim.user_updated",
            details: json!({
                "user_id": id,
                "user_name": user_name,
                "active": fields.active,
                "changed": changed,
            }),
        };
        Ok(Some((saved, event)))
    }

    /// Suspends the account, takes it out of the organization and its groups, and leaves a
    /// tombstone; publishes `scim.user_deprovisioned`.
    async fn remove(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &ScimUserRow,
    ) -> Result<ScimEvent, ScimFailure> {
        let (org, id) = (client.organization_id, row.id);
        if state.upstreams.account_of(id).await?.is_some() {
            state
                .upstreams
                .update_account(id, None, None, Some(false), None, "scim_deprovisioned", client.created_by)
                .await?;
        }
        state.upstreams.remove_member(org, id, client.created_by).await.map_err(|e| match e {
            e if e.is_conflict() => ScimFailure::Scim(ScimError::Mutability(
                "the organization's last owner cannot be deprovisioned".into(),
            )),
            other => other.into(),
        })?;
        store::tombstone(conn, id).await?;
        Ok(ScimEvent {
            event_type: "scim.user_deprovisioned",
            details: json!({ "user_id": id, "user_name": row.user_name }),
        })
    }
}

/// Trims the resource's userName, and answers it.
fn trim_user_name(resource: &mut Value) -> String {
    let user_name = resource["userName"].as_str().unwrap_or_default().trim().to_owned();
    resource["userName"] = json!(user_name);
    user_name
}

/// What storing `resource` (its userName trimmed) writes; `stored` is its stored form.
fn write_of<'a>(
    resource: &'a Value, stored: &'a Value, active: bool, version: i64, has_account: bool,
) -> Write<'a> {
    Write {
        user_name: resource["userName"].as_str().unwrap_or_default(),
        external_id: resource["externalId"].as_str(),
        emails: resources::email_index(resource),
        resource: stored,
        active,
        version,
        has_account,
    }
}

fn already_provisioned(user_name: &str) -> ScimFailure {
    ScimError::Uniqueness(format!("userName '{user_name}' is already provisioned")).into()
}

/// Lists the organization's users: `filter`, `startIndex`/`count`, `sortBy`/`sortOrder`,
/// `attributes`/`excludedAttributes`. `userName`, `externalId`, `id` and `emails.value`
/// equality are answered from indexes; other filters are evaluated on every user.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(get, path = "/api/v1/scim/v2/Users", tag = "SCIM",
    params(("filter" = Option<String>, Query), ("startIndex" = Option<i64>, Query), ("count" = Option<i64>, Query),
        ("sortBy" = Option<String>, Query), ("sortOrder" = Option<String>, Query),
        ("attributes" = Option<String>, Query), ("excludedAttributes" = Option<String>, Query)),
    responses((status = 200, description = "a ListResponse of Users", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error (invalidFilter...)", content_type = "application/scim+json"),
        (status = 401, description = "no or a bad SCIM token", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn list(call: ScimCall) -> ScimResult {
    call.list::<User>(&query_pairs(&call.req)?).await
}

/// A list (`GET /Users` or `POST /Users/.search`) answered.
async fn answer_list(
    state: &EnterpriseState, org: Uuid, base: &str, query: &ListQuery,
) -> Result<ListResponse, ScimFailure> {
    let mut conn = state.pool.get().await?;
    let (mut page, total) = match (&query.filter, &query.sort_by) {
        (None, None) => {
            let total = store::count(&mut conn, org).await? as usize;
            let rows = if query.paging.count == 0 {
                Vec::new()
            } else {
                store::page(&mut conn, org, query.paging.offset() as i64, query.paging.count as i64).await?
            };
            let resources = rows.iter().map(|r| resources::user_resource(r, &[], base)).collect();
            (resources, total)
        }
        (filter, _) => {
            lifecycle::sorted_page(matching(&mut conn, org, base, filter.as_ref()).await?, query, USER)
        }
    };
    add_groups(&mut conn, &mut page, base).await?;
    Ok(lifecycle::list_response(&page, total, query))
}

/// Every user the filter matches (all of them without one), in creation order, as full
/// resources (`groups` filled in only when the filter names it).
pub(crate) async fn matching(
    conn: &mut AsyncPgConnection, org: Uuid, base: &str, filter: Option<&Filter>,
) -> Result<Vec<Value>, ScimFailure> {
    let candidates = match filter.and_then(|f| f.indexed_lookup(USER)) {
        Some(lookup) => by_index(conn, org, &lookup).await?,
        None => store::all(conn, org).await?,
    };
    let groups = if filter.is_some_and(mentions_groups) {
        let ids: Vec<Uuid> = candidates.iter().map(|r| r.id).collect();
        store::groups_of(conn, &ids).await?
    } else {
        HashMap::new()
    };
    Ok(candidates
        .iter()
        .map(|r| resources::user_resource(r, groups.get(&r.id).map_or(&[], Vec::as_slice), base))
        .filter(|resource| filter.is_none_or(|f| f.matches(resource, USER)))
        .collect())
}

fn mentions_groups(filter: &Filter) -> bool {
    filter.to_string().to_ascii_lowercase().contains("groups")
}

async fn by_index(
    conn: &mut AsyncPgConnection, org: Uuid, lookup: &IndexedLookup,
) -> Result<Vec<ScimUserRow>, ScimFailure> {
    Ok(match lookup.attribute {
        IndexedAttribute::Id => {
            let ids: Vec<Uuid> = lookup.values.iter().filter_map(|v| Uuid::parse_str(v).ok()).collect();
            store::by_ids(conn, org, &ids).await?
        }
        IndexedAttribute::ExternalId => store::by_external_ids(conn, org, &lookup.values).await?,
        IndexedAttribute::UserName => store::by_user_names(conn, org, &lookup.values).await?,
        IndexedAttribute::Email => store::by_emails(conn, org, &lookup.values).await?,
        IndexedAttribute::DisplayName => store::all(conn, org).await?,
    })
}

/// Fills in `groups` for the resources of a page (one query).
pub(crate) async fn add_groups(
    conn: &mut AsyncPgConnection, page: &mut [Value], base: &str,
) -> Result<(), ScimFailure> {
    let ids: Vec<Uuid> = page
        .iter()
        .filter(|r| r.get("groups").is_none())
        .filter_map(|r| r["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let groups = store::groups_of(conn, &ids).await?;
    for resource in page.iter_mut() {
        let Some(id) = resource["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()) else {
            continue;
        };
        if let Some(list) = groups.get(&id) {
            resource["groups"] = resources::group_refs(list, base);
        }
    }
    Ok(())
}

/// One user. `If-None-Match` with the current ETag answers 304.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(get, path = "/api/v1/scim/v2/Users/{user_id}", tag = "SCIM",
    params(("user_id" = Uuid, Path), ("attributes" = Option<String>, Query), ("excludedAttributes" = Option<String>, Query)),
    responses((status = 200, description = "the User, with an ETag", content_type = "application/scim+json"),
        (status = 304, description = "not modified"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn get(call: ScimCall, path: web::Path<String>) -> ScimResult {
    call.get::<User>(&path).await
}

/// Creates a user: a Janua account with the primary email (else a userName that is an
/// address), a member of the organization. A userName already provisioned answers 409
/// `uniqueness`, as does an email that belongs to an account this organization did not
/// provision (SCIM never takes over an existing account). `password` is ignored.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(post, path = "/api/v1/scim/v2/Users", tag = "SCIM",
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 201, description = "the User, with Location and ETag", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 409, description = "uniqueness", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn create(call: ScimCall, body: web::Bytes) -> ScimResult {
    call.create::<User>(&body).await
}

/// What [`sync_account`] found or did.
struct AccountSync {
    exists: bool,
    created: bool,
}

/// Makes the Janua account say what the SCIM resource says (email, name, active), creating
/// it, with the user's id, when the resource first carries an address. A user without one
/// keeps an existing account's last address.
async fn sync_account(
    state: &EnterpriseState, client: &ScimClient, id: Uuid, fields: &AccountFields, reason: &str,
) -> Result<AccountSync, ScimFailure> {
    let (account, created) = match (state.upstreams.account_of(id).await?, fields.email.as_deref()) {
        (Some(account), _) => (account, false),
        (None, None) => {
            return Ok(AccountSync { exists: false, created: false });
        }
        (None, Some(email)) => {
            match state
                .upstreams
                .create_account(id, email, fields.name.as_deref(), fields.locale.as_deref())
                .await
            {
                Ok(account) => (account, true),
                Err(e) if e.is_conflict() => {
                    return Err(ScimError::Uniqueness(
                        "an account with this email address already exists and was not provisioned by this organization".into(),
                    )
                    .into());
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let email = fields.email.as_deref().filter(|e| account.email != e.to_lowercase());
    let name = (account.name != fields.name).then_some(fields.name.as_deref());
    let active = ((account.status == "active") != fields.active).then_some(fields.active);
    let locale = fields.locale.as_deref().filter(|l| *l != account.locale);
    if email.is_some() || name.is_some() || active.is_some() || locale.is_some() {
        state.upstreams.update_account(id, email, name, active, locale, reason, client.created_by).await?;
    }
    Ok(AccountSync { exists: true, created })
}

/// Replaces a user with the body (RFC 7644 §3.5.1): attributes left out are cleared.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(put, path = "/api/v1/scim/v2/Users/{user_id}", tag = "SCIM", params(("user_id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "the User", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 409, description = "uniqueness", content_type = "application/scim+json"),
        (status = 412, description = "If-Match names an old version", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn replace(call: ScimCall, path: web::Path<String>, body: web::Bytes) -> ScimResult {
    call.replace::<User>(&path, &body).await
}

/// Changes a user with PATCH operations (RFC 7644 §3.5.2), as Entra ID and Okta send them.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(patch, path = "/api/v1/scim/v2/Users/{user_id}", tag = "SCIM", params(("user_id" = Uuid, Path)),
    request_body(content = Object, content_type = "application/scim+json"),
    responses((status = 200, description = "the User", content_type = "application/scim+json"),
        (status = 400, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json"),
        (status = 412, description = "If-Match names an old version", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn patch(call: ScimCall, path: web::Path<String>, body: web::Bytes) -> ScimResult {
    call.patch::<User>(&path, &body).await
}

/// Makes the account say what a changed user says; a user that got its account only now
/// joins the organization and the org roles of the groups it was already in. Whether the
/// user has an account afterwards.
async fn sync_changed_account(
    state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &ScimUserRow,
    fields: &AccountFields,
) -> Result<bool, ScimFailure> {
    let reason = if fields.active { "scim_updated" } else { "scim_deactivated" };
    let sync = sync_account(state, client, row.id, fields, reason).await?;
    if sync.created {
        state.upstreams.add_member(client.organization_id, row.id, client.created_by).await?;
        // Groups joined before the account existed now grant their roles.
        let created = ScimUserRow { has_account: true, ..row.clone() };
        crate::handlers::scim_groups::sync_roles_of(conn, state, client, &created).await?;
    }
    Ok(sync.exists)
}

/// The attributes a change touches, sorted: `userName`, `active`, and every stored key whose
/// value differs.
fn changed_attributes(row: &ScimUserRow, user_name: &str, active: bool, stored: &Value) -> Vec<String> {
    let mut changed: Vec<String> = Vec::new();
    if user_name != row.user_name {
        changed.push("userName".into());
    }
    if active != row.active {
        changed.push("active".into());
    }
    if let (Some(old), Some(new)) = (row.resource.as_object(), stored.as_object()) {
        for key in old.keys().chain(new.keys()) {
            if old.get(key) != new.get(key) && !changed.contains(key) {
                changed.push(key.clone());
            }
        }
    }
    changed.sort();
    changed
}

/// Deprovisions a user: the account is suspended (tokens and sessions end at once), leaves
/// the organization and its groups, and the user is gone from SCIM (404 from now on). The
/// account is kept; creating the same userName again restores it.
///
/// Permissions: the organization's SCIM token.
#[utoipa::path(delete, path = "/api/v1/scim/v2/Users/{user_id}", tag = "SCIM", params(("user_id" = Uuid, Path)),
    responses((status = 204, description = "deprovisioned"),
        (status = 404, description = "a SCIM error", content_type = "application/scim+json")),
    security(("scim_token" = [])))]
pub async fn delete(call: ScimCall, path: web::Path<String>) -> ScimResult {
    call.delete::<User>(&path).await
}
