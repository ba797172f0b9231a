//! Each public route written once: its method and path are in the `#[utoipa::path]` on its
//! handler (search the literal path to find the handler), and everything else is derived from
//! that declaration: the service's actix routes, its part of the OpenAPI document, and the
//! gateway's route table (upstream, access tier, form body). A router that also answers under a
//! second prefix (`/api/invitations` beside `/api/v1/invitations`, SCIM's `/scim` beside
//! `/scim/v2`) declares the alias once, for all its routes.
//!
//! A service lists its handlers with [`endpoints!`](crate::endpoints!):
//!
//! ```ignore
//! janua_service::endpoints! {
//!     "/api/v1/invitations" => "/api/invitations";
//!     organizations::create, organizations::list, invitations::create,
//! }
//! ```
//!
//! which defines `pub fn endpoints() -> Endpoints`. Operation ids are `<module>_<handler>`
//! (`organizations_list`), with `_unversioned` for the alias of a route.

use actix_web::http::Method;
use actix_web::web;
use utoipa::openapi::path::{HttpMethod, Operation, Paths};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Components, OpenApi, RefOr};

/// Who the gateway lets through to a route before the service looks (the service checks
/// again, and decides everything finer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// A valid, unrevoked access token is required; the gateway refuses early without one.
    Authenticated,
    /// A full access token, or the short-lived `mfa_token` between password and second factor.
    MfaChallenge,
}

impl Access {
    /// The tier an operation's documented security asks for: `mfa_token` accepted, a bearer
    /// token required, or neither (public, or a SCIM token the service checks).
    pub fn of(operation: &Operation) -> Access {
        let schemes: Vec<String> = operation
            .security
            .iter()
            .flatten()
            .filter_map(|requirement| serde_json::to_value(requirement).ok())
            .filter_map(|value| value.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
            .flatten()
            .collect();
        if schemes.iter().any(|s| s == "mfa_token") {
            Access::MfaChallenge
        } else if schemes.iter().any(|s| s == "bearer") {
            Access::Authenticated
        } else {
            Access::Public
        }
    }
}

/// The body type of the browser form posts identity providers make (SAML POST binding, OIDC
/// `form_post`).
const FORM: &str = "application/x-www-form-urlencoded";

/// One declared operation and its handler.
pub struct Endpoint {
    pub method: HttpMethod,
    /// As declared (the canonical prefix).
    pub path: String,
    pub operation: Operation,
    route: fn() -> actix_web::Route,
}

impl Endpoint {
    /// The endpoint `P` declares (`#[utoipa::path]` makes `P` next to the handler), served by
    /// `route`, named `operation_id`.
    pub fn of<P: utoipa::Path>(operation_id: &str, route: fn() -> actix_web::Route) -> Vec<Endpoint> {
        let mut operation = P::operation();
        operation.operation_id = Some(operation_id.to_string());
        P::methods()
            .into_iter()
            .map(|method| Endpoint { method, path: P::path(), operation: operation.clone(), route })
            .collect()
    }

    pub fn access(&self) -> Access {
        Access::of(&self.operation)
    }

    /// Takes a browser's HTML form rather than JSON.
    pub fn form(&self) -> bool {
        match &self.operation.request_body {
            Some(RefOr::T(body)) => body.content.contains_key(FORM),
            _ => false,
        }
    }
}

/// A path an endpoint is served at: its declared one, or an alias.
pub struct Served<'a> {
    pub method: Method,
    pub path: String,
    pub endpoint: &'a Endpoint,
    /// Served under an alias prefix.
    pub alias: bool,
}

/// A service's public endpoints, with its routers' alias prefixes.
pub struct Endpoints {
    endpoints: Vec<Endpoint>,
    /// `(declared prefix, alias prefix)`.
    aliases: Vec<(&'static str, &'static str)>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

impl Endpoints {
    pub fn new(
        aliases: &[(&'static str, &'static str)], endpoints: Vec<Vec<Endpoint>>,
        schemas: Vec<(String, RefOr<Schema>)>,
    ) -> Endpoints {
        Endpoints { endpoints: endpoints.into_iter().flatten().collect(), aliases: aliases.to_vec(), schemas }
    }

    /// Every path each endpoint answers at, declared ones first; for one method, paths with a
    /// literal segment come before those with a parameter in its place (`DELETE
    /// /sessions/all` is not a session id).
    pub fn served(&self) -> Vec<Served<'_>> {
        let mut served = Vec::new();
        for endpoint in &self.endpoints {
            let method = method(&endpoint.method);
            served.push(Served {
                method: method.clone(),
                path: endpoint.path.clone(),
                endpoint,
                alias: false,
            });
            for (declared, alias) in &self.aliases {
                if let Some(rest) = endpoint.path.strip_prefix(declared)
                    && (rest.is_empty() || rest.starts_with('/'))
                {
                    served.push(Served {
                        method: method.clone(),
                        path: format!("{alias}{rest}"),
                        endpoint,
                        alias: true,
                    });
                }
            }
        }
        served.sort_by_key(|s| s.path.split('/').map(|segment| segment.starts_with('{')).collect::<Vec<_>>());
        served
    }

    /// Mounts every served path on its handler.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        for served in self.served() {
            cfg.route(&served.path, (served.endpoint.route)().method(served.method));
        }
    }

    /// `doc` with every served path and the schemas the operations use.
    pub fn document(&self, mut doc: OpenApi) -> OpenApi {
        let mut paths = Paths::new();
        for served in self.served() {
            let mut operation = served.endpoint.operation.clone();
            if served.alias {
                operation.operation_id = operation.operation_id.map(|id| format!("{id}_unversioned"));
            }
            paths.add_path_operation(&served.path, vec![served.endpoint.method.clone()], operation);
        }
        doc.paths.merge(paths);
        let components = doc.components.get_or_insert_with(Components::new);
        for (name, schema) in &self.schemas {
            components.schemas.entry(name.clone()).or_insert_with(|| schema.clone());
        }
        doc
    }
}

/// Every operation of `doc`: method, path and operation.
pub fn operations(doc: &OpenApi) -> Vec<(Method, &str, &Operation)> {
    let mut all = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (m, operation) in [
            (Method::GET, &item.get),
            (Method::PUT, &item.put),
            (Method::POST, &item.post),
            (Method::DELETE, &item.delete),
            (Method::OPTIONS, &item.options),
            (Method::HEAD, &item.head),
            (Method::PATCH, &item.patch),
            (Method::TRACE, &item.trace),
        ] {
            if let Some(operation) = operation {
                all.push((m, path.as_str(), operation));
            }
        }
    }
    all
}

/// Every operation of `doc`, to change.
pub fn operations_mut(doc: &mut OpenApi) -> impl Iterator<Item = &mut Operation> {
    doc.paths.paths.values_mut().flat_map(|item| {
        [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.options,
            &mut item.head,
            &mut item.patch,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
    })
}

fn method(method: &HttpMethod) -> Method {
    match method {
        HttpMethod::Get => Method::GET,
        HttpMethod::Post => Method::POST,
        HttpMethod::Put => Method::PUT,
        HttpMethod::Delete => Method::DELETE,
        HttpMethod::Options => Method::OPTIONS,
        HttpMethod::Head => Method::HEAD,
        HttpMethod::Patch => Method::PATCH,
        HttpMethod::Trace => Method::TRACE,
    }
}

/// Defines `pub fn endpoints() -> janua_service::endpoints::Endpoints` from handlers annotated
/// with `#[utoipa::path]`, written `module::{handler, ...}` (the module in scope), after any
/// `"<declared prefix>" => "<alias prefix>";` lines. Routes are matched in the order written.
#[macro_export]
macro_rules! endpoints {
    ($($declared:literal => $alias:literal;)* $($module:ident :: { $($handler:ident),+ $(,)? }),+ $(,)?) => {
        /// This service's public endpoints: method and path from each handler's
        /// `#[utoipa::path]`.
        pub fn endpoints() -> $crate::endpoints::Endpoints {
            $crate::__pastey::paste! {
                let mut schemas = Vec::new();
                $($(
                    <$module::[<__path_ $handler>] as $crate::__utoipa::__dev::SchemaReferences>::schemas(
                        &mut schemas,
                    );
                )+)+
                $crate::endpoints::Endpoints::new(
                    &[$(($declared, $alias)),*],
                    vec![$($(
                        $crate::endpoints::Endpoint::of::<$module::[<__path_ $handler>]>(
                            concat!(stringify!($module), "_", stringify!($handler)),
                            || $crate::__actix_web::web::to($module::$handler),
                        )
                    ),+),+],
                    schemas,
                )
            }
        }
    };
}
