//! SCIM resources as clients see them, built from the stored rows, and what of a User resource
//! the Janua account takes (email, name, active).

use crate::store::scim_groups::{Member, ScimGroupRow};
use crate::store::scim_users::ScimUserRow;
use chrono::{DateTime, SecondsFormat, Utc};
use janua_scim::schema::{GROUP_SCHEMA, USER_SCHEMA};
use serde_json::{Value, json};
use uuid::Uuid;

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn meta(
    resource_type: &str, location: String, created: DateTime<Utc>, modified: DateTime<Utc>, version: i64,
) -> Value {
    json!({
        "resourceType": resource_type,
        "created": timestamp(created),
        "lastModified": timestamp(modified),
        "location": location,
        "version": crate::handlers::scim_common::etag(version),
    })
}

/// The User resource of a row: what the client set, plus `id`, `groups`, `meta`.
pub fn user_resource(row: &ScimUserRow, groups: &[(Uuid, String)], base: &str) -> Value {
    let mut resource = row.resource.clone();
    if !resource.is_object() {
        resource = json!({ "schemas": [USER_SCHEMA] });
    }
    let base = base.trim_end_matches('/');
    resource["id"] = json!(row.id.to_string());
    resource["userName"] = json!(row.user_name);
    if !groups.is_empty() {
        resource["groups"] = group_refs(groups, base);
    }
    resource["meta"] =
        meta("User", format!("{base}/Users/{}", row.id), row.created_at, row.updated_at, row.version);
    resource
}

/// A user's `groups`: a direct reference to each group (id, displayName).
pub fn group_refs(groups: &[(Uuid, String)], base: &str) -> Value {
    let base = base.trim_end_matches('/');
    Value::Array(
        groups
            .iter()
            .map(|(id, name)| {
                json!({
                    "value": id.to_string(),
                    "$ref": format!("{base}/Groups/{id}"),
                    "display": name,
                    "type": "direct",
                })
            })
            .collect(),
    )
}

/// The Group resource of a row and its members.
pub fn group_resource(row: &ScimGroupRow, members: &[Member], base: &str) -> Value {
    let base = base.trim_end_matches('/');
    let mut resource = json!({
        "schemas": [GROUP_SCHEMA],
        "id": row.id.to_string(),
        "displayName": row.display_name,
        "members": members
            .iter()
            .map(|m| json!({
                "value": m.user_id.to_string(),
                "$ref": format!("{base}/Users/{}", m.user_id),
                "display": m.display,
                "type": "User",
            }))
            .collect::<Vec<_>>(),
    });
    if let Some(external_id) = &row.external_id {
        resource["externalId"] = json!(external_id);
    }
    resource["meta"] =
        meta("Group", format!("{base}/Groups/{}", row.id), row.created_at, row.updated_at, row.version);
    resource
}

/// What the Janua account takes from a User resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFields {
    /// `None` for a user sent without any address: no account until one arrives.
    pub email: Option<String>,
    pub name: Option<String>,
    pub active: bool,
    /// `preferredLanguage` (its first language range), else `locale`, as a BCP 47 tag; a
    /// value that is not one is ignored.
    pub locale: Option<String>,
}

/// The account's email: the primary email, else the `work` one, else the first, else the
/// userName when it is an address.
pub fn account_fields(resource: &Value) -> AccountFields {
    let emails: Vec<&Value> = resource
        .get("emails")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter(|e| e["value"].as_str().is_some()).collect())
        .unwrap_or_default();
    let chosen = emails
        .iter()
        .find(|e| e["primary"] == json!(true))
        .or_else(|| emails.iter().find(|e| e["type"] == json!("work")))
        .or_else(|| emails.first())
        .and_then(|e| e["value"].as_str());
    let user_name = resource["userName"].as_str().unwrap_or_default();
    let email = match chosen {
        Some(email) => Some(email.trim().to_owned()),
        None if user_name.contains('@') => Some(user_name.trim().to_owned()),
        None => None,
    };
    AccountFields {
        email,
        name: display_name(resource),
        active: resource["active"].as_bool().unwrap_or(true),
        locale: preferred_locale(resource),
    }
}

/// The language of the user's mail: SCIM's `preferredLanguage` (an `Accept-Language` value,
/// RFC 7643 section 4.1.1), else `locale`.
fn preferred_locale(resource: &Value) -> Option<String> {
    let preferred = resource["preferredLanguage"]
        .as_str()
        .and_then(|v| janua_i18n::tag::accept_language(v).into_iter().find(|r| r != "*"));
    preferred
        .or_else(|| resource["locale"].as_str().map(|l| l.replace('_', "-")))
        .and_then(|tag| janua_i18n::tag::canonical(&tag))
}

/// The name shown for the account: `displayName`, else `name.formatted`, else the given and
/// family names.
fn display_name(resource: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if let Some(name) = text(&resource["displayName"]) {
        return Some(name);
    }
    let name = &resource["name"];
    if let Some(formatted) = text(&name["formatted"]) {
        return Some(formatted);
    }
    let parts: Vec<String> =
        ["givenName", "middleName", "familyName"].iter().filter_map(|k| text(&name[*k])).collect();
    (!parts.is_empty()).then(|| parts.join(" ")).map(|n| n.chars().take(200).collect())
}

/// The lower-cased email values, for the email index.
pub fn email_index(resource: &Value) -> Vec<String> {
    let mut emails: Vec<String> = resource
        .get("emails")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter().filter_map(|e| e["value"].as_str()).map(|v| v.trim().to_lowercase()).collect()
        })
        .unwrap_or_default();
    emails.sort();
    emails.dedup();
    emails
}

/// The stored form of a User: what the client set, without what the row keeps apart.
pub fn stored_user(resource: &Value) -> Value {
    let mut stored = resource.clone();
    if let Some(map) = stored.as_object_mut() {
        for key in ["id", "meta", "groups", "password"] {
            map.remove(key);
        }
    }
    stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_takes_the_primary_email_and_a_readable_name() {
        let resource = json!({
            "userName": "ada",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [
                {"value": "home@example.com", "type": "home"},
                {"value": "Ada@Example.com", "type": "work", "primary": true}
            ],
            "active": false
        });
        let fields = account_fields(&resource);
        assert_eq!(fields.email.as_deref(), Some("Ada@Example.com"));
        assert_eq!(fields.name.as_deref(), Some("Ada Lovelace"));
        assert!(!fields.active);
        assert_eq!(email_index(&resource), ["ada@example.com", "home@example.com"]);
    }

    #[test]
    fn a_user_name_that_is_an_address_serves_when_there_are_no_emails() {
        let fields = account_fields(&json!({"userName": "bob@example.com"}));
        assert_eq!(fields.email.as_deref(), Some("bob@example.com"));
        assert!(fields.active);
        assert_eq!(account_fields(&json!({"userName": "bob"})).email, None);
    }
}
