//! A resource as a client sends it to `POST` (create) or `PUT` (replace), made into the form
//! the service keeps (RFC 7644 §3.3, §3.5.1).
//!
//! - `id`, `meta` and every other `readOnly` attribute are ignored, as the RFC asks;
//! - `password` is dropped: Janua does not take passwords over SCIM (the
//!   ServiceProviderConfig says `changePassword` is unsupported) and never keeps one in a
//!   SCIM resource;
//! - attributes no schema defines are ignored (clients add their own; refusing them would
//!   break provisioning for no gain);
//! - every value is checked and coerced as PATCH does (`"True"` for a boolean, canonical key
//!   casing), so what is stored reads the same however it arrived;
//! - required attributes (`userName`, `displayName`) must be there.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::patch::{PatchOp, PatchOperation, PatchRequest, apply_patch};
use crate::resource::has_value;
use crate::schema::{Mutability, ResourceType};

/// Builds the stored form of a resource from a create or replace body.
pub fn from_client(body: &Value, resource_type: ResourceType) -> Result<Value, ScimError> {
    let Value::Object(entries) = body else {
        return Err(ScimError::InvalidSyntax("the request body must be a JSON object".into()));
    };
    let core = resource_type.core_schema();
    if let Some(schemas) = entries.iter().find(|(k, _)| k.eq_ignore_ascii_case("schemas")).map(|(_, v)| v) {
        let listed = schemas
            .as_array()
            .ok_or_else(|| ScimError::InvalidSyntax("schemas must be an array of schema URNs".into()))?;
        let names_core = listed.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(core.id)));
        if !names_core {
            return Err(ScimError::InvalidSyntax(format!("schemas must include {}", core.id)));
        }
    }
    let mut writable = Map::new();
    for (key, value) in entries {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if let Some(extension) = resource_type.extension(key) {
            let Value::Object(inner) = value else {
                if value.is_null() {
                    continue;
                }
                return Err(ScimError::InvalidValue(format!(
                    "{} must be an object of its attributes",
                    extension.id
                )));
            };
            let kept: Map<String, Value> = inner
                .iter()
                .filter(|(name, _)| extension.attribute(name).is_some_and(|def| keeps(def.mutability)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !kept.is_empty() {
                writable.insert(extension.id.to_owned(), Value::Object(kept));
            }
            continue;
        }
        let Some(resolved) = resource_type.resolve(None, key) else {
            continue;
        };
        if keeps(resolved.def.mutability) && !value.is_null() {
            writable.insert(key.clone(), value.clone());
        }
    }
    let mut resource = serde_json::json!({ "schemas": [core.id] });
    if !writable.is_empty() {
        let request = PatchRequest {
            schemas: Vec::new(),
            operations: vec![PatchOperation {
                op: PatchOp::Replace,
                path: None,
                value: Some(Value::Object(writable)),
            }],
        };
        apply_patch(&mut resource, &request, resource_type)?;
    }
    check_required(&resource, resource_type)?;
    Ok(resource)
}

/// Whether a client's value for an attribute of this mutability is kept.
fn keeps(mutability: Mutability) -> bool {
    matches!(mutability, Mutability::ReadWrite | Mutability::Immutable)
}

/// Every attribute the core schema marks required has a value.
pub fn check_required(resource: &Value, resource_type: ResourceType) -> Result<(), ScimError> {
    for def in resource_type.core_schema().attributes {
        if !def.required || def.mutability == Mutability::ReadOnly {
            continue;
        }
        let present = resource
            .get(def.name)
            .is_some_and(|v| has_value(v) && !v.as_str().is_some_and(|s| s.trim().is_empty()));
        if !present {
            return Err(ScimError::InvalidValue(format!("{} is required", def.name)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};
    use serde_json::json;

    #[test]
    fn read_only_unknown_and_password_are_left_out() {
        let body = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            "id": "client-chosen",
            "meta": {"resourceType": "User"},
            "UserName": "ada@example.com",
            "password": "hunter2!",
            "groups": [{"value": "g1"}],
            "active": "True",
            "favouriteColour": "green",
            "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
            ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42", "department": "R&D"}
        });
        let stored = from_client(&body, ResourceType::User).unwrap();
        assert_eq!(stored["userName"], "ada@example.com");
        assert_eq!(stored["active"], true);
        assert!(stored.get("id").is_none());
        assert!(stored.get("meta").is_none());
        assert!(stored.get("password").is_none());
        assert!(stored.get("groups").is_none());
        assert!(stored.get("favouriteColour").is_none());
        assert_eq!(stored[ENTERPRISE_USER_SCHEMA]["employeeNumber"], "42");
        assert_eq!(stored["schemas"], json!([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]));
    }

    #[test]
    fn a_user_needs_a_user_name_and_a_group_a_display_name() {
        let err = from_client(&json!({"schemas": [USER_SCHEMA]}), ResourceType::User).unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidValue"));
        let err = from_client(&json!({"schemas": [USER_SCHEMA], "userName": "  "}), ResourceType::User)
            .unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidValue"));
        let err = from_client(&json!({"schemas": [GROUP_SCHEMA]}), ResourceType::Group).unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidValue"));
        let group = from_client(
            &json!({"schemas": [GROUP_SCHEMA], "displayName": "Engineering", "members": []}),
            ResourceType::Group,
        )
        .unwrap();
        assert_eq!(group["displayName"], "Engineering");
    }

    #[test]
    fn wrong_schemas_and_wrong_types_are_refused() {
        let err = from_client(&json!({"schemas": [GROUP_SCHEMA], "userName": "x"}), ResourceType::User)
            .unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidSyntax"));
        let err = from_client(&json!({"userName": "x", "active": "maybe"}), ResourceType::User).unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidValue"));
        let err = from_client(&json!([1, 2]), ResourceType::User).unwrap_err();
        assert_eq!(err.scim_type(), Some("invalidSyntax"));
    }
}
