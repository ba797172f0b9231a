//! The Invitations router (`/api/invitations`, also `/api/v1/invitations`): invite by email
//! with a role, list, public details for an accept page, accept (the invited, signed-in user
//! with that verified address, once), revoke, resend. The email goes out through the
//! `invitation.created` / `invitation.resent` events (auth's mail queue sends it).

use crate::domain::access::{OrgAccess, resolve};
use crate::domain::membership;
use crate::domain::roles::{Action, Role};
use crate::handlers::members::{MemberView, known_user};
use crate::handlers::org_page;
use crate::store::invitations::{self as store, Invitation, NewInvitation};
use crate::store::{members, organizations, users};
use crate::{OrgState, events};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use janua_core::error::refusals;
use janua_core::http::RequestMeta;
use janua_core::pagination::{Page, PageQuery};
use janua_core::{ApiError, ErrorCode};
use janua_tokens::Authenticated;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long an invitation (or its latest resend) is good for.
pub const TTL_DAYS: i64 = 7;
/// Sends of one invitation (the first included).
pub const MAX_SENDS: i32 = 5;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    pub email: String,
    /// `owner`, `admin` or `member`.
    pub role: String,
    /// BCP 47 tag: the language of the invitation's mail (else the organization's, else the
    /// platform's default).
    pub locale: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: String,
    pub role: String,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub invited_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub sent_count: i32,
}

impl From<&Invitation> for InvitationView {
    fn from(i: &Invitation) -> Self {
        InvitationView {
            id: i.id,
            organization_id: i.organization_id,
            email: i.email.clone(),
            role: i.role.clone(),
            status: i.effective_status(Utc::now()).to_string(),
            invited_by: i.invited_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
            accepted_at: i.accepted_at,
            sent_count: i.sent_count,
        }
    }
}

/// An organization as those outside it may know it: what it is called.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationSummary {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
}

impl From<organizations::Organization> for OrganizationSummary {
    fn from(org: organizations::Organization) -> Self {
        OrganizationSummary { id: org.id, name: org.name, slug: org.slug }
    }
}

/// What anyone holding the invitation's id may see: enough for an accept page, no secrets.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicInvitation {
    pub id: Uuid,
    pub organization: OrganizationSummary,
    pub role: String,
    /// The invited address, partly hidden (`a***@example.com`).
    pub email_hint: String,
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub invited_by_name: Option<String>,
}

fn mask(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

fn no_such_invitation() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.accounts.no_such_invitation", vec![])
}

fn not_pending(reason: &str) -> ApiError {
    let key = match reason {
        "expired" => "error.accounts.invitation_expired",
        "accepted" => "error.accounts.invitation_used",
        "revoked" => "error.accounts.invitation_revoked",
        _ => "error.accounts.invitation_not_open",
    };
    ApiError::keyed(ErrorCode::Conflict, key, vec![]).with_details(serde_json::json!({ "reason": reason }))
}

fn check_email(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid { Ok(email) } else { Err(ApiError::invalid("email", "error.email.invalid", vec![])) }
}

/// The event that gets the email sent: everything the message needs, no secret.
fn mail_event(
    kind: &str, inv: &Invitation, org: &organizations::Organization, inviter: Option<&str>,
    meta: &RequestMeta,
) -> janua_events::Event {
    let message = serde_json::json!({
        "organization_name": org.name,
        "organization_logo_url": org.logo_url,
        "locale": inv.locale.as_ref().or(org.locale.as_ref()),
        "email": inv.email,
        "role": inv.role,
        "invited_by_name": inviter,
        "expires_at": inv.expires_at,
    });
    events::invitation(kind, inv, inv.invited_by, message, meta.clone().into())
}

/// The invitation, locked until the transaction ends, while it is open: pending (a lapsed one
/// too); 409 once accepted or revoked.
async fn pending_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> Result<Invitation, ApiError> {
    let inv = store::find_for_update(conn, id).await?.ok_or_else(no_such_invitation)?;
    if inv.status != "pending" {
        return Err(not_pending(&inv.status));
    }
    Ok(inv)
}

async fn inviter_name(state: &OrgState, id: Uuid) -> Result<Option<String>, ApiError> {
    Ok(known_user(state, id).await?.map(|u| u.name.unwrap_or(u.email)))
}

/// Invites an address to the organization with a role; the invitation is emailed.
///
/// Permissions: owners (any role) and admins (admin or member); holders of
/// `invitations:manage` through a custom role, with at most their own role.
#[utoipa::path(post, path = "/api/v1/invitations/organizations/{org_id}/invitations", tag = "Invitations",
    params(("org_id" = Uuid, Path)), request_body = CreateInvitation,
    responses((status = 201, body = InvitationView), refusals::Invalid, refusals::Forbidden,
        refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(org_id = %access.org.id))]
pub async fn create(
    state: web::Data<OrgState>, access: OrgAccess, meta: RequestMeta, body: web::Json<CreateInvitation>,
) -> Result<HttpResponse, ApiError> {
    let role = Role::parse(&body.role)
        .ok_or_else(|| ApiError::invalid("role", "error.accounts.role_invalid", vec![]))?;
    access.require(Action::Invite { role })?;
    let email = check_email(&body.email)?;
    let locale = body.locale.as_deref().map(|l| janua_core::text::check_locale("locale", l)).transpose()?;
    let inviter = inviter_name(&state, access.caller).await?;
    let org = access.org.clone();
    let id = janua_core::ids::new_id();
    let mut conn = state.pool.get().await?;
    let inv = conn
        .transaction::<_, ApiError, _>(async |conn| {
            if users::member_with_email(conn, org.id, &email).await? {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.address_is_member", vec![])
                    .with_details(serde_json::json!({ "reason": "already_member" })));
            }
            let inserted = store::insert(
                conn,
                NewInvitation {
                    id,
                    organization_id: org.id,
                    email: &email,
                    role: role.as_str(),
                    invited_by: access.caller,
                    expires_at: Utc::now() + Duration::days(TTL_DAYS),
                    locale: locale.as_deref(),
                },
            )
            .await?;
            if !inserted {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.address_invited", vec![])
                    .with_details(serde_json::json!({ "reason": "already_invited" })));
            }
            let inv = store::find(conn, id).await?.ok_or_else(no_such_invitation)?;
            janua_db::outbox::enqueue(
                conn,
                &mail_event("invitation.created", &inv, &org, inviter.as_deref(), &meta),
            )
            .await?;
            Ok(inv)
        })
        .await?;
    Ok(HttpResponse::Created().json(InvitationView::from(&inv)))
}

/// The organization's invitations, oldest first, whatever their status.
///
/// Permissions: owners and admins of the organization.
#[utoipa::path(get, path = "/api/v1/invitations/organizations/{org_id}/invitations", tag = "Invitations",
    params(("org_id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<InvitationView>), refusals::Forbidden, refusals::NotFound),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<OrgState>, access: OrgAccess, q: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = |i: &Invitation| (i.created_at, i.id);
    let page = org_page(&state, &access, Action::ManageInvitations, &q, store::list, key).await?;
    Ok(HttpResponse::Ok().json(page.map(|i| InvitationView::from(&i))))
}

/// Public details of an invitation, for an accept page.
///
/// Permissions: anyone with the invitation's id.
#[utoipa::path(get, path = "/api/v1/invitations/invitations/{invite_id}", tag = "Invitations",
    params(("invite_id" = Uuid, Path)),
    responses((status = 200, body = PublicInvitation), refusals::NotFound))]
pub async fn details(state: web::Data<OrgState>, path: web::Path<Uuid>) -> Result<HttpResponse, ApiError> {
    let (inv, org) = {
        let mut conn = state.pool.get().await?;
        let inv = store::find(&mut conn, path.into_inner()).await?.ok_or_else(no_such_invitation)?;
        let org =
            organizations::find(&mut conn, inv.organization_id).await?.ok_or_else(no_such_invitation)?;
        (inv, org)
    };
    let inviter = inviter_name(&state, inv.invited_by).await.ok().flatten();
    Ok(HttpResponse::Ok().json(PublicInvitation {
        id: inv.id,
        organization: org.into(),
        role: inv.role.clone(),
        email_hint: mask(&inv.email),
        status: inv.effective_status(Utc::now()).to_string(),
        expires_at: inv.expires_at,
        invited_by_name: inviter,
    }))
}

/// Accepts an invitation: the caller joins the organization with the invited role.
///
/// Permissions: the signed-in user whose verified email is the invited address; once.
#[utoipa::path(post, path = "/api/v1/invitations/invitations/{invite_id}/accept", tag = "Invitations",
    params(("invite_id" = Uuid, Path)),
    responses((status = 200, body = MemberView), refusals::Forbidden, refusals::NotFound, refusals::Conflict),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(user_id = %auth.user_id()))]
pub async fn accept(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let caller =
        state.identity.user(auth.user_id()).await?.ok_or_else(|| ApiError::unauthorized("user_gone"))?;
    {
        // Keep the read model as fresh as what was just read.
        let mut conn = state.pool.get().await?;
        users::upsert(&mut conn, &caller).await?;
    }
    let mut conn = state.pool.get().await?;
    let org = conn
        .transaction::<_, ApiError, _>(async |conn| {
            let inv = store::find_for_update(conn, id).await?.ok_or_else(no_such_invitation)?;
            if inv.email != caller.email.to_lowercase() {
                return Err(ApiError::keyed(
                    ErrorCode::Forbidden,
                    "error.accounts.invitation_other_address",
                    vec![],
                )
                .with_details(serde_json::json!({ "reason": "email_mismatch" })));
            }
            if !caller.email_verified {
                return Err(ApiError::keyed(
                    ErrorCode::Forbidden,
                    "error.accounts.invitation_unverified",
                    vec![],
                )
                .with_details(serde_json::json!({ "reason": "email_unverified" })));
            }
            match inv.effective_status(Utc::now()) {
                "pending" => {}
                other => return Err(not_pending(other)),
            }
            store::mark_accepted(conn, inv.id, caller.id).await?;
            let joined = serde_json::json!({ "user_id": caller.id });
            let event =
                events::invitation("invitation.accepted", &inv, caller.id, joined, meta.clone().into());
            janua_db::outbox::enqueue(conn, &event).await?;
            // Already a member: the error rolls the acceptance back.
            let org = inv.organization_id;
            if !membership::join(conn, org, caller.id, &inv.role, caller.id, meta.into()).await? {
                return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.you_are_member", vec![])
                    .with_details(serde_json::json!({ "reason": "already_member" })));
            }
            Ok(org)
        })
        .await?;
    let view = members::find(&mut conn, org, caller.id)
        .await?
        .ok_or_else(|| ApiError::internal("membership vanished"))?;
    Ok(HttpResponse::Ok().json(view))
}

/// The invitation and the caller's right to manage it (404 for non-members).
async fn managed(
    state: &OrgState, auth: &Authenticated, id: Uuid,
) -> Result<(Invitation, OrgAccess), ApiError> {
    let inv = {
        let mut conn = state.pool.get().await?;
        store::find(&mut conn, id).await?.ok_or_else(no_such_invitation)?
    };
    let access = resolve(state, auth, inv.organization_id).await.map_err(|_| no_such_invitation())?;
    access.require(Action::ManageInvitations)?;
    Ok((inv, access))
}

/// Revokes a pending invitation.
///
/// Permissions: owners and admins of its organization.
#[utoipa::path(delete, path = "/api/v1/invitations/invitations/{invite_id}", tag = "Invitations",
    params(("invite_id" = Uuid, Path)),
    responses((status = 204), refusals::Forbidden, refusals::NotFound, refusals::Conflict),
    security(("bearer" = [])))]
pub async fn revoke(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (inv, access) = managed(&state, &auth, path.into_inner()).await?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, ApiError, _>(async |conn| {
        let inv = pending_for_update(conn, inv.id).await?;
        store::mark_revoked(conn, inv.id).await?;
        let event =
            events::invitation("invitation.revoked", &inv, access.caller, serde_json::json!({}), meta.into());
        janua_db::outbox::enqueue(conn, &event).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends the invitation again and gives it a fresh week (at most five sends).
///
/// Permissions: owners and admins of its organization.
#[utoipa::path(post, path = "/api/v1/invitations/invitations/{invite_id}/resend", tag = "Invitations",
    params(("invite_id" = Uuid, Path)),
    responses((status = 202, body = InvitationView), refusals::Forbidden, refusals::NotFound,
        refusals::Conflict),
    security(("bearer" = [])))]
pub async fn resend(
    state: web::Data<OrgState>, auth: Authenticated, meta: RequestMeta, path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (inv, access) = managed(&state, &auth, path.into_inner()).await?;
    let inviter = inviter_name(&state, inv.invited_by).await?;
    let mut conn = state.pool.get().await?;
    let inv = conn
        .transaction::<_, ApiError, _>(async |conn| {
            // A lapsed invitation may be resent: that is what resending is for.
            let inv = pending_for_update(conn, inv.id).await?;
            if inv.sent_count >= MAX_SENDS {
                return Err(ApiError::keyed(
                    ErrorCode::Conflict,
                    "error.accounts.invitation_send_limit",
                    vec![("max", MAX_SENDS.to_string().into())],
                )
                .with_details(serde_json::json!({ "reason": "send_limit" })));
            }
            let inv = store::mark_resent(conn, inv.id, Utc::now() + Duration::days(TTL_DAYS)).await?;
            janua_db::outbox::enqueue(
                conn,
                &mail_event("invitation.resent", &inv, &access.org, inviter.as_deref(), &meta),
            )
            .await?;
            Ok(inv)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(InvitationView::from(&inv)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails_are_masked() {
        assert_eq!(super::mask("ada@example.com"), "a***@example.com");
        assert_eq!(super::mask("nope"), "***");
    }
}
