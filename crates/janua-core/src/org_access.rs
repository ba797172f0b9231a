//! The one organization-access rule, in every service that holds an organization's things
//! (org, enterprise, webhooks, audit): a platform admin passes; a member allowed to passes; a
//! member not allowed to gets 403; anyone else gets 404, as for an organization (or a thing
//! of one) that does not exist, so a stranger learns nothing. Org owns memberships and roles
//! and answers the others' question (which permissions does this user hold there?) over its
//! internal API.

use crate::{ApiError, ErrorCode};
use uuid::Uuid;

#[derive(Clone)]
pub struct OrgPermissions {
    org: crate::internal::InternalClient,
}

#[derive(serde::Deserialize)]
struct Answer {
    permissions: Vec<String>,
}

impl OrgPermissions {
    pub fn new(settings: &crate::config::Settings, http: reqwest::Client) -> Self {
        let org = crate::internal::InternalClient::new("org", &settings.org.url, settings, http)
            .with_timeout(std::time::Duration::from_secs(5));
        OrgPermissions { org }
    }

    /// The user's effective permissions in `org` (empty when not a member).
    pub async fn in_organization(&self, user: Uuid, org: Uuid) -> Result<Vec<String>, ApiError> {
        let answer: Option<Answer> = self
            .org
            .get(&format!("/users/{user}/permissions"), &[("organization_id", org.to_string())])
            .await?;
        Ok(answer.ok_or_else(|| ApiError::unavailable("the org service"))?.permissions)
    }

    /// [`decide`] for `permission` in `org`, asking org what the user holds there (a member
    /// always holds something: `organizations:read`).
    pub async fn require(
        &self, user: Uuid, platform_admin: bool, org: Uuid, permission: &str, hidden: fn() -> ApiError,
    ) -> Result<(), ApiError> {
        if platform_admin {
            return Ok(());
        }
        let held = self.in_organization(user, org).await?;
        let allowed = held.iter().any(|p| p == permission);
        decide(false, !held.is_empty(), allowed, hidden)
    }

    /// Whether the user holds `permission` in `org`.
    pub async fn holds(&self, user: Uuid, org: Uuid, permission: &str) -> Result<bool, ApiError> {
        Ok(self.in_organization(user, org).await?.iter().any(|p| p == permission))
    }
}

/// The rule itself: a platform admin passes; a non-member gets `hidden()` (a 404); a member
/// who is not `allowed` gets 403.
pub fn decide(
    platform_admin: bool, member: bool, allowed: bool, hidden: fn() -> ApiError,
) -> Result<(), ApiError> {
    match (platform_admin, member, allowed) {
        (true, _, _) => Ok(()),
        (false, false, _) => Err(hidden()),
        (false, true, false) => {
            Err(ApiError::keyed(ErrorCode::Forbidden, "error.organization.role_forbidden", vec![]))
        }
        (false, true, true) => Ok(()),
    }
}

/// What a stranger to an organization is told of it.
pub fn no_such_organization() -> ApiError {
    ApiError::keyed(ErrorCode::NotFound, "error.organization.not_found", vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_pass_strangers_learn_nothing_members_may_be_refused() {
        assert!(decide(true, false, false, no_such_organization).is_ok());
        assert_eq!(decide(false, false, true, no_such_organization).unwrap_err().code(), ErrorCode::NotFound);
        assert_eq!(
            decide(false, true, false, no_such_organization).unwrap_err().code(),
            ErrorCode::Forbidden
        );
        assert!(decide(false, true, true, no_such_organization).is_ok());
    }
}
