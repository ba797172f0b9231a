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
    ("audit:read", "read the audit log"),
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

/// Permissions of the built-in organization roles.
pub fn org_role_permissions(role: &str) -> &'static [&'static str] {
    const MEMBER: &[&str] = &["organizations:read", "members:read", "roles:read"];
    const ADMIN: &[&str] = &[
        "organizations:read",
        "organizations:update",
        "members:read",
        "members:manage",
        "invitations:manage",
        "roles:read",
        "roles:manage",
        "policies:manage",
        "audit:read",
        "webhooks:manage",
        "sso:manage",
        "scim:manage",
    ];
    const OWNER: &[&str] = &[
        "organizations:read",
        "organizations:update",
        "organizations:delete",
        "members:read",
        "members:manage",
        "invitations:manage",
        "roles:read",
        "roles:manage",
        "policies:manage",
        "audit:read",
        "webhooks:manage",
        "sso:manage",
        "scim:manage",
    ];
    match role {
        "owner" => OWNER,
        "admin" => ADMIN,
        "member" => MEMBER,
        _ => &[],
    }
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
