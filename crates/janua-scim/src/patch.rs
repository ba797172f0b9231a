//! SCIM PATCH (RFC 7644 §3.5.2) applied to a resource held as JSON.
//!
//! A request is all or nothing: operations apply in order to a copy, and the resource changes
//! only when every one succeeded. Beyond the RFC, it accepts what the identity providers
//! customers run really send:
//!
//! - `op` in any case (Entra ID sends `Replace`, `Add`, `Remove`);
//! - no `path` and an object value (`{"op":"replace","value":{"active":false}}`, Okta and
//!   Entra), whose keys may themselves be paths (`"name.givenName"`, URN-qualified names) or an
//!   extension URN holding an object;
//! - booleans as strings (`"value":"False"`, Entra);
//! - a bare id for a complex attribute (`"manager":"26118915"` means `{"value":"26118915"}`);
//! - `remove` of `members` with a value (`"value":[{"value":"id"}]`, Entra) removes just those;
//! - `add`/`replace` through a value filter that matches nothing, when the filter only says
//!   `sub eq literal` (`emails[type eq "work"].value`), creates that element (Entra sends this
//!   for a user's first work email or phone number);
//! - `readOnly` attributes sent back unchanged (`"id"` in Okta's group replace) are ignored;
//!   changing them is a `mutability` error.

use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::ScimError;
use crate::filter::{AttrPath, AttrTest, CompValue, CompareOp, Filter, Parser};
use crate::resource::{find_key, flatten, get_ci, has_value, remove_ci, set_canonical};
use crate::schema::{AttributeDef, AttributeType, Mutability, ResourceType, SchemaDef};

/// The schema URN of a PATCH request body.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// A PATCH request body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PatchRequest {
    #[serde(default)]
    pub schemas: Vec<String>,
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<PatchOperation>,
}

impl PatchRequest {
    /// Reads a request body: malformed JSON shapes, unknown `op`s and a `schemas` list without
    /// the PatchOp URN are `invalidSyntax`. (A missing `schemas` is tolerated.)
    pub fn from_json(body: &Value) -> Result<Self, ScimError> {
        let request: PatchRequest = serde_json::from_value(body.clone())
            .map_err(|e| ScimError::InvalidSyntax(format!("not a SCIM PatchOp message: {e}")))?;
        if !request.schemas.is_empty()
            && !request.schemas.iter().any(|s| s.eq_ignore_ascii_case(PATCH_OP_SCHEMA))
        {
            return Err(ScimError::InvalidSyntax(format!("schemas must contain {PATCH_OP_SCHEMA}")));
        }
        if request.operations.is_empty() {
            return Err(ScimError::InvalidSyntax("Operations is empty".into()));
        }
        Ok(request)
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PatchOperation {
    pub op: PatchOp,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub value: Option<Value>,
}

/// `add`, `remove` or `replace`, read case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOp {
    Add,
    Remove,
    Replace,
}

impl fmt::Display for PatchOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PatchOp::Add => "add",
            PatchOp::Remove => "remove",
            PatchOp::Replace => "replace",
        })
    }
}

impl<'de> Deserialize<'de> for PatchOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let op = String::deserialize(deserializer)?;
        match op.to_ascii_lowercase().as_str() {
            "add" => Ok(PatchOp::Add),
            "remove" => Ok(PatchOp::Remove),
            "replace" => Ok(PatchOp::Replace),
            _ => {
                Err(serde::de::Error::custom(format!("unknown op '{op}' (expected add, remove or replace)")))
            }
        }
    }
}

/// A PATCH `path` (RFC 7644 §3.5.2): `attrPath` or `valuePath [subAttr]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute, with no sub-attribute (that is in `sub`).
    pub attr: AttrPath,
    /// The value filter of `attr[filter]`.
    pub filter: Option<Filter>,
    /// `name.givenName`'s `givenName`, or `emails[…].value`'s `value`.
    pub sub: Option<String>,
}

impl PatchPath {
    /// Parses a path; problems are `invalidPath`.
    pub fn parse(input: &str) -> Result<Self, ScimError> {
        let invalid = |e: ScimError| ScimError::InvalidPath(format!("'{input}': {e}"));
        let mut parser = Parser::new(input.trim());
        let mut path = parser.attr_path_token().map_err(invalid)?;
        let (filter, sub) = match parser.value_filter_if_present(&path).map_err(invalid)? {
            Some((filter, sub)) => (Some(filter), sub),
            None => (None, path.sub_attr.take()),
        };
        parser.expect_end("the end of the path").map_err(invalid)?;
        Ok(Self { attr: path, filter, sub })
    }
}

/// What a successful PATCH changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PatchOutcome {
    /// Top-level keys whose value differs (an extension counts as its URN), sorted. Empty when
    /// the request changed nothing (the caller can then keep the version and skip events).
    pub changed_attributes: Vec<String>,
}

impl PatchOutcome {
    pub fn changed(&self) -> bool {
        !self.changed_attributes.is_empty()
    }
}

/// Applies `request` to `resource` (a SCIM resource of `resource_type`, as JSON), atomically.
pub fn apply_patch(
    resource: &mut Value, request: &PatchRequest, resource_type: ResourceType,
) -> Result<PatchOutcome, ScimError> {
    if !resource.is_object() {
        return Err(ScimError::InvalidValue("the resource is not a JSON object".into()));
    }
    let mut working = resource.clone();
    for operation in &request.operations {
        apply_operation(&mut working, operation, resource_type)?;
    }
    tidy_extensions(&mut working, resource_type);
    let outcome = diff(resource, &working);
    *resource = working;
    Ok(outcome)
}

fn diff(before: &Value, after: &Value) -> PatchOutcome {
    let empty = Map::new();
    let (before, after) = (before.as_object().unwrap_or(&empty), after.as_object().unwrap_or(&empty));
    let mut changed: Vec<String> =
        before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).cloned().collect();
    changed.sort();
    changed.dedup();
    PatchOutcome { changed_attributes: changed }
}

/// Drops emptied extension objects and keeps `schemas` listing the extensions in use.
fn tidy_extensions(resource: &mut Value, resource_type: ResourceType) {
    let Some(map) = resource.as_object_mut() else {
        return;
    };
    for extension in resource_type.extensions() {
        let used = match find_key(map, extension.id) {
            Some(key) if map.get(&key).is_some_and(has_value) => true,
            Some(key) => {
                map.remove(&key);
                false
            }
            None => false,
        };
        let schemas = map.entry("schemas").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = schemas {
            let listed =
                list.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(extension.id)));
            if used && !listed {
                list.push(Value::String(extension.id.to_owned()));
            } else if !used && listed {
                list.retain(|s| !s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(extension.id)));
            }
        }
    }
}

fn apply_operation(
    resource: &mut Value, operation: &PatchOperation, resource_type: ResourceType,
) -> Result<(), ScimError> {
    let op = operation.op;
    let Some(path) = operation.path.as_deref().filter(|p| !p.trim().is_empty()) else {
        if op == PatchOp::Remove {
            return Err(ScimError::NoTarget("remove needs a path".into()));
        }
        return apply_object(resource, op, None, operation.value.as_ref(), resource_type);
    };
    // A whole extension as the path: its value is an object of that extension's attributes.
    if let Some(extension) = resource_type.extension(path.trim()) {
        if op == PatchOp::Remove {
            if let Some(map) = resource.as_object_mut() {
                remove_ci(map, extension.id);
            }
            return Ok(());
        }
        return apply_object(resource, op, Some(extension), operation.value.as_ref(), resource_type);
    }
    let path = PatchPath::parse(path)?;
    apply_path(resource, op, &path, operation.value.clone(), resource_type)
}

/// `add`/`replace` without a path: every key of the object value is a path.
fn apply_object(
    resource: &mut Value, op: PatchOp, extension: Option<&'static SchemaDef>, value: Option<&Value>,
    resource_type: ResourceType,
) -> Result<(), ScimError> {
    let Some(Value::Object(entries)) = value else {
        return Err(ScimError::InvalidValue(format!("{op} without a path needs an object value")));
    };
    for (key, value) in entries {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if extension.is_none()
            && let Some(inner) = resource_type.extension(key)
        {
            apply_object(resource, op, Some(inner), Some(value), resource_type)?;
            continue;
        }
        let mut path = PatchPath::parse(key)?;
        if let Some(extension) = extension {
            path.attr.urn = Some(extension.id.to_owned());
        }
        apply_path(resource, op, &path, Some(value.clone()), resource_type)?;
    }
    Ok(())
}

fn apply_path(
    resource: &mut Value, op: PatchOp, path: &PatchPath, value: Option<Value>, resource_type: ResourceType,
) -> Result<(), ScimError> {
    let resolved = resource_type.resolve(path.attr.urn.as_deref(), &path.attr.name).ok_or_else(|| {
        ScimError::InvalidPath(format!("'{}' is not an attribute of {}", path.attr, resource_type.name()))
    })?;
    let def = resolved.def;
    let sub_def =
        match &path.sub {
            Some(sub) => Some(def.sub_attribute(sub).ok_or_else(|| {
                ScimError::InvalidPath(format!("'{}' has no sub-attribute '{sub}'", def.name))
            })?),
            None => None,
        };
    if path.filter.is_some() && !def.multi_valued {
        return Err(ScimError::InvalidPath(format!(
            "'{}' is not multi-valued; it takes no filter",
            def.name
        )));
    }
    // `replace` with null means "unassign" (RFC 7643 §2.5).
    let value = value.filter(|v| !v.is_null());
    let op = if op == PatchOp::Replace && value.is_none() { PatchOp::Remove } else { op };
    let target = sub_def.unwrap_or(def);
    if op != PatchOp::Remove && value.is_none() {
        return Err(ScimError::InvalidValue(format!("{op} of '{}' needs a value", target.name)));
    }

    let map = container(resource, resolved.extension)?;
    let key = find_key(map, def.name);
    let current = key.as_ref().and_then(|k| map.get(k)).cloned();

    // Mutability is judged on what the path targets.
    if target.mutability == Mutability::ReadOnly || def.mutability == Mutability::ReadOnly {
        let unchanged = match (&value, path.filter.is_none() && path.sub.is_none()) {
            (Some(v), true) => coerce(v, def, def.multi_valued).ok().as_ref() == current.as_ref(),
            _ => false,
        };
        if unchanged {
            return Ok(());
        }
        return Err(ScimError::Mutability(format!("'{}' is read-only", target.name)));
    }
    if op == PatchOp::Remove && path.sub.is_none() && path.filter.is_none() && def.required && value.is_none()
    {
        return Err(ScimError::InvalidValue(format!("'{}' is required and cannot be removed", def.name)));
    }
    if def.mutability == Mutability::Immutable
        && let Some(current) = current.as_ref().filter(|c| has_value(c))
    {
        let proposed = value.as_ref().map(|v| coerce(v, def, def.multi_valued)).transpose()?;
        if proposed.as_ref() != Some(current) {
            return Err(ScimError::Mutability(format!("'{}' is immutable", def.name)));
        }
        return Ok(());
    }

    let updated = match (&path.filter, sub_def) {
        (None, None) => whole(op, def, current, value)?,
        (None, Some(sub_def)) => every_element(op, def, sub_def, current, value)?,
        (Some(filter), sub_def) => filtered(op, def, filter, sub_def, current, value)?,
    };
    match updated {
        Some(v) if has_value(&v) => set_canonical(map, def.name, v),
        _ => {
            if def.required {
                return Err(ScimError::InvalidValue(format!(
                    "'{}' is required and cannot be removed",
                    def.name
                )));
            }
            remove_ci(map, def.name);
        }
    }
    Ok(())
}

/// The object holding the attribute: the resource, or its extension object (created).
fn container<'r>(
    resource: &'r mut Value, extension: Option<&'static SchemaDef>,
) -> Result<&'r mut Map<String, Value>, ScimError> {
    let map = resource
        .as_object_mut()
        .ok_or_else(|| ScimError::InvalidValue("the resource is not a JSON object".into()))?;
    let Some(extension) = extension else {
        return Ok(map);
    };
    let key = find_key(map, extension.id).unwrap_or_else(|| extension.id.to_owned());
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut().ok_or_else(|| ScimError::InvalidValue("extension is not an object".into()))
}

/// The whole attribute (`active`, `emails`, `name`).
fn whole(
    op: PatchOp, def: &AttributeDef, current: Option<Value>, value: Option<Value>,
) -> Result<Option<Value>, ScimError> {
    let Some(value) = value else {
        // Entra removes members by sending them as the value of a `remove` on `members`.
        if op == PatchOp::Remove {
            return Ok(None);
        }
        unreachable_value()?
    };
    match op {
        PatchOp::Remove => {
            if !def.multi_valued {
                return Ok(None);
            }
            let doomed = coerce(&value, def, true)?;
            let doomed = flatten(Some(&doomed)).into_iter().cloned().collect::<Vec<_>>();
            let mut items = current.map(into_items).unwrap_or_default();
            items.retain(|item| !doomed.iter().any(|d| same_element(item, d)));
            Ok(Some(Value::Array(items)))
        }
        PatchOp::Add if def.multi_valued => {
            let mut items = current.map(into_items).unwrap_or_default();
            let mut preferred = None;
            for new in into_items(coerce(&value, def, true)?) {
                if let Some(existing) = items.iter_mut().find(|i| same_element(i, &new)) {
                    merge(existing, new);
                    continue;
                }
                items.push(new);
                if is_primary(items.last()) {
                    preferred = Some(items.len() - 1);
                }
            }
            one_primary(&mut items, preferred);
            Ok(Some(Value::Array(items)))
        }
        PatchOp::Replace if def.multi_valued => {
            let mut items = into_items(coerce(&value, def, true)?);
            one_primary(&mut items, None);
            Ok(Some(Value::Array(items)))
        }
        // RFC 7644 §3.5.2.1/.3: a complex value's unspecified sub-attributes stay as they were.
        PatchOp::Add | PatchOp::Replace if def.ty == AttributeType::Complex => {
            let mut merged = current.filter(Value::is_object).unwrap_or_else(|| Value::Object(Map::new()));
            merge(&mut merged, coerce(&value, def, false)?);
            Ok(Some(merged))
        }
        PatchOp::Add | PatchOp::Replace => Ok(Some(coerce(&value, def, false)?)),
    }
}

/// A sub-attribute without a filter: `name.givenName`, or on every element (`emails.type`).
fn every_element(
    op: PatchOp, def: &AttributeDef, sub_def: &AttributeDef, current: Option<Value>, value: Option<Value>,
) -> Result<Option<Value>, ScimError> {
    let value = value.map(|v| coerce(&v, sub_def, sub_def.multi_valued)).transpose()?;
    if let Some(new) = &value
        && let Some(current) = &current
    {
        for element in flatten(Some(current)) {
            refuse_immutable_change(element, sub_def, new)?;
        }
    }
    let set = |element: &mut Value| match (&value, element.as_object_mut()) {
        (Some(v), Some(map)) => set_canonical(map, sub_def.name, v.clone()),
        (None, Some(map)) => {
            remove_ci(map, sub_def.name);
        }
        _ => {}
    };
    if def.multi_valued {
        let mut items = current.map(into_items).unwrap_or_default();
        if items.is_empty() && op != PatchOp::Remove {
            items.push(Value::Object(Map::new()));
        }
        items.iter_mut().for_each(set);
        items.retain(has_value);
        if sub_def.name == "primary" {
            one_primary(&mut items, None);
        }
        Ok(Some(Value::Array(items)))
    } else {
        let mut object = current.filter(Value::is_object).unwrap_or_else(|| Value::Object(Map::new()));
        set(&mut object);
        Ok(Some(object))
    }
}

/// Through a value filter: `members[value eq "…"]`, `emails[type eq "work"].value`.
fn filtered(
    op: PatchOp, def: &'static AttributeDef, filter: &Filter, sub_def: Option<&'static AttributeDef>,
    current: Option<Value>, value: Option<Value>,
) -> Result<Option<Value>, ScimError> {
    let mut items = current.map(into_items).unwrap_or_default();
    let matched: Vec<usize> = (0..items.len()).filter(|&i| filter.matches_element(&items[i], def)).collect();
    if op == PatchOp::Remove {
        // Removing what is not there is a no-op: clients retry, and the state is as asked.
        match sub_def {
            None => {
                let mut index = 0;
                items.retain(|_| {
                    index += 1;
                    !matched.contains(&(index - 1))
                });
            }
            Some(sub_def) => {
                for &i in &matched {
                    if let Some(map) = items[i].as_object_mut() {
                        remove_ci(map, sub_def.name);
                    }
                }
                items.retain(has_value);
            }
        }
        return Ok(Some(Value::Array(items)));
    }
    let Some(value) = value else { unreachable_value()? };
    let new = match sub_def {
        Some(sub_def) => coerce(&value, sub_def, sub_def.multi_valued)?,
        None => coerce(&value, def, false)?,
    };
    let mut preferred = None;
    if matched.is_empty() {
        let Some(mut element) = element_from_filter(filter) else {
            return Err(ScimError::NoTarget(format!("no value of '{}' matches [{filter}]", def.name)));
        };
        match sub_def {
            Some(sub_def) => {
                if let Some(map) = element.as_object_mut() {
                    set_canonical(map, sub_def.name, new.clone());
                }
            }
            None => merge(&mut element, new.clone()),
        }
        items.push(element);
        if is_primary(items.last()) {
            preferred = Some(items.len() - 1);
        }
    }
    for &i in &matched {
        match sub_def {
            Some(sub_def) => {
                refuse_immutable_change(&items[i], sub_def, &new)?;
                if let Some(map) = items[i].as_object_mut() {
                    set_canonical(map, sub_def.name, new.clone());
                }
            }
            None if op == PatchOp::Add => merge(&mut items[i], new.clone()),
            None => items[i] = new.clone(),
        }
        if is_primary(Some(&items[i])) {
            preferred = Some(i);
        }
    }
    one_primary(&mut items, preferred);
    Ok(Some(Value::Array(items)))
}

/// The element a filter of only `sub eq literal` (joined by `and`) describes, if it is one.
fn element_from_filter(filter: &Filter) -> Option<Value> {
    fn collect(filter: &Filter, into: &mut Map<String, Value>) -> bool {
        match filter {
            Filter::Attr(path, AttrTest::Compare(CompareOp::Eq, literal))
                if path.urn.is_none() && path.sub_attr.is_none() =>
            {
                let value = match literal {
                    CompValue::String(s) => Value::String(s.clone()),
                    CompValue::Bool(b) => Value::Bool(*b),
                    CompValue::Number(n) => Value::Number(n.clone()),
                    CompValue::Null => return false,
                };
                into.insert(path.name.clone(), value);
                true
            }
            Filter::And(l, r) => collect(l, into) && collect(r, into),
            _ => false,
        }
    }
    let mut element = Map::new();
    collect(filter, &mut element).then_some(Value::Object(element))
}

/// Converts a client's value to what the attribute holds (see the module docs), or
/// `invalidValue`. `as_multi` reads it as the whole multi-valued attribute (a lone value is
/// wrapped in an array).
fn coerce(value: &Value, def: &AttributeDef, as_multi: bool) -> Result<Value, ScimError> {
    if as_multi {
        let items = match value {
            Value::Array(items) => items
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| coerce(v, def, false))
                .collect::<Result<_, _>>()?,
            other => vec![coerce(other, def, false)?],
        };
        return Ok(Value::Array(items));
    }
    let wrong =
        || ScimError::InvalidValue(format!("'{}' must be {}, not {}", def.name, expected(def.ty), value));
    match (def.ty, value) {
        (AttributeType::Boolean, Value::Bool(_)) => Ok(value.clone()),
        (AttributeType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
        (AttributeType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => {
            Ok(Value::Bool(false))
        }
        (AttributeType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(value.clone()),
        (AttributeType::Decimal, Value::Number(_)) => Ok(value.clone()),
        (AttributeType::String | AttributeType::Reference | AttributeType::Binary, Value::String(_)) => {
            Ok(value.clone())
        }
        (AttributeType::DateTime, Value::String(s)) if crate::filter::parse_date_time(s).is_some() => {
            Ok(value.clone())
        }
        (AttributeType::Complex, Value::Object(entries)) => {
            let mut out = Map::new();
            for (key, sub_value) in entries {
                match def.sub_attribute(key) {
                    // RFC 7643 §7: readOnly values a client sends are ignored.
                    Some(sub) if sub.mutability == Mutability::ReadOnly => {}
                    Some(sub) if sub_value.is_null() => {
                        out.insert(sub.name.to_owned(), Value::Null);
                    }
                    Some(sub) => {
                        out.insert(sub.name.to_owned(), coerce(sub_value, sub, sub.multi_valued)?);
                    }
                    None => {
                        return Err(ScimError::InvalidValue(format!(
                            "'{}' has no sub-attribute '{key}'",
                            def.name
                        )));
                    }
                }
            }
            Ok(Value::Object(out))
        }
        // A bare id for a complex attribute with a `value` (Entra's `manager`).
        (AttributeType::Complex, Value::String(_) | Value::Number(_) | Value::Bool(_))
            if def.sub_attribute("value").is_some() =>
        {
            let value_def = def.sub_attribute("value").ok_or_else(wrong)?;
            let mut out = Map::new();
            out.insert(value_def.name.to_owned(), coerce(value, value_def, false)?);
            Ok(Value::Object(out))
        }
        _ => Err(wrong()),
    }
}

fn expected(ty: AttributeType) -> &'static str {
    match ty {
        AttributeType::String | AttributeType::Reference | AttributeType::Binary => "a string",
        AttributeType::Boolean => "a boolean",
        AttributeType::Decimal => "a number",
        AttributeType::Integer => "an integer",
        AttributeType::DateTime => "an RFC 3339 date-time",
        AttributeType::Complex => "an object",
    }
}

fn into_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Two elements of a multi-valued attribute are the same value when their `value`s are
/// equal (members by id), or, lacking `value`, when they are equal.
fn same_element(a: &Value, b: &Value) -> bool {
    match (get_ci(a, "value"), get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Sets the sub-attributes of `new` on `target`; a `null` one unassigns it.
fn merge(target: &mut Value, new: Value) {
    match (target.as_object_mut(), new) {
        (Some(map), Value::Object(entries)) => {
            for (key, value) in entries {
                if value.is_null() {
                    remove_ci(map, &key);
                } else {
                    set_canonical(map, &key, value);
                }
            }
        }
        (_, new) => *target = new,
    }
}

fn is_primary(value: Option<&Value>) -> bool {
    value.and_then(|v| get_ci(v, "primary")).and_then(Value::as_bool) == Some(true)
}

/// RFC 7643 §2.4: at most one value is `primary`. The one just written wins (`preferred`),
/// else the last one.
fn one_primary(items: &mut [Value], preferred: Option<usize>) {
    let primaries: Vec<usize> = (0..items.len()).filter(|&i| is_primary(Some(&items[i]))).collect();
    if primaries.len() < 2 {
        return;
    }
    let keep = preferred.filter(|p| primaries.contains(p)).or(primaries.last().copied());
    for i in primaries {
        if Some(i) != keep
            && let Some(map) = items[i].as_object_mut()
        {
            set_canonical(map, "primary", Value::Bool(false));
        }
    }
}

/// An `immutable` sub-attribute (a member's `value`) may be set once, never changed.
fn refuse_immutable_change(element: &Value, sub_def: &AttributeDef, new: &Value) -> Result<(), ScimError> {
    if sub_def.mutability == Mutability::Immutable
        && let Some(current) = get_ci(element, sub_def.name).filter(|c| has_value(c))
        && current != new
    {
        return Err(ScimError::Mutability(format!("'{}' is immutable", sub_def.name)));
    }
    Ok(())
}

fn unreachable_value<T>() -> Result<T, ScimError> {
    Err(ScimError::InvalidValue("the operation needs a value".into()))
}

#[cfg(test)]
#[path = "patch_tests.rs"]
mod tests;
