//! SCIM 2.0 (RFC 7643 core schema, RFC 7644 protocol) as pure domain code: no HTTP, no
//! storage. The enterprise service wires it to `/api/v1/scim`.
//!
//! - [`filter`]: parse, print and evaluate `filter=` expressions; spot index lookups.
//! - [`patch`]: apply `PATCH` operations (as Entra ID and Okta send them) to a resource.
//! - [`schema`]: the User, EnterpriseUser and Group schemas, and the discovery documents.
//! - [`projection`]: `attributes` / `excludedAttributes`.
//! - [`list`]: paging, sorting and `ListResponse`.
//! - [`error`]: the SCIM error body and [`ScimError`].
//!
//! Resources are `serde_json::Value`s in their SCIM wire form (camelCase attributes, extension
//! attributes under their schema URN), so the rules apply the same to what a client sent and to
//! what the service built from its own records.

pub mod error;
pub mod filter;
pub mod input;
pub mod list;
pub mod patch;
pub mod projection;
mod resource;
pub mod schema;

pub use error::{ScimError, ScimErrorBody};
pub use filter::{AttrPath, Filter, IndexedAttribute, IndexedLookup};
pub use list::{ListQuery, ListResponse, Paging, SortOrder};
pub use patch::{PatchOperation, PatchOutcome, PatchPath, PatchRequest, apply_patch};
pub use projection::Projection;
pub use schema::ResourceType;

/// The media type of SCIM requests and answers (RFC 7644 §3.1).
pub const SCIM_MEDIA_TYPE: &str = "application/scim+json";
