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
            Action::ManageInvitations => "invitations:manage",
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
/// that permission: it never deletes the organization, touches an owner or makes one.
pub fn allowed_with(caller: Role, permissions: &std::collections::BTreeSet<String>, action: Action) -> bool {
    allowed(caller, action) || (permissions.contains(action.permission()) && allowed(Role::Admin, action))
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
        AddMember { role } => match caller {
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
        assert!(!allowed(
            Role::Admin,
            Action::RemoveMember {
                target: Role::Owner,
                is_self: false
            }
        ));
        assert!(!allowed(
            Role::Admin,
            Action::ChangeRole {
                target: Role::Owner,
                to: Role::Member,
                is_self: false
            }
        ));
        assert!(!allowed(
            Role::Admin,
            Action::ChangeRole {
                target: Role::Member,
                to: Role::Owner,
                is_self: false
            }
        ));
        assert!(!allowed(Role::Admin, Action::AddMember { role: Role::Owner }));
        assert!(allowed(Role::Admin, Action::AddMember { role: Role::Admin }));
        assert!(!allowed(Role::Admin, Action::Delete));
    }

    #[test]
    fn custom_role_permissions_lift_a_member_no_further_than_an_admin() {
        let perms: std::collections::BTreeSet<String> =
            ["members:manage".to_string(), "organizations:delete".to_string()].into();
        assert!(allowed_with(
            Role::Member,
            &perms,
            Action::AddMember { role: Role::Member }
        ));
        assert!(!allowed_with(
            Role::Member,
            &perms,
            Action::AddMember { role: Role::Owner }
        ));
        assert!(!allowed_with(Role::Member, &perms, Action::Delete));
        assert!(!allowed_with(Role::Member, &perms, Action::Update));
    }

    #[test]
    fn members_may_look_and_leave_only() {
        assert!(allowed(Role::Member, Action::View));
        assert!(allowed(
            Role::Member,
            Action::RemoveMember {
                target: Role::Member,
                is_self: true
            }
        ));
        assert!(!allowed(
            Role::Member,
            Action::RemoveMember {
                target: Role::Member,
                is_self: false
            }
        ));
        assert!(!allowed(Role::Member, Action::Update));
        assert!(!allowed(
            Role::Member,
            Action::ChangeRole {
                target: Role::Member,
                to: Role::Admin,
                is_self: true
            }
        ));
    }
}
