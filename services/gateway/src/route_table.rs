//! The gateway's route table: method + path pattern -> where it is served. A path that no
//! pattern matches is a 404; a matched path with another method is a 405 listing `Allow`.
//! Routes of ENDPOINTS.md whose feature has not been built yet are simply absent (404).

use actix_web::http::Method;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Upstream {
    Auth,
    Identity,
    Org,
    Enterprise,
    Audit,
    Webhooks,
    /// Answered by the gateway itself.
    Local(LocalRoute),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalRoute {
    Health,
    Live,
    Ready,
    Detailed,
    OpenApi,
    CacheClear,
    WebSocket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// A valid, unrevoked access token is required; the gateway refuses early without one
    /// (the service checks again).
    Authenticated,
    /// A full access token, or the short-lived `mfa_token` between password and second factor.
    MfaChallenge,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    pub pattern: &'static str,
    pub upstream: Upstream,
    pub access: Access,
    /// Takes an HTML form (`application/x-www-form-urlencoded`) instead of JSON: the SAML
    /// POST binding and OIDC `form_post` answers an identity provider makes the browser send.
    pub form: bool,
}

pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Route)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(&'static str),
    Param,
}

pub enum Match<'a> {
    Found(&'a Route),
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

fn r(method: Method, pattern: &'static str, upstream: Upstream, access: Access) -> Route {
    Route {
        method,
        pattern,
        upstream,
        access,
        form: false,
    }
}

/// A route whose body is an HTML form posted by a browser (see [`Route::form`]).
fn form(method: Method, pattern: &'static str, upstream: Upstream) -> Route {
    Route {
        form: true,
        ..r(method, pattern, upstream, Access::Public)
    }
}

impl RouteTable {
    pub fn janua() -> RouteTable {
        use Access::*;
        use Upstream::*;
        let routes = vec![
            // Auth router
            r(Method::POST, "/api/v1/auth/signup", Auth, Public),
            r(Method::POST, "/api/v1/auth/signin", Auth, Public),
            r(Method::POST, "/api/v1/auth/signout", Auth, Authenticated),
            r(Method::POST, "/api/v1/auth/refresh", Auth, Public),
            r(Method::POST, "/api/v1/auth/forgot-password", Auth, Public),
            r(Method::POST, "/api/v1/auth/reset-password", Auth, Public),
            r(Method::POST, "/api/v1/auth/verify-email", Auth, Public),
            r(Method::POST, "/api/v1/auth/resend-verification", Auth, Public),
            r(Method::POST, "/api/v1/auth/reauthenticate", Auth, Authenticated),
            r(Method::GET, "/api/v1/auth/me", Identity, Authenticated),
            r(Method::GET, "/.well-known/jwks.json", Auth, Public),
            r(Method::GET, "/api/v1/auth/.well-known/jwks.json", Auth, Public),
            // Users router (the parts built so far)
            r(Method::GET, "/api/v1/users/{user_id}", Identity, Authenticated),
            r(Method::PUT, "/api/v1/users/{user_id}", Identity, Authenticated),
            // MFA
            r(Method::POST, "/api/v1/mfa/totp/generate", Auth, Authenticated),
            r(Method::POST, "/api/v1/mfa/totp/verify", Auth, Authenticated),
            r(Method::DELETE, "/api/v1/mfa/totp/disable", Auth, Authenticated),
            r(Method::POST, "/api/v1/mfa/totp/verify-code", Auth, MfaChallenge),
            r(Method::GET, "/api/v1/mfa/backup-codes", Auth, Authenticated),
            r(
                Method::POST,
                "/api/v1/mfa/backup-codes/regenerate",
                Auth,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/mfa/backup-codes/verify",
                Auth,
                MfaChallenge,
            ),
            r(Method::GET, "/api/v1/mfa/status", Auth, Authenticated),
            // Organizations
            r(Method::GET, "/api/v1/organizations", Org, Authenticated),
            r(Method::POST, "/api/v1/organizations", Org, Authenticated),
            r(Method::GET, "/api/v1/organizations/{org_id}", Org, Authenticated),
            r(Method::PUT, "/api/v1/organizations/{org_id}", Org, Authenticated),
            r(
                Method::DELETE,
                "/api/v1/organizations/{org_id}",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/organizations/{org_id}/members",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/organizations/{org_id}/members",
                Org,
                Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/organizations/{org_id}/members/{user_id}",
                Org,
                Authenticated,
            ),
            r(
                Method::PUT,
                "/api/v1/organizations/{org_id}/members/{user_id}/role",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/users/{user_id}/organizations",
                Org,
                Authenticated,
            ),
            // Invitations (both prefixes)
            r(
                Method::POST,
                "/api/invitations/organizations/{org_id}/invitations",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/invitations/organizations/{org_id}/invitations",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/invitations/invitations/{invite_id}",
                Org,
                Public,
            ),
            r(
                Method::DELETE,
                "/api/invitations/invitations/{invite_id}",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/invitations/invitations/{invite_id}/accept",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/invitations/invitations/{invite_id}/resend",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/invitations/organizations/{org_id}/invitations",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/invitations/organizations/{org_id}/invitations",
                Org,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/invitations/invitations/{invite_id}",
                Org,
                Public,
            ),
            r(
                Method::DELETE,
                "/api/v1/invitations/invitations/{invite_id}",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/invitations/invitations/{invite_id}/accept",
                Org,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/invitations/invitations/{invite_id}/resend",
                Org,
                Authenticated,
            ),
            // Policies (both prefixes)
            r(Method::GET, "/api/policies", Org, Authenticated),
            r(Method::POST, "/api/policies", Org, Authenticated),
            r(Method::GET, "/api/policies/{policy_id}", Org, Authenticated),
            r(Method::PUT, "/api/policies/{policy_id}", Org, Authenticated),
            r(Method::DELETE, "/api/policies/{policy_id}", Org, Authenticated),
            r(
                Method::POST,
                "/api/policies/{policy_id}/evaluate",
                Org,
                Authenticated,
            ),
            r(Method::GET, "/api/v1/policies", Org, Authenticated),
            r(Method::POST, "/api/v1/policies", Org, Authenticated),
            r(Method::GET, "/api/v1/policies/{policy_id}", Org, Authenticated),
            r(Method::PUT, "/api/v1/policies/{policy_id}", Org, Authenticated),
            r(Method::DELETE, "/api/v1/policies/{policy_id}", Org, Authenticated),
            r(
                Method::POST,
                "/api/v1/policies/{policy_id}/evaluate",
                Org,
                Authenticated,
            ),
            // RBAC
            r(Method::GET, "/api/v1/rbac/permissions", Org, Authenticated),
            r(Method::GET, "/api/v1/rbac/roles", Org, Authenticated),
            r(Method::POST, "/api/v1/rbac/roles", Org, Authenticated),
            r(Method::GET, "/api/v1/rbac/roles/{role_id}", Org, Authenticated),
            r(Method::PUT, "/api/v1/rbac/roles/{role_id}", Org, Authenticated),
            r(Method::DELETE, "/api/v1/rbac/roles/{role_id}", Org, Authenticated),
            r(
                Method::POST,
                "/api/v1/rbac/users/{user_id}/roles",
                Org,
                Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/rbac/users/{user_id}/roles/{role_id}",
                Org,
                Authenticated,
            ),
            // Webhooks
            r(Method::GET, "/api/v1/webhooks", Webhooks, Authenticated),
            r(Method::POST, "/api/v1/webhooks", Webhooks, Authenticated),
            r(
                Method::GET,
                "/api/v1/webhooks/{webhook_id}",
                Webhooks,
                Authenticated,
            ),
            r(
                Method::PUT,
                "/api/v1/webhooks/{webhook_id}",
                Webhooks,
                Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/webhooks/{webhook_id}",
                Webhooks,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/webhooks/{webhook_id}/test",
                Webhooks,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/webhooks/{webhook_id}/deliveries",
                Webhooks,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
                Webhooks,
                Authenticated,
            ),
            // Audit Logs (both prefixes)
            r(Method::GET, "/api/audit-logs", Audit, Authenticated),
            r(Method::GET, "/api/audit-logs/{log_id}", Audit, Authenticated),
            r(Method::GET, "/api/audit-logs/events", Audit, Authenticated),
            r(Method::GET, "/api/audit-logs/verify", Audit, Authenticated),
            r(
                Method::GET,
                "/api/audit-logs/users/{user_id}",
                Audit,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/audit-logs/organizations/{org_id}",
                Audit,
                Authenticated,
            ),
            r(Method::POST, "/api/audit-logs/export", Audit, Authenticated),
            r(Method::GET, "/api/v1/audit-logs", Audit, Authenticated),
            r(Method::GET, "/api/v1/audit-logs/{log_id}", Audit, Authenticated),
            r(Method::GET, "/api/v1/audit-logs/events", Audit, Authenticated),
            r(Method::GET, "/api/v1/audit-logs/verify", Audit, Authenticated),
            r(
                Method::GET,
                "/api/v1/audit-logs/users/{user_id}",
                Audit,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/audit-logs/organizations/{org_id}",
                Audit,
                Authenticated,
            ),
            r(Method::POST, "/api/v1/audit-logs/export", Audit, Authenticated),
            // SCIM tokens of an organization (enterprise), and SCIM 2.0 under both bases:
            // the client's SCIM token is checked by the enterprise service.
            r(
                Method::POST,
                "/api/v1/organizations/{org_id}/scim-tokens",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/organizations/{org_id}/scim-tokens",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/organizations/{org_id}/scim-tokens/{token_id}",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/scim/v2/ServiceProviderConfig",
                Enterprise,
                Public,
            ),
            r(Method::GET, "/api/v1/scim/v2/Schemas", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/v2/Schemas/{id}", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/v2/ResourceTypes", Enterprise, Public),
            r(
                Method::GET,
                "/api/v1/scim/v2/ResourceTypes/{id}",
                Enterprise,
                Public,
            ),
            r(Method::POST, "/api/v1/scim/v2/.search", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/v2/Users/.search", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/v2/Groups/.search", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/v2/Users", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/v2/Users", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/v2/Users/{user_id}", Enterprise, Public),
            r(Method::PUT, "/api/v1/scim/v2/Users/{user_id}", Enterprise, Public),
            r(
                Method::PATCH,
                "/api/v1/scim/v2/Users/{user_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::DELETE,
                "/api/v1/scim/v2/Users/{user_id}",
                Enterprise,
                Public,
            ),
            r(Method::GET, "/api/v1/scim/v2/Groups", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/v2/Groups", Enterprise, Public),
            r(
                Method::GET,
                "/api/v1/scim/v2/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::PUT,
                "/api/v1/scim/v2/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::PATCH,
                "/api/v1/scim/v2/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::DELETE,
                "/api/v1/scim/v2/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::GET,
                "/api/v1/scim/ServiceProviderConfig",
                Enterprise,
                Public,
            ),
            r(Method::GET, "/api/v1/scim/Schemas", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/Schemas/{id}", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/ResourceTypes", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/ResourceTypes/{id}", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/.search", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/Users/.search", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/Groups/.search", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/Users", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/Users", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/Users/{user_id}", Enterprise, Public),
            r(Method::PUT, "/api/v1/scim/Users/{user_id}", Enterprise, Public),
            r(Method::PATCH, "/api/v1/scim/Users/{user_id}", Enterprise, Public),
            r(Method::DELETE, "/api/v1/scim/Users/{user_id}", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/Groups", Enterprise, Public),
            r(Method::POST, "/api/v1/scim/Groups", Enterprise, Public),
            r(Method::GET, "/api/v1/scim/Groups/{group_id}", Enterprise, Public),
            r(Method::PUT, "/api/v1/scim/Groups/{group_id}", Enterprise, Public),
            r(
                Method::PATCH,
                "/api/v1/scim/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            r(
                Method::DELETE,
                "/api/v1/scim/Groups/{group_id}",
                Enterprise,
                Public,
            ),
            // Single sign-on (enterprise): configurations for organization admins, the
            // browser's start, SP metadata, and the identity providers' answers.
            r(
                Method::GET,
                "/api/v1/sso/configurations",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/sso/configurations",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/sso/configurations/{config_id}",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::PUT,
                "/api/v1/sso/configurations/{config_id}",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/sso/configurations/{config_id}",
                Enterprise,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/sso/configurations/{config_id}/domains/{domain}/verify",
                Enterprise,
                Authenticated,
            ),
            r(Method::GET, "/api/v1/sso/start", Enterprise, Public),
            r(
                Method::GET,
                "/api/v1/sso/saml/metadata/{config_id}",
                Enterprise,
                Public,
            ),
            form(Method::POST, "/api/v1/sso/saml/acs", Enterprise),
            form(Method::POST, "/api/v1/sso/saml/slo", Enterprise),
            form(Method::POST, "/api/v1/sso/oidc/callback", Enterprise),
            // Users and Admin (the parts built so far)
            r(Method::GET, "/api/v1/users", Identity, Authenticated),
            r(Method::GET, "/api/v1/admin/users", Identity, Authenticated),
            r(
                Method::POST,
                "/api/v1/admin/users/{user_id}/suspend",
                Identity,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/admin/users/{user_id}/unsuspend",
                Identity,
                Authenticated,
            ),
            r(Method::DELETE, "/api/v1/users/{user_id}", Identity, Authenticated),
            r(
                Method::DELETE,
                "/api/v1/admin/users/{user_id}/force-delete",
                Identity,
                Authenticated,
            ),
            r(Method::GET, "/api/v1/admin/stats", Identity, Authenticated),
            // Passkeys
            r(
                Method::POST,
                "/api/v1/passkeys/register/begin",
                Auth,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/passkeys/register/complete",
                Auth,
                Authenticated,
            ),
            r(Method::POST, "/api/v1/passkeys/authenticate/begin", Auth, Public),
            r(
                Method::POST,
                "/api/v1/passkeys/authenticate/complete",
                Auth,
                Public,
            ),
            r(Method::GET, "/api/v1/passkeys", Auth, Authenticated),
            r(
                Method::DELETE,
                "/api/v1/passkeys/{passkey_id}",
                Auth,
                Authenticated,
            ),
            // OAuth
            r(Method::GET, "/api/v1/oauth/{provider}/authorize", Auth, Public),
            r(Method::GET, "/api/v1/oauth/{provider}/callback", Auth, Public),
            r(Method::POST, "/api/v1/oauth/{provider}/link", Auth, Authenticated),
            r(
                Method::DELETE,
                "/api/v1/oauth/{provider}/unlink",
                Auth,
                Authenticated,
            ),
            // Magic links
            r(Method::POST, "/api/v1/auth/magic/send", Auth, Public),
            r(Method::GET, "/api/v1/auth/magic/verify", Auth, Public),
            // Sessions router and the user's sessions / password
            r(Method::GET, "/api/v1/sessions", Auth, Authenticated),
            r(Method::DELETE, "/api/v1/sessions/all", Auth, Authenticated),
            r(Method::GET, "/api/v1/sessions/{session_id}", Auth, Authenticated),
            r(
                Method::DELETE,
                "/api/v1/sessions/{session_id}",
                Auth,
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/users/{user_id}/sessions",
                Auth,
                Authenticated,
            ),
            r(
                Method::POST,
                "/api/v1/users/{user_id}/change-password",
                Auth,
                Authenticated,
            ),
            // Health and the API document, answered here
            r(Method::GET, "/api/v1/health", Local(LocalRoute::Health), Public),
            r(
                Method::GET,
                "/api/v1/health/live",
                Local(LocalRoute::Live),
                Public,
            ),
            r(
                Method::GET,
                "/api/v1/health/ready",
                Local(LocalRoute::Ready),
                Public,
            ),
            r(
                Method::GET,
                "/api/v1/health/detailed",
                Local(LocalRoute::Detailed),
                Authenticated,
            ),
            r(
                Method::GET,
                "/api/v1/openapi.json",
                Local(LocalRoute::OpenApi),
                Public,
            ),
            // The live feed: the token comes as `?token=` (browsers cannot set headers on a
            // WebSocket) and is checked before the upgrade.
            r(
                Method::GET,
                "/api/v1/websocket/ws",
                Local(LocalRoute::WebSocket),
                Public,
            ),
            r(
                Method::POST,
                "/api/v1/admin/cache/clear",
                Local(LocalRoute::CacheClear),
                Authenticated,
            ),
        ];
        RouteTable::new(routes)
    }

    pub fn new(routes: Vec<Route>) -> RouteTable {
        let routes = routes
            .into_iter()
            .map(|route| (parse(route.pattern), route))
            .collect();
        RouteTable { routes }
    }

    /// Literal segments win over parameters (`DELETE /sessions/all` is not a session id).
    pub fn find(&self, method: &Method, path: &str) -> Match<'_> {
        let segments: Vec<&str> = split(path);
        let mut best: Option<(usize, &Route)> = None;
        let mut allowed = Vec::new();
        for (pattern, route) in &self.routes {
            let Some(literals) = matches(pattern, &segments) else {
                continue;
            };
            if route.method == *method {
                if best.is_none_or(|(l, _)| literals > l) {
                    best = Some((literals, route));
                }
            } else if !allowed.contains(&route.method) {
                allowed.push(route.method.clone());
            }
        }
        match best {
            Some((_, route)) => Match::Found(route),
            None if !allowed.is_empty() => Match::MethodNotAllowed(allowed),
            None => Match::NotFound,
        }
    }

    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.iter().map(|(_, r)| r)
    }
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn parse(pattern: &'static str) -> Vec<Segment> {
    split(pattern)
        .into_iter()
        .map(|s| {
            if s.starts_with('{') {
                Segment::Param
            } else {
                Segment::Literal(s)
            }
        })
        .collect()
}

/// Number of literal segments if the path matches the pattern.
fn matches(pattern: &[Segment], path: &[&str]) -> Option<usize> {
    if pattern.len() != path.len() {
        return None;
    }
    let mut literals = 0;
    for (seg, part) in pattern.iter().zip(path) {
        match seg {
            Segment::Literal(l) if l == part => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Param if part.is_empty() => return None,
            Segment::Param => {}
        }
    }
    Some(literals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        RouteTable::new(vec![
            r(
                Method::GET,
                "/api/v1/sessions/{id}",
                Upstream::Auth,
                Access::Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/sessions/{id}",
                Upstream::Auth,
                Access::Authenticated,
            ),
            r(
                Method::DELETE,
                "/api/v1/sessions/all",
                Upstream::Identity,
                Access::Authenticated,
            ),
        ])
    }

    #[test]
    fn literals_win_over_parameters() {
        let t = table();
        match t.find(&Method::DELETE, "/api/v1/sessions/all") {
            Match::Found(route) => assert_eq!(route.upstream, Upstream::Identity),
            _ => panic!("expected a match"),
        }
        match t.find(&Method::DELETE, "/api/v1/sessions/0190") {
            Match::Found(route) => assert_eq!(route.upstream, Upstream::Auth),
            _ => panic!("expected a match"),
        }
    }

    #[test]
    fn wrong_method_lists_allowed_ones_and_unknown_is_404() {
        let t = table();
        match t.find(&Method::POST, "/api/v1/sessions/x") {
            Match::MethodNotAllowed(allowed) => {
                assert_eq!(allowed, vec![Method::GET, Method::DELETE])
            }
            _ => panic!("expected 405"),
        }
        assert!(matches!(t.find(&Method::GET, "/api/v1/nothing"), Match::NotFound));
        assert!(matches!(
            t.find(&Method::GET, "/api/v1/sessions/x/y"),
            Match::NotFound
        ));
    }

    #[test]
    fn trailing_slashes_do_not_matter() {
        assert!(matches!(
            table().find(&Method::GET, "/api/v1/sessions/x/"),
            Match::Found(_)
        ));
    }
}
