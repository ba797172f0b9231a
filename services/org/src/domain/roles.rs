//! Built-in organization roles and the one table of who may do what. Handlers ask
//! [`allowed`] (through the `OrgAccess` guard); nothing else decides.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

/// What a caller wants to do in an organization. Member actions name the target's current
/// role (and, for a role change, the new one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    View,
    ListMembers,
    Update,
    Delete,
    /// List, revoke and resend invitations.
    ManageInvitations,
    /// Create, change and delete the organization's policies.
    ManagePolicies,
    /// Create, change, delete and assign the organization's custom roles.
    ManageRoles,
    /// Invite an address to join with a role.
    Invite {
        role: Role,
    },
    AddMember {
        role: Role,
    },
    RemoveMember {
        target: Role,
        is_self: bool,
    },
    ChangeRole {
        target: Role,
        to: Role,
        is_self: bool,
    },
}

impl Action {
    /// The catalogued permission that stands for this action, for holders of custom roles.
    pub fn permission(self) -> &'static str {
        match self {
            Action::View => "organizations:read",
            Action::ListMembers => "members:read",
            Action::Update => "organizations:update",
            Action::Delete => "organizations:delete",
            Action::ManageInvitations | Action::Invite { .. } => "invitations:manage",
            Action::ManagePolicies => "policies:manage",
            Action::ManageRoles => "roles:manage",
            Action::AddMember { .. } | Action::RemoveMember { .. } | Action::ChangeRole { .. } => {
                "members:manage"
            }
        }
    }
}

/// Whether a member whose built-in role is `caller` and who holds `permissions` (from custom
/// roles) may do `action`. A custom role lifts a member at most to what an admin may do with
/// that permission, and never beyond the caller's own standing: nobody grants themself
/// authority.
///
/// - It never deletes the organization, touches an owner or makes one (admins cannot).
/// - It acts on others, never on the caller's own role.
/// - It acts only on members whose built-in role is at most the caller's, and hands out
///   built-in roles at most the caller's: a member who may manage members adds and removes
///   members, but makes no admin (who could then promote them: a chain ending in more power
///   than its start).
pub fn allowed_with(caller: Role, permissions: &std::collections::BTreeSet<String>, action: Action) -> bool {
    allowed(caller, action)
        || (permissions.contains(action.permission())
            && allowed(Role::Admin, action)
            && within_reach(caller, action))
}

/// What a permission held through a custom role reaches (see [`allowed_with`]).
fn within_reach(caller: Role, action: Action) -> bool {
    match action {
        Action::AddMember { role } | Action::Invite { role } => role <= caller,
        Action::RemoveMember { target, is_self } => !is_self && target <= caller,
        Action::ChangeRole { target, to, is_self } => !is_self && target <= caller && to <= caller,
        _ => true,
    }
}

/// Why a custom role may not be handed out (created, changed, assigned) by this caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantRefusal {
    /// The role would carry permissions the caller does not hold.
    BeyondOwn(Vec<String>),
    /// The caller's own grants would change, and only a custom role lets them manage roles.
    OwnGrants,
    /// A permission that comes with the built-in roles only.
    BuiltInOnly(Vec<String>),
}

/// Whether a caller (built-in role `caller`, effective permissions `held`) may hand out a
/// custom role carrying `grants`: a role never carries more than its granter holds, nor a
/// permission that only built-in roles carry; and `on_self` (assigning to oneself, or changing
/// or deleting a role one holds) needs a built-in role that manages roles: a permission held
/// through a custom role never changes the holder's own grants.
pub fn may_grant(
    caller: Role, held: &std::collections::BTreeSet<String>, grants: &[String], on_self: bool,
) -> Result<(), GrantRefusal> {
    let built_in_only: Vec<String> = grants
        .iter()
        .filter(|p| janua_authz::catalogue::BUILT_IN_ONLY.contains(&p.as_str()))
        .cloned()
        .collect();
    if !built_in_only.is_empty() {
        return Err(GrantRefusal::BuiltInOnly(built_in_only));
    }
    let beyond: Vec<String> = grants.iter().filter(|p| !held.contains(*p)).cloned().collect();
    if !beyond.is_empty() {
        return Err(GrantRefusal::BeyondOwn(beyond));
    }
    if on_self && !allowed(caller, Action::ManageRoles) {
        return Err(GrantRefusal::OwnGrants);
    }
    Ok(())
}

/// Whether `caller` (their role in the organization) may do `action`.
///
/// - Any member sees the organization and its members, and may leave it.
/// - Admins update it and manage members and admins, but never touch an owner and never make
///   one.
/// - Owners do everything, including deleting the organization and making owners.
///
/// The last owner rule (an organization always keeps one) is checked against the data, in
/// the same transaction as the change.
pub fn allowed(caller: Role, action: Action) -> bool {
    use Action::*;
    match action {
        View | ListMembers => true,
        Update | ManageInvitations | ManagePolicies | ManageRoles => caller >= Role::Admin,
        Delete => caller == Role::Owner,
        AddMember { role } | Invite { role } => match caller {
            Role::Owner => true,
            Role::Admin => role != Role::Owner,
            Role::Member => false,
        },
        RemoveMember { target, is_self } => {
            is_self
                || match caller {
                    Role::Owner => true,
                    Role::Admin => target != Role::Owner,
                    Role::Member => false,
                }
        }
        ChangeRole { target, to, is_self } => match caller {
            Role::Owner => true,
            // An admin may step down, and move others between member and admin.
            Role::Admin => target != Role::Owner && to != Role::Owner && (!is_self || to <= Role::Admin),
            Role::Member => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_never_touch_owners() {
        assert!(!allowed(Role::Admin, Action::RemoveMember { target: Role::Owner, is_self: false }));
        assert!(!allowed(
            Role::Admin,
            Action::ChangeRole { target: Role::Owner, to: Role::Member, is_self: false }
        ));
        assert!(!allowed(
            Role::Admin,
            Action::ChangeRole { target: Role::Member, to: Role::Owner, is_self: false }
        ));
        assert!(!allowed(Role::Admin, Action::AddMember { role: Role::Owner }));
        assert!(allowed(Role::Admin, Action::AddMember { role: Role::Admin }));
        assert!(!allowed(Role::Admin, Action::Delete));
    }

    #[test]
    fn custom_role_permissions_lift_a_member_no_further_than_an_admin() {
        let perms: std::collections::BTreeSet<String> =
            ["members:manage".to_string(), "organizations:delete".to_string()].into();
        assert!(allowed_with(Role::Member, &perms, Action::AddMember { role: Role::Member }));
        assert!(!allowed_with(Role::Member, &perms, Action::AddMember { role: Role::Owner }));
        assert!(!allowed_with(Role::Member, &perms, Action::Delete));
        assert!(!allowed_with(Role::Member, &perms, Action::Update));
    }

    #[test]
    fn members_may_look_and_leave_only() {
        assert!(allowed(Role::Member, Action::View));
        assert!(allowed(Role::Member, Action::RemoveMember { target: Role::Member, is_self: true }));
        assert!(!allowed(Role::Member, Action::RemoveMember { target: Role::Member, is_self: false }));
        assert!(!allowed(Role::Member, Action::Update));
        assert!(!allowed(
            Role::Member,
            Action::ChangeRole { target: Role::Member, to: Role::Admin, is_self: true }
        ));
    }
}
