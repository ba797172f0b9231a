//! The Organizations router (`/api/v1/organizations`) and `/users/{id}/organizations`.

use crate::domain::access::{OrgAccess, no_such_organization};
use crate::domain::membership;
use crate::domain::roles::{Action, Role};
use crate::domain::slug;
use crate::handlers::conflict_as;
use crate::store::organizations as store;
use crate::{OrgState, events};
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::text::check_description;
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const NAME_MAX: usize = 128;
const METADATA_MAX_BYTES: usize = 8 * 1024;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    pub name: String,
    /// Lower-case letters, digits and hyphens, 3-63; made from the name when left out.
    pub slug: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: Option<serde_json::Value>,
    /// BCP 47 tag: the language of the organization's mail (invitations).
    pub locale: Option<String>,
    /// An https URL of the logo shown at the top of the organization's mail.
    pub logo_url: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    pub name: Option<String>,
    pub slug: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(value_type = Object)]
    pub metadata: Option<serde_json::Value>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub locale: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "janua_core::text::null_or_value")]
    #[schema(value_type = Option<String>)]
    pub logo_url: Option<Option<String>>,
}

/// An organization as its members see it, with the caller's role.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    #[serde(flatten)]
    pub organization: store::Organization,
    /// The caller's role (absent for a platform admin who is not a member).
    pub role: Option<Role>,
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "name",
            "error.accounts.organization_name_length",
            vec![("max", NAME_MAX.to_string().into())],
        ));
    }
    Ok(name.to_string())
}

fn check_slug(s: &str) -> Result<(), ApiError> {
    if slug::is_valid(s) {
        Ok(())
    } else {
        Err(ApiError::invalid("slug", "error.accounts.slug_invalid", vec![]))
    }
}

fn check_metadata(m: &serde_json::Value) -> Result<(), ApiError> {
    if !m.is_object() || m.to_string().len() > METADATA_MAX_BYTES {
        return Err(ApiError::invalid(
            "metadata",
            "error.accounts.organization_metadata_invalid",
            vec![("max", METADATA_MAX_BYTES.to_string().into())],
        ));
    }
    Ok(())
}

/// An https URL (mail clients load it), at most 2048 characters.
fn check_logo_url(url: &str) -> Result<(), ApiError> {
    let ok =
        url.len() <= 2048 && url::Url::parse(url).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
    if ok { Ok(()) } else { Err(ApiError::invalid("logo_url", "error.accounts.logo_url_invalid", vec![])) }
}

fn slug_taken() -> ApiError {
    ApiError::keyed(ErrorCode::Conflict, "error.accounts.slug_taken", vec![])
        .with_details(serde_json::json!({ "field": "slug" }))
}

/// Creates an organization; the caller becomes its owner.
///
/// Permissions: any signed-in user.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "Organizations", request_body = CreateOrganization,
    responses((status = 201, body = OrganizationView), refusals::Invalid, refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn create(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, body: web::Json<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = check_name(&body.name)?;
    let slug = match body.slug {
        Some(s) => {
            check_slug(&s)?;
            s
        }
        None => slug::from_name(&name)
            .ok_or_else(|| ApiError::invalid("slug", "error.accounts.slug_from_name", vec![]))?,
    };
    check_description(body.description.as_deref())?;
    let metadata = body.metadata.unwrap_or_else(|| serde_json::json!({}));
    check_metadata(&metadata)?;
    let locale = body.locale.as_deref().map(|l| janua_core::text::check_locale("locale", l)).transpose()?;
    if let Some(url) = &body.logo_url {
        check_logo_url(url)?;
    }
    let (id, owner) = (janua_core::ids::new_id(), auth.user_id());
    // Make sure the read model knows the creator, so member lists show who they are.
    if crate::handlers::members::known_user(&state, owner).await?.is_none() {
        return Err(ApiError::unauthorized("user_gone"));
    }
    let mut conn = state.pool.get().await?;
    let org = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let org = store::insert(
                conn,
                store::NewOrganization {
                    id,
                    name: &name,
                    slug: &slug,
                    description: body.description.as_deref(),
                    metadata,
                    created_by: owner,
                    locale: locale.as_deref(),
                    logo_url: body.logo_url.as_deref(),
                },
            )
            .await?
            .ok_or_else(slug_taken)?;
            let created = serde_json::json!({ "organization_id": id, "name": org.name, "slug": org.slug });
            let event = events::organization("organization.created", id, owner, created, meta.clone().into());
            janua_db::outbox::enqueue(conn, &event).await?;
            membership::join(conn, id, owner, Role::Owner.as_str(), owner, meta.into()).await?;
            Ok(org)
        })
        .await?;
    Ok(HttpResponse::Created().json(OrganizationView { organization: org, role: Some(Role::Owner) }))
}

async fn organizations_of(
    state: &OrgState, user_id: Uuid, q: &PageQuery,
) -> Result<Page<OrganizationView>, ApiError> {
    let mut conn = state.pool.get().await?;
    let page = q
        .fetch(|after, n| store::of_user(&mut conn, user_id, after, n), |(org, _, joined)| (*joined, org.id))
        .await?;
    Ok(page.map(|(organization, role, _)| OrganizationView { organization, role: Role::parse(&role) }))
}

/// The caller's organizations, oldest membership first.
///
/// Permissions: any signed-in user.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "Organizations", params(PageQuery),
    responses((status = 200, body = Page<OrganizationView>)), security(("bearer" = [])))]
pub async fn list(
    state: web::Data<OrgState>, auth: Authenticated, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(organizations_of(&state, auth.user_id(), &q).await?))
}

/// A user's organizations.
///
/// Permissions: the user themself, or a platform admin; anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/users/{user_id}/organizations", tag = "Organizations",
    params(("user_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<OrganizationView>), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn list_for_user(
    state: web::Data<OrgState>, auth: Authenticated, path: web::Path<Uuid>, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let user_id = path.into_inner();
    if user_id != auth.user_id() && !auth.is_admin() {
        return Err(ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_user", vec![]));
    }
    Ok(HttpResponse::Ok().json(organizations_of(&state, user_id, &q).await?))
}

/// One organization.
///
/// Permissions: its members (and platform admins); anyone else gets 404.
#[utoipa::path(get, path = "/api/v1/organizations/{org_id}", tag = "Organizations",
    params(("org_id" = Uuid, Path)),
    responses((status = 200, body = OrganizationView), refusals::NotFound),
    security(("bearer" = [])))]
pub async fn get(access: OrgAccess) -> Result<HttpResponse, ApiError> {
    access.require(Action::View)?;
    Ok(HttpResponse::Ok().json(OrganizationView { role: access.shown_role(), organization: access.org }))
}

/// Changes the name, slug, description, metadata, mail language or logo.
///
/// Permissions: owners and admins of the organization.
#[utoipa::path(put, path = "/api/v1/organizations/{org_id}", tag = "Organizations",
    params(("org_id" = Uuid, Path)), request_body = UpdateOrganization,
    responses((status = 200, body = OrganizationView), refusals::Forbidden, refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn update(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta, body: web::Json<UpdateOrganization>,
) -> Result<HttpResponse, ApiError> {
    access.require(Action::Update)?;
    let body = body.into_inner();
    let name = body.name.as_deref().map(check_name).transpose()?;
    if let Some(s) = &body.slug {
        check_slug(s)?;
    }
    if let Some(d) = &body.description {
        check_description(d.as_deref())?;
    }
    if let Some(m) = &body.metadata {
        check_metadata(m)?;
    }
    let locale = match &body.locale {
        Some(Some(l)) => Some(Some(janua_core::text::check_locale("locale", l)?)),
        Some(None) => Some(None),
        None => None,
    };
    if let Some(Some(url)) = &body.logo_url {
        check_logo_url(url)?;
    }
    let mut changed = Vec::new();
    for (field, present) in [
        ("name", name.is_some()),
        ("slug", body.slug.is_some()),
        ("description", body.description.is_some()),
        ("metadata", body.metadata.is_some()),
        ("locale", locale.is_some()),
        ("logo_url", body.logo_url.is_some()),
    ] {
        if present {
            changed.push(field);
        }
    }
    let org_id = access.org.id;
    let mut conn = state.pool.get().await?;
    let org = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let org = store::update(
                conn,
                org_id,
                store::Changes {
                    name: name.as_deref(),
                    slug: body.slug.as_deref(),
                    description: body.description.as_ref().map(|d| d.as_deref()),
                    metadata: body.metadata.clone(),
                    locale: locale.as_ref().map(|l| l.as_deref()),
                    logo_url: body.logo_url.as_ref().map(|u| u.as_deref()),
                },
            )
            .await?
            .ok_or_else(slug_taken)?;
            janua_db::outbox::enqueue(
                conn,
                &events::organization(
                    "organization.updated",
                    org_id,
                    access.caller,
                    serde_json::json!({
                        "organization_id": org_id,
                        "changed": changed,
                        "name": org.name,
                        "slug": org.slug,
                    }),
                    meta.into(),
                ),
            )
            .await?;
            Ok(org)
        })
        .await
        // A concurrent change to the same slug loses on the unique index.
        .map_err(conflict_as(slug_taken))?;
    Ok(HttpResponse::Ok().json(OrganizationView { organization: org, role: access.shown_role() }))
}

/// Deletes the organization with its memberships.
///
/// Permissions: owners of the organization.
#[utoipa::path(delete, path = "/api/v1/organizations/{org_id}", tag = "Organizations",
    params(("org_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn delete(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta,
) -> Result<HttpResponse, ApiError> {
    access.require(Action::Delete)?;
    let org = access.org.id;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        if !store::delete(conn, org).await? {
            return Err(no_such_organization());
        }
        janua_db::outbox::enqueue(
            conn,
            &events::organization(
                "organization.deleted",
                org,
                access.caller,
                serde_json::json!({ "organization_id": org, "slug": access.org.slug }),
                meta.into(),
            ),
        )
        .await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
