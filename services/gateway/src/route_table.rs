//! The gateway's route table: method + path pattern -> where it is served. A path that no
//! pattern matches is a 404; a matched path with another method is a 405 listing `Allow`.
//! Routes of ENDPOINTS.md whose feature has not been built yet are simply absent (404).

use actix_web::http::Method;
use janua_service::Service;
use janua_service::endpoints::Endpoints;

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

pub use janua_service::endpoints::Access;

#[derive(Debug, Clone)]
pub struct Route {
    pub method: Method,
    pub pattern: String,
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
    Literal(String),
    Param,
}

pub enum Match<'a> {
    Found(&'a Route),
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

/// The services behind the gateway, with their public endpoints.
pub fn services() -> [(Upstream, &'static Service, Endpoints); 6] {
    [
        (Upstream::Auth, &janua_auth::SERVICE, janua_auth::routes::endpoints()),
        (Upstream::Identity, &janua_identity::SERVICE, janua_identity::routes::endpoints()),
        (Upstream::Org, &janua_org::SERVICE, janua_org::routes::endpoints()),
        (Upstream::Enterprise, &janua_enterprise::SERVICE, janua_enterprise::routes::endpoints()),
        (Upstream::Audit, &janua_audit::SERVICE, janua_audit::routes::endpoints()),
        (Upstream::Webhooks, &janua_webhooks::SERVICE, janua_webhooks::routes::endpoints()),
    ]
}

impl RouteTable {
    /// Every service's public endpoints, as each declares them on its handlers, and the
    /// gateway's own.
    pub fn janua() -> RouteTable {
        let mut routes = Vec::new();
        for (upstream, _, endpoints) in &services() {
            routes.extend(endpoints.served().into_iter().map(|served| Route {
                method: served.method,
                pattern: served.path,
                upstream: *upstream,
                access: served.endpoint.access(),
                form: served.endpoint.form(),
            }));
        }
        routes.extend(crate::openapi::local_routes());
        RouteTable::new(routes)
    }

    pub fn new(routes: Vec<Route>) -> RouteTable {
        let routes = routes.into_iter().map(|route| (parse(&route.pattern), route)).collect();
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

fn parse(pattern: &str) -> Vec<Segment> {
    split(pattern)
        .into_iter()
        .map(|s| if s.starts_with('{') { Segment::Param } else { Segment::Literal(s.to_string()) })
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

    fn r(method: Method, pattern: &str, upstream: Upstream, access: Access) -> Route {
        Route { method, pattern: pattern.to_string(), upstream, access, form: false }
    }

    fn table() -> RouteTable {
        RouteTable::new(vec![
            r(Method::GET, "/api/v1/sessions/{id}", Upstream::Auth, Access::Authenticated),
            r(Method::DELETE, "/api/v1/sessions/{id}", Upstream::Auth, Access::Authenticated),
            r(Method::DELETE, "/api/v1/sessions/all", Upstream::Identity, Access::Authenticated),
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
        assert!(matches!(t.find(&Method::GET, "/api/v1/sessions/x/y"), Match::NotFound));
    }

    #[test]
    fn trailing_slashes_do_not_matter() {
        assert!(matches!(table().find(&Method::GET, "/api/v1/sessions/x/"), Match::Found(_)));
    }
}
