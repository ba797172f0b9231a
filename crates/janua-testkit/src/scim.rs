//! The names SCIM 2.0 gives its media type, schemas and messages (RFC 7643, RFC 7644).

/// The media type of SCIM requests and answers.
pub const MEDIA_TYPE: &str = "application/scim+json";
/// The core User resource schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise extension of User (employee number, department, manager).
pub const ENTERPRISE_USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core Group resource schema.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The message schema of a PATCH request.
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The message schema of a list (query) answer.
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The message schema of an error answer.
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
