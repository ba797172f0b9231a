//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a
//! response carries.
//!
//! Attributes whose `returned` is `always` (`id`, `schemas`, `meta`) survive both lists;
//! `never` (`password`) are stripped whatever is asked; `request` ones appear only when named.
//! An entry may be an attribute (`emails`), a sub-attribute (`name.givenName`), a
//! URN-qualified one (`urn:…:enterprise:2.0:User:manager`) or a whole extension schema URN.

use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::AttrPath;
use crate::resource::find_key;
use crate::schema::{ResourceType, Returned, all_schemas};

/// One entry of `attributes` / `excludedAttributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selector {
    /// A whole schema, by URN (every attribute of that extension).
    Schema(String),
    Path(AttrPath),
}

/// A parsed pair of `attributes` and `excludedAttributes` lists.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Projection {
    attributes: Vec<Selector>,
    excluded: Vec<Selector>,
}

/// Where a selector points in a resource: the container (`None` = top level, else the
/// extension's URN key), the attribute and optionally one sub-attribute.
struct Target {
    extension: Option<String>,
    name: String,
    sub: Option<String>,
}

impl Projection {
    /// Parses the two comma-separated query parameters; an unparsable entry is `invalidPath`.
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Self, ScimError> {
        Ok(Self { attributes: parse_list(attributes)?, excluded: parse_list(excluded)? })
    }

    /// Whether the resource is returned with its default attributes.
    pub fn is_default(&self) -> bool {
        self.attributes.is_empty() && self.excluded.is_empty()
    }

    /// The resource as this projection returns it.
    pub fn apply(&self, resource: &Value, resource_type: ResourceType) -> Value {
        let Some(map) = resource.as_object() else {
            return resource.clone();
        };
        let attributes = targets(&self.attributes, resource_type);
        let excluded = targets(&self.excluded, resource_type);
        let mut out = Map::new();
        for (key, value) in map {
            if let Some(extension) = resource_type.extension(key) {
                let (whole_in, whole_out) = (
                    self.attributes.iter().any(|s| is_schema(s, extension.id)),
                    self.excluded.iter().any(|s| is_schema(s, extension.id)),
                );
                if whole_out {
                    continue;
                }
                let Some(inner) = value.as_object() else { continue };
                let mut kept = Map::new();
                for (name, inner_value) in inner {
                    let returned = extension.attribute(name).map_or(Returned::Default, |d| d.returned);
                    let selected = |ts: &[Target]| matching(ts, Some(extension.id), name);
                    let shown = if !self.attributes.is_empty() && !whole_in {
                        project_in(inner_value, returned, &selected(&attributes))
                    } else {
                        project_out(inner_value, returned, &selected(&excluded))
                    };
                    if let Some(shown) = shown {
                        kept.insert(name.clone(), shown);
                    }
                }
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Object(kept));
                }
                continue;
            }
            let returned = resource_type
                .resolve(None, key)
                .filter(|r| r.extension.is_none())
                .map_or(Returned::Default, |r| r.def.returned);
            let shown = if self.attributes.is_empty() {
                project_out(value, returned, &matching(&excluded, None, key))
            } else {
                project_in(value, returned, &matching(&attributes, None, key))
            };
            if let Some(shown) = shown {
                out.insert(key.clone(), shown);
            }
        }
        Value::Object(out)
    }
}

fn parse_list(raw: Option<&str>) -> Result<Vec<Selector>, ScimError> {
    let Some(raw) = raw else { return Ok(Vec::new()) };
    raw.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            if let Some(schema) = all_schemas().into_iter().find(|s| s.id.eq_ignore_ascii_case(entry)) {
                return Ok(Selector::Schema(schema.id.to_owned()));
            }
            AttrPath::parse(entry)
                .map(Selector::Path)
                .map_err(|_| ScimError::InvalidPath(format!("'{entry}' is not an attribute path")))
        })
        .collect()
}

fn is_schema(selector: &Selector, id: &str) -> bool {
    matches!(selector, Selector::Schema(s) if s.eq_ignore_ascii_case(id))
}

fn targets(selectors: &[Selector], resource_type: ResourceType) -> Vec<Target> {
    selectors
        .iter()
        .filter_map(|selector| match selector {
            Selector::Schema(_) => None,
            Selector::Path(path) => Some(match resource_type.resolve(path.urn.as_deref(), &path.name) {
                Some(resolved) => Target {
                    extension: resolved.extension.map(|s| s.id.to_owned()),
                    name: resolved.def.name.to_owned(),
                    sub: path.sub_attr.clone(),
                },
                None => Target {
                    extension: path
                        .urn
                        .clone()
                        .filter(|u| !u.eq_ignore_ascii_case(resource_type.core_schema().id)),
                    name: path.name.clone(),
                    sub: path.sub_attr.clone(),
                },
            }),
        })
        .collect()
}

/// The sub-attributes asked of attribute `name` in `extension`: `Some(vec![])` for the whole
/// attribute, `Some(subs)` for some sub-attributes, `None` when it is not named at all.
fn matching(targets: &[Target], extension: Option<&str>, name: &str) -> Option<Vec<String>> {
    let mut subs = Vec::new();
    let mut named = false;
    for target in targets {
        let same_container = match (&target.extension, extension) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        if same_container && target.name.eq_ignore_ascii_case(name) {
            match &target.sub {
                None => return Some(Vec::new()),
                Some(sub) => {
                    named = true;
                    subs.push(sub.clone());
                }
            }
        }
    }
    named.then_some(subs)
}

/// Under `attributes=`: keep what is named (or always returned).
fn project_in(value: &Value, returned: Returned, named: &Option<Vec<String>>) -> Option<Value> {
    match (returned, named) {
        (Returned::Never, _) => None,
        (Returned::Always, _) => Some(value.clone()),
        (_, None) => None,
        (_, Some(subs)) if subs.is_empty() => Some(value.clone()),
        (_, Some(subs)) => keep_subs(value, subs),
    }
}

/// Under `excludedAttributes=` (or neither): drop what is named (never the always-returned).
fn project_out(value: &Value, returned: Returned, named: &Option<Vec<String>>) -> Option<Value> {
    match (returned, named) {
        (Returned::Never | Returned::Request, _) => None,
        (Returned::Always, _) | (_, None) => Some(value.clone()),
        (_, Some(subs)) if subs.is_empty() => None,
        (_, Some(subs)) => Some(drop_subs(value, subs)),
    }
}

fn keep_subs(value: &Value, subs: &[String]) -> Option<Value> {
    let keep = |object: &Map<String, Value>| -> Map<String, Value> {
        subs.iter().filter_map(|sub| find_key(object, sub).map(|k| (k.clone(), object[&k].clone()))).collect()
    };
    match value {
        Value::Object(object) => {
            let kept = keep(object);
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .filter_map(Value::as_object)
                .map(keep)
                .filter(|m| !m.is_empty())
                .map(Value::Object)
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

fn drop_subs(value: &Value, subs: &[String]) -> Value {
    let strip = |object: &Map<String, Value>| -> Value {
        Value::Object(
            object
                .iter()
                .filter(|(k, _)| !subs.iter().any(|s| s.eq_ignore_ascii_case(k)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    match value {
        Value::Object(object) => strip(object),
        Value::Array(items) => Value::Array(
            items.iter().map(|item| item.as_object().map_or_else(|| item.clone(), strip)).collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ENTERPRISE_USER_SCHEMA;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA],
            "id": "2819c223",
            "externalId": "ext-1",
            "userName": "bjensen",
            "password": "t1meMa$heen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [
                {"value": "bjensen@example.com", "type": "work", "primary": true},
                {"value": "babs@example.org", "type": "home"}
            ],
            "active": true,
            ENTERPRISE_USER_SCHEMA: {"employeeNumber": "701984", "manager": {"value": "26118915"}},
            "meta": {"resourceType": "User", "version": "W/\"3\""}
        })
    }

    fn project(attributes: Option<&str>, excluded: Option<&str>) -> Value {
        Projection::parse(attributes, excluded).unwrap().apply(&user(), ResourceType::User)
    }

    #[test]
    fn default_projection_strips_the_password_only() {
        let out = project(None, None);
        assert!(out.get("password").is_none());
        let mut expected = user();
        expected.as_object_mut().unwrap().remove("password");
        assert_eq!(out, expected);
    }

    #[test]
    fn attributes_keep_the_named_and_the_always_returned() {
        let out = project(Some("userName,name.givenName"), None);
        assert_eq!(
            out,
            json!({
                "schemas": user()["schemas"],
                "id": "2819c223",
                "userName": "bjensen",
                "name": {"givenName": "Barbara"},
                "meta": user()["meta"],
            })
        );
    }

    #[test]
    fn attributes_select_sub_attributes_of_every_element_case_insensitively() {
        let out = project(Some("EMAILS.VALUE"), None);
        assert_eq!(out["emails"], json!([{"value": "bjensen@example.com"}, {"value": "babs@example.org"}]));
        assert!(out.get("userName").is_none());
    }

    #[test]
    fn attributes_cannot_return_the_password() {
        let out = project(Some("password,userName"), None);
        assert!(out.get("password").is_none());
        assert_eq!(out["userName"], "bjensen");
    }

    #[test]
    fn extension_attributes_by_qualified_path_or_whole_schema() {
        let qualified = format!("{ENTERPRISE_USER_SCHEMA}:employeeNumber");
        let out = project(Some(&qualified), None);
        assert_eq!(out[ENTERPRISE_USER_SCHEMA], json!({"employeeNumber": "701984"}));
        let out = project(Some(ENTERPRISE_USER_SCHEMA), None);
        assert_eq!(out[ENTERPRISE_USER_SCHEMA], user()[ENTERPRISE_USER_SCHEMA]);
        let out = project(Some("userName"), None);
        assert!(out.get(ENTERPRISE_USER_SCHEMA).is_none());
    }

    #[test]
    fn excluded_attributes_drop_but_never_the_always_returned() {
        let out = project(None, Some("emails,id,meta,name.familyName"));
        assert!(out.get("emails").is_none());
        assert_eq!(out["id"], "2819c223");
        assert!(out.get("meta").is_some());
        assert_eq!(out["name"], json!({"givenName": "Barbara"}));
        assert_eq!(out["userName"], "bjensen");
        let out = project(None, Some(&format!("{ENTERPRISE_USER_SCHEMA}:manager")));
        assert_eq!(out[ENTERPRISE_USER_SCHEMA], json!({"employeeNumber": "701984"}));
        let out = project(None, Some(ENTERPRISE_USER_SCHEMA));
        assert!(out.get(ENTERPRISE_USER_SCHEMA).is_none());
    }

    #[test]
    fn entra_excludes_members_of_groups() {
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
                           "displayName": "Admins", "members": [{"value": "u1"}]});
        let out = Projection::parse(None, Some("members")).unwrap().apply(&group, ResourceType::Group);
        assert_eq!(
            out,
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Admins"})
        );
    }

    #[test]
    fn unparsable_entries_are_invalid_paths() {
        let error = Projection::parse(Some("userName,emails[type"), None).unwrap_err();
        assert_eq!(error.scim_type(), Some("invalidPath"));
        assert!(Projection::parse(Some(" , "), None).unwrap().is_default());
    }
}
