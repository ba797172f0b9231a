//! Reading and writing attributes of a SCIM resource held as JSON.
//!
//! Attribute names are case-insensitive (RFC 7643 §2.1), so every lookup here tries the exact
//! key first and then an ASCII case-insensitive match; writes go through
//! [`set_canonical`], which replaces any differently-cased key with the schema's spelling.

use serde_json::{Map, Value};

/// The value under `key`, matched case-insensitively.
pub(crate) fn get_ci<'v>(object: &'v Value, key: &str) -> Option<&'v Value> {
    let map = object.as_object()?;
    map.get(key).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// The actual key under which `key` is stored, matched case-insensitively.
pub(crate) fn find_key(map: &Map<String, Value>, key: &str) -> Option<String> {
    if map.contains_key(key) {
        return Some(key.to_owned());
    }
    map.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned()
}

/// Removes `key` (any casing) and returns what was there.
pub(crate) fn remove_ci(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    let actual = find_key(map, key)?;
    map.remove(&actual)
}

/// Stores `value` under the schema's spelling `canonical`, dropping other casings of it.
pub(crate) fn set_canonical(map: &mut Map<String, Value>, canonical: &str, value: Value) {
    while let Some(actual) = find_key(map, canonical) {
        if actual == canonical {
            break;
        }
        map.remove(&actual);
    }
    map.insert(canonical.to_owned(), value);
}

/// The values an attribute holds: the elements of an array, nothing for `null`, else itself.
pub(crate) fn flatten(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter(|v| !v.is_null()).collect(),
        Some(other) => vec![other],
    }
}

/// RFC 7643 §2.5: unassigned, `null`, `""`, `[]` and `{}` (with nothing assigned inside) are
/// all "no value".
pub(crate) fn has_value(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => items.iter().any(has_value),
        Value::Object(map) => map.values().any(has_value),
        Value::Bool(_) | Value::Number(_) => true,
    }
}
