//! The life cycle every SCIM resource type shares (RFC 7644 §3.3-§3.6, §3.14): list, read
//! with `If-None-Match`, create, and PUT, PATCH and DELETE under the row's lock, each write
//! checked against `If-Match`, stored with the next version and published through the outbox
//! in the same transaction. What a User and a Group are (their rows, what a create or a change
//! does to the account or the org role behind them, the event they publish) is theirs, in
//! [`ScimResource`].

use crate::EnterpriseState;
use crate::domain::scim_client::ScimClient;
use crate::events;
use crate::handlers::scim_common::{
    ScimFailure, ScimResult, base_url, check_if_match, etag, if_match, json_body, not_modified, query_pairs,
    resource_response, scim_json,
};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::ETAG;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use futures::future::LocalBoxFuture;
use janua_core::http::RequestMeta;
use janua_scim::{ListQuery, ListResponse, PatchRequest, ResourceType, ScimError, apply_patch, input, list};
use serde_json::Value;
use uuid::Uuid;

/// What a change publishes: the event type and its details (the organization and the token
/// are added to every one).
pub struct ScimEvent {
    pub event_type: &'static str,
    pub details: Value,
}

/// A SCIM resource type: its row and what a change or a delete does to it. The functions of
/// this module run the rest of the life cycle the same way for every type.
pub trait ScimResource {
    /// The schema (filters, projection, required attributes).
    const TYPE: ResourceType;
    /// The stored row.
    type Row: Send + Sync;
    /// What the resource shows besides its row (a user's groups, a group's members).
    type Related: Send + Sync;

    fn version(row: &Self::Row) -> i64;

    /// A readable row of the organization (locked for an update when `lock`).
    fn find(
        conn: &mut AsyncPgConnection, org: Uuid, id: Uuid, lock: bool,
    ) -> impl Future<Output = Result<Option<Self::Row>, ScimFailure>> + Send;

    fn related(
        conn: &mut AsyncPgConnection, row: &Self::Row,
    ) -> impl Future<Output = Result<Self::Related, ScimFailure>> + Send;

    /// The resource as clients see it.
    fn resource(row: &Self::Row, related: &Self::Related, base: &str) -> Value;

    /// A list (`GET` or `POST .search`) answered.
    fn answer_list(
        state: &EnterpriseState, org: Uuid, base: &str, query: &ListQuery,
    ) -> impl Future<Output = Result<ListResponse, ScimFailure>>;

    /// POST (RFC 7644 §3.3): makes what `resource` (checked against the schema) describes,
    /// and what stands behind it, publishing its event through the outbox; answers the row
    /// and what the resource shows besides.
    fn create(
        state: &EnterpriseState, client: &ScimClient, resource: Value, meta: RequestMeta,
    ) -> impl Future<Output = Result<(Self::Row, Self::Related), ScimFailure>>;

    /// Makes the row (and what stands behind it) say what `next` says, with the next version;
    /// `None` when `next` changes nothing (the version stays, nothing is published).
    fn update(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &Self::Row,
        current: (&Value, &Self::Related), next: Value,
    ) -> impl Future<Output = Result<Option<(Self::Row, ScimEvent)>, ScimFailure>> + Send;

    /// Takes the resource out of SCIM (and what stands behind it).
    fn remove(
        state: &EnterpriseState, client: &ScimClient, conn: &mut AsyncPgConnection, row: &Self::Row,
    ) -> impl Future<Output = Result<ScimEvent, ScimFailure>> + Send;
}

/// The 404 of a resource that is not there (or not this organization's).
pub fn not_found<R: ScimResource>(id: &str) -> ScimFailure {
    ScimError::NotFound(format!("{} {id}", R::TYPE.name())).into()
}

fn parse_id<R: ScimResource>(raw: &str) -> Result<Uuid, ScimFailure> {
    Uuid::parse_str(raw).map_err(|_| not_found::<R>(raw))
}

/// A list query of the resource type from its parameters.
pub fn list_query<R: ScimResource>(pairs: &[(String, String)]) -> Result<ListQuery, ScimFailure> {
    Ok(ListQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), R::TYPE)?)
}

/// The page a list query asks for of the resources it matched, sorted as it says (by the
/// attributes of `sort_type`), and how many matched.
pub fn sorted_page(
    mut matched: Vec<Value>, query: &ListQuery, sort_type: ResourceType,
) -> (Vec<Value>, usize) {
    if let Some(sort_by) = &query.sort_by {
        list::sort_resources(&mut matched, sort_by, query.sort_order, sort_type);
    }
    let total = matched.len();
    (query.paging.page(&matched).to_vec(), total)
}

/// A list's answer: the page, each resource projected as the schema of its type says.
pub fn list_response(page: &[Value], total: usize, query: &ListQuery) -> ListResponse {
    let resources = page
        .iter()
        .map(|r| {
            let rt =
                if r["meta"]["resourceType"] == "Group" { ResourceType::Group } else { ResourceType::User };
            query.projection.apply(r, rt)
        })
        .collect();
    ListResponse::new(resources, total, query.paging.start_index)
}

/// What every SCIM resource route is called with: the service's state, the client (its token
/// checked), the request and what it says about its sender.
pub struct ScimCall {
    pub state: web::Data<EnterpriseState>,
    pub client: ScimClient,
    pub req: HttpRequest,
    pub meta: RequestMeta,
}

impl FromRequest for ScimCall {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let parts = <(web::Data<EnterpriseState>, ScimClient, RequestMeta)>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let (state, client, meta) = parts.await?;
            Ok(ScimCall { state, client, req, meta })
        })
    }
}

impl ScimCall {
    /// The URL the request's resources are located under.
    pub fn base_url(&self) -> String {
        base_url(&self.state, &self.req)
    }

    /// A list query (from the URL, or a search body's parameters) answered.
    pub async fn list<R: ScimResource>(&self, pairs: &[(String, String)]) -> ScimResult {
        let query = list_query::<R>(pairs)?;
        let base = self.base_url();
        let response = R::answer_list(&self.state, self.client.organization_id, &base, &query).await?;
        Ok(scim_json(StatusCode::OK, &response.to_json()))
    }

    /// One resource, with its ETag; `If-None-Match` with the current ETag answers 304.
    pub async fn get<R: ScimResource>(&self, path: &str) -> ScimResult {
        let Self { state, client, req, .. } = self;
        let id = parse_id::<R>(path)?;
        let query = list_query::<R>(&query_pairs(req)?)?;
        let base = self.base_url();
        let mut conn = state.pool.get().await?;
        let row = R::find(&mut conn, client.organization_id, id, false)
            .await?
            .ok_or_else(|| not_found::<R>(path))?;
        let version = R::version(&row);
        if not_modified(req, version) {
            return Ok(HttpResponse::NotModified().insert_header((ETAG, etag(version))).finish());
        }
        let related = R::related(&mut conn, &row).await?;
        let resource = R::resource(&row, &related, &base);
        Ok(resource_response(StatusCode::OK, &query.projection.apply(&resource, R::TYPE), version))
    }

    /// POST: the body makes a new resource, answered 201 with its `Location` and ETag.
    pub async fn create<R: ScimResource>(self, body: &[u8]) -> ScimResult {
        let base = self.base_url();
        let resource = input::from_client(&json_body(body)?, R::TYPE)?;
        let (row, related) = R::create(&self.state, &self.client, resource, self.meta).await?;
        let resource = R::resource(&row, &related, &base);
        Ok(resource_response(StatusCode::CREATED, &resource, R::version(&row)))
    }

    /// PUT (RFC 7644 §3.5.1): the body replaces the resource; attributes left out are cleared.
    pub async fn replace<R: ScimResource>(self, path: &str, body: &[u8]) -> ScimResult {
        let id = parse_id::<R>(path)?;
        let replacement = input::from_client(&json_body(body)?, R::TYPE)?;
        self.change::<R>(id, move |_current| Ok(replacement)).await
    }

    /// PATCH (RFC 7644 §3.5.2): the operations applied to the current resource.
    pub async fn patch<R: ScimResource>(self, path: &str, body: &[u8]) -> ScimResult {
        let id = parse_id::<R>(path)?;
        let request = PatchRequest::from_json(&json_body(body)?)?;
        self.change::<R>(id, move |current| {
            let mut next = current.clone();
            apply_patch(&mut next, &request, R::TYPE)?;
            Ok(next)
        })
        .await
    }

    /// A PUT or PATCH: under the row's lock and on the version `If-Match` names, computes the
    /// next resource, checks it, and lets the type store it and name its event.
    async fn change<R: ScimResource>(
        self, id: Uuid, next_of: impl FnOnce(&Value) -> Result<Value, ScimFailure> + Send,
    ) -> ScimResult {
        let base = self.base_url();
        let precondition = if_match(&self.req);
        let Self { state, client, meta, .. } = self;
        let mut conn = state.pool.get().await?;
        let row = conn
            .transaction::<_, ScimFailure, _>(async |conn| {
                let row = lock::<R>(conn, &client, id, precondition.as_deref(), &id.to_string()).await?;
                let related = R::related(conn, &row).await?;
                let current = R::resource(&row, &related, &base);
                let next = next_of(&current)?;
                input::check_required(&next, R::TYPE)?;
                let Some((saved, event)) =
                    R::update(&state, &client, conn, &row, (&current, &related), next).await?
                else {
                    return Ok(row);
                };
                publish(conn, &client, id, event, meta).await?;
                Ok(saved)
            })
            .await?;
        let related = R::related(&mut conn, &row).await?;
        let resource = R::resource(&row, &related, &base);
        Ok(resource_response(StatusCode::OK, &resource, R::version(&row)))
    }

    /// DELETE (RFC 7644 §3.6), under the row's lock and on the version `If-Match` names.
    pub async fn delete<R: ScimResource>(self, path: &str) -> ScimResult {
        let id = parse_id::<R>(path)?;
        let precondition = if_match(&self.req);
        let Self { state, client, meta, .. } = self;
        let mut conn = state.pool.get().await?;
        conn.transaction::<_, ScimFailure, _>(async |conn| {
            let row = lock::<R>(conn, &client, id, precondition.as_deref(), path).await?;
            let event = R::remove(&state, &client, conn, &row).await?;
            publish(conn, &client, id, event, meta).await
        })
        .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}

/// The row, locked, when it is there (else a 404 naming `shown_id`) and at the version
/// `If-Match` names (else a 412).
async fn lock<R: ScimResource>(
    conn: &mut AsyncPgConnection, client: &ScimClient, id: Uuid, if_match: Option<&str>, shown_id: &str,
) -> Result<R::Row, ScimFailure> {
    let row =
        R::find(conn, client.organization_id, id, true).await?.ok_or_else(|| not_found::<R>(shown_id))?;
    check_if_match(if_match, R::version(&row))?;
    Ok(row)
}

/// Writes a change's event to the outbox, in the change's transaction.
pub async fn publish(
    conn: &mut AsyncPgConnection, client: &ScimClient, id: Uuid, event: ScimEvent, meta: RequestMeta,
) -> Result<(), ScimFailure> {
    let event = events::scim_change(event.event_type, client, id, event.details, meta.into());
    janua_db::outbox::enqueue(conn, &event).await?;
    Ok(())
}
