//! Membership changes, each written with its event in the caller's transaction: whoever makes
//! one (a member, SCIM provisioning, an accepted invitation, identity's events), it is
//! recorded the same way.

use crate::domain::roles::Role;
use crate::events;
use crate::store::{members, roles};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use janua_core::{ApiError, ErrorCode};
use janua_events::EventContext;
use uuid::Uuid;

/// Makes the user a member with `role` (`organization.member_added`); false, with nothing
/// recorded, when they are one already.
pub async fn join(
    conn: &mut AsyncPgConnection, org: Uuid, user: Uuid, role: &str, actor: Uuid, ctx: EventContext,
) -> QueryResult<bool> {
    if !members::add(conn, org, user, role).await? {
        return Ok(false);
    }
    let event = events::member("organization.member_added", org, actor, user, role, ctx);
    janua_db::outbox::enqueue(conn, &event).await?;
    Ok(true)
}

/// Ends the membership, and with it the user's custom roles of the organization
/// (`organization.member_removed`).
pub async fn leave(
    conn: &mut AsyncPgConnection, org: Uuid, user: Uuid, role: &str, actor: Uuid, ctx: EventContext,
) -> QueryResult<()> {
    members::remove(conn, org, user).await?;
    roles::unassign_in_org(conn, user, org).await?;
    let event = events::member("organization.member_removed", org, actor, user, role, ctx);
    janua_db::outbox::enqueue(conn, &event).await
}

/// Gives the member another role (`organization.member_role_changed`).
pub async fn change_role(
    conn: &mut AsyncPgConnection, org: Uuid, user: Uuid, role: &str, actor: Uuid, ctx: EventContext,
) -> QueryResult<()> {
    members::set_role(conn, org, user, role).await?;
    let event = events::member("organization.member_role_changed", org, actor, user, role, ctx);
    janua_db::outbox::enqueue(conn, &event).await
}

/// A member's role, read together with the organization's owners: both stay locked until the
/// transaction ends, so two concurrent changes cannot both leave the organization without one.
pub struct Locked {
    pub role: String,
    sole_owner: bool,
}

impl Locked {
    /// The user's membership in `org`, locked; None for a non-member.
    pub async fn of(conn: &mut AsyncPgConnection, org: Uuid, user: Uuid) -> QueryResult<Option<Locked>> {
        let owners = members::owners_for_update(conn, org).await?;
        let role = members::role_for_update(conn, org, user).await?;
        Ok(role.map(|role| Locked { sole_owner: role == Role::Owner.as_str() && owners.len() <= 1, role }))
    }

    pub fn built_in(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    /// An organization keeps at least one owner: its last one may not leave or be demoted (409).
    pub fn may_lose_role(&self) -> Result<(), ApiError> {
        if self.sole_owner {
            return Err(ApiError::keyed(ErrorCode::Conflict, "error.accounts.last_owner", vec![])
                .with_details(serde_json::json!({ "reason": "last_owner" })));
        }
        Ok(())
    }
}
