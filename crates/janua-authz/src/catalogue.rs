//! The one catalogue of permissions (`resource:action`) and what the built-in roles hold.

/// Every permission a role may hold, with what it lets one do.
pub const PERMISSIONS: &[(&str, &str)] = &[
    ("organizations:read", "see the organization and its settings"),
    ("organizations:update", "change the organization's name, slug, description and metadata"),
    ("organizations:delete", "delete the organization"),
    ("members:read", "list the organization's members"),
    ("members:manage", "add and remove members and change their roles"),
    ("invitations:manage", "invite people, and list, resend and revoke invitations"),
    ("roles:read", "see roles and their permissions"),
    ("roles:manage", "create, change and delete custom roles, and assign them"),
    ("policies:manage", "create, change, delete and evaluate policies"),
    ("users:read", "list and read user accounts"),
    ("users:manage", "suspend, unsuspend and change user accounts"),
    ("users:delete", "delete user accounts"),
    ("sessions:revoke", "revoke other users' sessions"),
    ("audit:read", "read the audit log and the compliance controls"),
    ("webhooks:manage", "manage webhook endpoints"),
    ("sso:manage", "configure single sign-on"),
    ("scim:manage", "manage SCIM provisioning tokens"),
    ("admin:access", "use the platform administration routes"),
];

/// Permissions that reach any role in the organization: an SSO connection's `admin_groups` and
/// `default_role` make admins, and a SCIM token changes the holders of every group (custom
/// role). Held through a custom role they would end a chain of steps in more power than its
/// start, so they come with the built-in admin and owner roles only: a custom role cannot
/// carry them.
pub const BUILT_IN_ONLY: &[&str] = &["sso:manage", "scim:manage"];

pub fn is_permission(p: &str) -> bool {
    PERMISSIONS.iter().any(|(name, _)| *name == p)
}

/// The built-in organization roles, least first: each holds what the ones before it hold.
const ORG_ROLES: [&str; 3] = ["member", "admin", "owner"];

/// Each organization permission of the built-in roles with the least role that holds it.
const ORG_GRANTS: &[(&str, &str)] = &[
    ("organizations:read", "member"),
    ("organizations:update", "admin"),
    ("organizations:delete", "owner"),
    ("members:read", "member"),
    ("members:manage", "admin"),
    ("invitations:manage", "admin"),
    ("roles:read", "member"),
    ("roles:manage", "admin"),
    ("policies:manage", "admin"),
    ("audit:read", "admin"),
    ("webhooks:manage", "admin"),
    ("sso:manage", "admin"),
    ("scim:manage", "admin"),
];

/// Permissions of the built-in organization roles (none for any other name).
pub fn org_role_permissions(role: &str) -> Vec<&'static str> {
    let rank = |r: &str| ORG_ROLES.iter().position(|x| *x == r);
    let Some(held) = rank(role) else { return Vec::new() };
    ORG_GRANTS.iter().filter(|(_, least)| rank(least).is_some_and(|l| l <= held)).map(|(p, _)| *p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_hold_only_catalogued_permissions_and_nest() {
        for role in ["owner", "admin", "member"] {
            assert!(org_role_permissions(role).iter().all(|p| is_permission(p)), "{role}");
        }
        let admin = org_role_permissions("admin");
        assert!(org_role_permissions("member").iter().all(|p| admin.contains(p)));
        assert!(admin.iter().all(|p| org_role_permissions("owner").contains(p)));
        assert!(!admin.contains(&"organizations:delete"));
    }
}
