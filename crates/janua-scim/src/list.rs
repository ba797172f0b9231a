//! List queries and answers (RFC 7644 §3.4.2): `filter`, `startIndex`/`count` paging,
//! `sortBy`/`sortOrder`, and the `ListResponse` message.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ScimError;
use crate::filter::{AttrPath, Filter, compare_numbers, lookup_top, parse_date_time};
use crate::projection::Projection;
use crate::resource::{flatten, get_ci};
use crate::schema::{AttributeType, MAX_RESULTS, ResourceType};

/// The schema URN of a list answer.
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// A `ListResponse` (RFC 7644 §3.4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse {
    pub schemas: Vec<String>,
    pub total_results: usize,
    /// 1-based index of the first resource of this page.
    pub start_index: usize,
    pub items_per_page: usize,
    #[serde(rename = "Resources")]
    pub resources: Vec<Value>,
}

impl ListResponse {
    /// One page of `total_results` matching resources, starting at 1-based `start_index`.
    pub fn new(resources: Vec<Value>, total_results: usize, start_index: usize) -> Self {
        Self {
            schemas: vec![LIST_RESPONSE_SCHEMA.to_owned()],
            total_results,
            start_index: start_index.max(1),
            items_per_page: resources.len(),
            resources,
        }
    }

    /// Everything in one page (discovery endpoints).
    pub fn complete(resources: Vec<Value>) -> Self {
        let total = resources.len();
        Self::new(resources, total, 1)
    }

    pub fn to_json(&self) -> Value {
        // A struct of strings, numbers and JSON values always serializes.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// `startIndex` and `count` as the server applies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// 1-based; a value below 1 was read as 1 (RFC 7644 §3.4.2.4).
    pub start_index: usize,
    /// 0..=[`MAX_RESULTS`]; a negative value was read as 0 (a count-only query), a larger one
    /// capped.
    pub count: usize,
}

impl Default for Paging {
    fn default() -> Self {
        Self { start_index: 1, count: MAX_RESULTS }
    }
}

impl Paging {
    /// Reads the raw query parameters; absent ones take their defaults (1 and
    /// [`MAX_RESULTS`]). Non-integers are `invalidValue`.
    pub fn parse(start_index: Option<&str>, count: Option<&str>) -> Result<Self, ScimError> {
        let integer = |name: &str, raw: &str| {
            raw.trim()
                .parse::<i64>()
                .map_err(|_| ScimError::InvalidValue(format!("{name} must be an integer, not '{raw}'")))
        };
        let start_index = match start_index {
            Some(raw) => usize::try_from(integer("startIndex", raw)?.max(1)).unwrap_or(usize::MAX),
            None => 1,
        };
        let count = match count {
            Some(raw) => usize::try_from(integer("count", raw)?.clamp(0, MAX_RESULTS as i64)).unwrap_or(0),
            None => MAX_RESULTS,
        };
        Ok(Self { start_index, count })
    }

    /// Rows to skip (SQL `OFFSET`).
    pub fn offset(&self) -> usize {
        self.start_index - 1
    }

    /// This page of an in-memory list.
    pub fn page<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self.offset().min(items.len());
        let end = start.saturating_add(self.count).min(items.len());
        &items[start..end]
    }
}

/// `sortOrder` (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// Everything a list request (`GET /Users?…` or `POST /.search`) asks for, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    pub paging: Paging,
    pub sort_by: Option<AttrPath>,
    pub sort_order: SortOrder,
    pub projection: Projection,
}

impl ListQuery {
    /// Reads query-string pairs (already percent-decoded). Parameter names are matched
    /// case-insensitively; unknown ones are ignored.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>, resource_type: ResourceType,
    ) -> Result<Self, ScimError> {
        let mut raw: [Option<&str>; 7] = [None; 7];
        const NAMES: [&str; 7] =
            ["filter", "startIndex", "count", "sortBy", "sortOrder", "attributes", "excludedAttributes"];
        for (key, value) in pairs {
            if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(key)) {
                raw[i] = Some(value);
            }
        }
        let [filter, start_index, count, sort_by, sort_order, attributes, excluded] = raw;
        let filter = match filter.filter(|f| !f.trim().is_empty()) {
            Some(text) => {
                let filter = Filter::parse(text)?;
                filter.validate(resource_type)?;
                Some(filter)
            }
            None => None,
        };
        let sort_by = sort_by
            .filter(|s| !s.trim().is_empty())
            .map(|s| AttrPath::parse(s).map_err(|e| ScimError::InvalidValue(format!("sortBy: {e}"))))
            .transpose()?;
        let sort_order = match sort_order.map(str::trim) {
            None | Some("") => SortOrder::Ascending,
            Some(o) if o.eq_ignore_ascii_case("ascending") => SortOrder::Ascending,
            Some(o) if o.eq_ignore_ascii_case("descending") => SortOrder::Descending,
            Some(o) => {
                return Err(ScimError::InvalidValue(format!(
                    "sortOrder must be 'ascending' or 'descending', not '{o}'"
                )));
            }
        };
        Ok(Self {
            filter,
            paging: Paging::parse(start_index, count)?,
            sort_by,
            sort_order,
            projection: Projection::parse(attributes, excluded)?,
        })
    }
}

/// Sorts resources by `sort_by` (RFC 7644 §3.4.2.3): a multi-valued attribute sorts by its
/// primary (else first) value; strings compare as their `caseExact` says, `dateTime` as
/// instants; resources without a value sort last in ascending order, first in descending.
pub fn sort_resources(
    resources: &mut [Value], sort_by: &AttrPath, order: SortOrder, resource_type: ResourceType,
) {
    let (ty, case_exact) = {
        let def = resource_type.resolve(sort_by.urn.as_deref(), &sort_by.name).map(|r| r.def);
        let def = match &sort_by.sub_attr {
            Some(sub) => def.and_then(|d| d.sub_attribute(sub)),
            None => def,
        };
        (def.map(|d| d.ty), def.is_some_and(|d| d.case_exact))
    };
    let key = |resource: &Value| -> Option<Value> {
        let (top, _) = lookup_top(resource, resource_type, sort_by);
        let values = flatten(top);
        let chosen = values
            .iter()
            .find(|v| get_ci(v, "primary").and_then(Value::as_bool) == Some(true))
            .or(values.first())
            .copied()?;
        let leaf = match &sort_by.sub_attr {
            Some(sub) => get_ci(chosen, sub)?,
            None if chosen.is_object() => get_ci(chosen, "value")?,
            None => chosen,
        };
        (!leaf.is_null()).then(|| leaf.clone())
    };
    let compare = |a: &Value, b: &Value| -> Ordering {
        match (a, b) {
            (Value::String(a), Value::String(b)) => {
                if ty == Some(AttributeType::DateTime)
                    && let (Some(a), Some(b)) = (parse_date_time(a), parse_date_time(b))
                {
                    return a.cmp(&b);
                }
                if case_exact { a.cmp(b) } else { a.to_lowercase().cmp(&b.to_lowercase()) }
            }
            (Value::Number(a), Value::Number(b)) => compare_numbers(a, b).unwrap_or(Ordering::Equal),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            _ => Ordering::Equal,
        }
    };
    let mut keyed: Vec<(Option<Value>, Value)> =
        resources.iter_mut().map(|r| (key(r), std::mem::take(r))).collect();
    // Stable, so ties keep their order.
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => match order {
            SortOrder::Ascending => compare(a, b),
            SortOrder::Descending => compare(b, a),
        },
        (Some(_), None) => match order {
            SortOrder::Ascending => Ordering::Less,
            SortOrder::Descending => Ordering::Greater,
        },
        (None, Some(_)) => match order {
            SortOrder::Ascending => Ordering::Greater,
            SortOrder::Descending => Ordering::Less,
        },
        (None, None) => Ordering::Equal,
    });
    for (slot, (_, resource)) in resources.iter_mut().zip(keyed) {
        *slot = resource;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paging_defaults_and_clamps() {
        assert_eq!(Paging::parse(None, None).unwrap(), Paging { start_index: 1, count: 200 });
        assert_eq!(Paging::parse(Some("0"), Some("-5")).unwrap(), Paging { start_index: 1, count: 0 });
        assert_eq!(Paging::parse(Some("-3"), Some("1000")).unwrap(), Paging { start_index: 1, count: 200 });
        assert_eq!(Paging::parse(Some(" 11 "), Some("10")).unwrap(), Paging { start_index: 11, count: 10 });
        let error = Paging::parse(Some("one"), None).unwrap_err();
        assert_eq!(error.scim_type(), Some("invalidValue"));
        assert!(Paging::parse(None, Some("1.5")).is_err());
    }

    #[test]
    fn paging_slices_within_bounds() {
        let items: Vec<u32> = (1..=10).collect();
        let page = |s, c| Paging { start_index: s, count: c }.page(&items).to_vec();
        assert_eq!(page(1, 3), [1, 2, 3]);
        assert_eq!(page(9, 5), [9, 10]);
        assert_eq!(page(11, 5), Vec::<u32>::new());
        assert_eq!(page(1, 0), Vec::<u32>::new());
        assert_eq!(Paging { start_index: usize::MAX, count: usize::MAX }.page(&items).len(), 0);
    }

    #[test]
    fn list_response_has_the_rfc_shape() {
        let response = ListResponse::new(vec![json!({"id": "1"})], 5, 0);
        assert_eq!(
            response.to_json(),
            json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 5,
                "startIndex": 1,
                "itemsPerPage": 1,
                "Resources": [{"id": "1"}]
            })
        );
    }

    #[test]
    fn list_query_reads_every_parameter() {
        let query = ListQuery::from_pairs(
            [
                ("filter", r#"userName eq "ada""#),
                ("startIndex", "3"),
                ("COUNT", "7"),
                ("sortBy", "name.familyName"),
                ("sortOrder", "Descending"),
                ("attributes", "userName,emails"),
                ("utm_source", "ignored"),
            ],
            ResourceType::User,
        )
        .unwrap();
        assert!(query.filter.is_some());
        assert_eq!(query.paging, Paging { start_index: 3, count: 7 });
        assert_eq!(query.sort_by, Some(AttrPath::with_sub("name", "familyName")));
        assert_eq!(query.sort_order, SortOrder::Descending);
        assert!(ListQuery::from_pairs([("filter", "")], ResourceType::User).unwrap().filter.is_none());
    }

    #[test]
    fn list_query_refuses_bad_filters_and_sort_orders() {
        let error = ListQuery::from_pairs([("filter", "userName eq")], ResourceType::User).unwrap_err();
        assert_eq!(error.scim_type(), Some("invalidFilter"));
        let error = ListQuery::from_pairs([("filter", "active gt true")], ResourceType::User).unwrap_err();
        assert_eq!(error.scim_type(), Some("invalidFilter"));
        let error = ListQuery::from_pairs([("sortOrder", "up")], ResourceType::User).unwrap_err();
        assert_eq!(error.scim_type(), Some("invalidValue"));
    }

    #[test]
    fn sort_by_user_name_is_case_insensitive_and_missing_values_go_last() {
        let mut users = vec![
            json!({"id": "1", "userName": "bob"}),
            json!({"id": "2"}),
            json!({"id": "3", "userName": "Alice"}),
            json!({"id": "4", "userName": "carol"}),
        ];
        sort_resources(&mut users, &AttrPath::new("userName"), SortOrder::Ascending, ResourceType::User);
        let ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["3", "1", "4", "2"]);
        sort_resources(&mut users, &AttrPath::new("username"), SortOrder::Descending, ResourceType::User);
        let ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["2", "4", "1", "3"]);
    }

    #[test]
    fn sort_by_emails_uses_the_primary_value_and_dates_sort_as_instants() {
        let mut users = vec![
            json!({"id": "1", "emails": [{"value": "a@x"}, {"value": "z@x", "primary": true}],
                   "meta": {"lastModified": "2024-01-01T00:00:00+02:00"}}),
            json!({"id": "2", "emails": [{"value": "m@x"}],
                   "meta": {"lastModified": "2023-12-31T23:00:00Z"}}),
        ];
        sort_resources(&mut users, &AttrPath::new("emails"), SortOrder::Ascending, ResourceType::User);
        assert_eq!(users[0]["id"], "2");
        let last_modified = AttrPath::with_sub("meta", "lastModified");
        sort_resources(&mut users, &last_modified, SortOrder::Ascending, ResourceType::User);
        // 2024-01-01T00:00+02:00 is 2023-12-31T22:00Z, before 23:00Z.
        assert_eq!(users[0]["id"], "1");
    }
}
