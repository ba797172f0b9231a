use super::*;
use crate::schema::{ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};
use serde_json::json;

fn user() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "id": "u-1",
        "externalId": "ext-1",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "active": true,
        "emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    })
}

fn group() -> Value {
    json!({
        "schemas": [GROUP_SCHEMA],
        "id": "g-1",
        "displayName": "Engineering",
        "members": [{"value": "u-1", "display": "Babs"}, {"value": "u-2"}],
        "meta": {"resourceType": "Group"}
    })
}

fn request(operations: Value) -> PatchRequest {
    PatchRequest::from_json(&json!({"schemas": [PATCH_OP_SCHEMA], "Operations": operations}))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn patch(mut resource: Value, rt: ResourceType, operations: Value) -> Result<Value, ScimError> {
    apply_patch(&mut resource, &request(operations), rt)?;
    Ok(resource)
}

fn patch_user(operations: Value) -> Value {
    patch(user(), ResourceType::User, operations).unwrap_or_else(|e| panic!("{e}"))
}

fn patch_user_err(operations: Value) -> ScimError {
    patch(user(), ResourceType::User, operations).unwrap_err()
}

// ----- the request ----------------------------------------------------------------------------

#[test]
fn op_is_case_insensitive_and_unknown_ops_are_invalid_syntax() {
    let parsed = request(
        json!([{"op": "Replace", "path": "title", "value": "x"}, {"op": "ADD", "value": {}}, {"op": "remove", "path": "title"}]),
    );
    let ops: Vec<PatchOp> = parsed.operations.iter().map(|o| o.op).collect();
    assert_eq!(ops, [PatchOp::Replace, PatchOp::Add, PatchOp::Remove]);
    let error = PatchRequest::from_json(&json!({"Operations": [{"op": "move", "path": "a"}]})).unwrap_err();
    assert_eq!(error.scim_type(), Some("invalidSyntax"));
    let error = PatchRequest::from_json(
        &json!({"schemas": ["urn:wrong"], "Operations": [{"op": "add", "value": {}}]}),
    )
    .unwrap_err();
    assert_eq!(error.scim_type(), Some("invalidSyntax"));
    assert!(PatchRequest::from_json(&json!({"Operations": []})).is_err());
    // Lower-case `operations` and a missing `schemas` are tolerated.
    assert!(PatchRequest::from_json(&json!({"operations": [{"op": "add", "value": {}}]})).is_ok());
}

#[test]
fn paths_parse_with_filters_and_sub_attributes() {
    let path = PatchPath::parse(r#"emails[type eq "work"].value"#).unwrap();
    assert_eq!(path.attr, AttrPath::new("emails"));
    assert!(path.filter.is_some());
    assert_eq!(path.sub.as_deref(), Some("value"));
    let path = PatchPath::parse("name.familyName").unwrap();
    assert_eq!(
        (path.attr, path.filter, path.sub.as_deref()),
        (AttrPath::new("name"), None, Some("familyName"))
    );
    let path = PatchPath::parse(&format!("{ENTERPRISE_USER_SCHEMA}:manager")).unwrap();
    assert_eq!(path.attr.urn.as_deref(), Some(ENTERPRISE_USER_SCHEMA));
    for bad in ["", "emails[type eq", "emails[type eq \"w\"] extra", "a b", "emails[x pr].y.z"] {
        assert_eq!(PatchPath::parse(bad).unwrap_err().scim_type(), Some("invalidPath"), "{bad}");
    }
}

// ----- add ------------------------------------------------------------------------------------

#[test]
fn add_sets_simple_attributes_and_merges_complex_ones() {
    let out = patch_user(json!([
        {"op": "add", "path": "title", "value": "Tour Guide"},
        {"op": "add", "path": "name", "value": {"middleName": "Jane"}}
    ]));
    assert_eq!(out["title"], "Tour Guide");
    assert_eq!(out["name"], json!({"givenName": "Barbara", "familyName": "Jensen", "middleName": "Jane"}));
}

#[test]
fn add_appends_to_multi_valued_attributes_without_duplicates() {
    let out = patch_user(json!([{"op": "add", "path": "emails", "value": [
        {"value": "babs@jensen.org", "type": "home"},
        {"value": "bjensen@example.com", "type": "work", "primary": true}
    ]}]));
    assert_eq!(out["emails"].as_array().unwrap().len(), 2);
    // A lone object is one value.
    let out =
        patch_user(json!([{"op": "add", "path": "phoneNumbers", "value": {"value": "555", "type": "work"}}]));
    assert_eq!(out["phoneNumbers"], json!([{"value": "555", "type": "work"}]));
}

#[test]
fn a_new_primary_value_demotes_the_old_one() {
    let out = patch_user(
        json!([{"op": "add", "path": "emails", "value": [{"value": "new@example.com", "type": "work", "primary": true}]}]),
    );
    let emails = out["emails"].as_array().unwrap();
    assert_eq!(emails[0]["primary"], false);
    assert_eq!(emails[1]["primary"], true);
}

#[test]
fn add_without_path_sets_each_key_and_keys_may_be_paths() {
    let out = patch_user(json!([{"op": "add", "value": {
        "nickName": "Babs",
        "name.middleName": "Jane",
        ENTERPRISE_USER_SCHEMA: {"employeeNumber": "42"},
        format!("{ENTERPRISE_USER_SCHEMA}:department"): "Tours"
    }}]));
    assert_eq!(out["nickName"], "Babs");
    assert_eq!(out["name"]["middleName"], "Jane");
    assert_eq!(out[ENTERPRISE_USER_SCHEMA], json!({"employeeNumber": "42", "department": "Tours"}));
    assert_eq!(out["schemas"], json!([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]));
}

#[test]
fn attribute_names_are_matched_case_insensitively_and_written_canonically() {
    let out = patch_user(
        json!([{"op": "replace", "path": "USERNAME", "value": "ada"}, {"op": "replace", "path": "Name.GivenName", "value": "Ada"}]),
    );
    assert_eq!(out["userName"], "ada");
    assert_eq!(out["name"]["givenName"], "Ada");
    let mut odd = user();
    odd["DisplayName"] = json!("old");
    let out =
        patch(odd, ResourceType::User, json!([{"op": "replace", "path": "displayName", "value": "new"}]))
            .unwrap();
    assert_eq!(out["displayName"], "new");
    assert!(out.get("DisplayName").is_none());
}

// ----- replace --------------------------------------------------------------------------------

#[test]
fn replace_swaps_multi_valued_attributes_whole() {
    let out = patch_user(
        json!([{"op": "replace", "path": "emails", "value": [{"value": "a@b.c", "type": "home"}]}]),
    );
    assert_eq!(out["emails"], json!([{"value": "a@b.c", "type": "home"}]));
}

#[test]
fn replace_with_null_unassigns() {
    let out = patch_user(
        json!([{"op": "replace", "path": "name.givenName", "value": null}, {"op": "replace", "path": "externalId", "value": null}]),
    );
    assert_eq!(out["name"], json!({"familyName": "Jensen"}));
    assert!(out.get("externalId").is_none());
}

#[test]
fn replace_through_a_filter_changes_only_matching_elements() {
    let mut two = user();
    two["emails"] = json!([{"value": "w@x", "type": "work"}, {"value": "h@x", "type": "home"}]);
    let out = patch(
        two,
        ResourceType::User,
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@x"}]),
    )
    .unwrap();
    assert_eq!(out["emails"], json!([{"value": "new@x", "type": "work"}, {"value": "h@x", "type": "home"}]));
}

#[test]
fn a_filter_that_matches_nothing_creates_the_element_it_describes() {
    let out = patch_user(
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "555-1234"}]),
    );
    assert_eq!(out["phoneNumbers"], json!([{"type": "mobile", "value": "555-1234"}]));
    // A filter that describes no single element is a noTarget.
    let error = patch_user_err(
        json!([{"op": "replace", "path": "emails[value co \"nobody\"].type", "value": "home"}]),
    );
    assert_eq!(error.scim_type(), Some("noTarget"));
}

// ----- remove ---------------------------------------------------------------------------------

#[test]
fn remove_unassigns_and_needs_a_path() {
    let out =
        patch_user(json!([{"op": "remove", "path": "name.familyName"}, {"op": "remove", "path": "emails"}]));
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    assert!(out.get("emails").is_none());
    let out = patch_user(
        json!([{"op": "remove", "path": "name.givenName"}, {"op": "remove", "path": "name.familyName"}]),
    );
    assert!(out.get("name").is_none());
    assert_eq!(patch_user_err(json!([{"op": "remove"}])).scim_type(), Some("noTarget"));
}

#[test]
fn remove_through_a_filter_removes_matching_elements_and_is_idempotent() {
    let remove = json!([{"op": "remove", "path": "members[value eq \"u-2\"]"}]);
    let once = patch(group(), ResourceType::Group, remove.clone()).unwrap();
    assert_eq!(once["members"], json!([{"value": "u-1", "display": "Babs"}]));
    let twice = patch(once.clone(), ResourceType::Group, remove).unwrap();
    assert_eq!(twice, once);
    let out = patch_user(json!([{"op": "remove", "path": "emails[type eq \"work\"].primary"}]));
    assert_eq!(out["emails"], json!([{"value": "bjensen@example.com", "type": "work"}]));
}

#[test]
fn required_attributes_cannot_be_removed() {
    let error = patch_user_err(json!([{"op": "remove", "path": "userName"}]));
    assert_eq!(error.scim_type(), Some("invalidValue"));
    let error = patch_user_err(json!([{"op": "replace", "path": "userName", "value": ""}]));
    assert_eq!(error.scim_type(), Some("invalidValue"));
}

// ----- errors ---------------------------------------------------------------------------------

#[test]
fn read_only_attributes_refuse_changes_but_accept_their_own_value() {
    for path in ["id", "meta", "meta.version", "groups"] {
        let error = patch_user_err(json!([{"op": "replace", "path": path, "value": "x"}]));
        assert_eq!(error.scim_type(), Some("mutability"), "{path}");
    }
    assert_eq!(patch_user_err(json!([{"op": "remove", "path": "id"}])).scim_type(), Some("mutability"));
    let out = patch_user(json!([{"op": "replace", "value": {"id": "u-1", "active": false}}]));
    assert_eq!(out["active"], false);
}

#[test]
fn immutable_sub_attributes_cannot_change() {
    let error = patch(
        group(),
        ResourceType::Group,
        json!([{"op": "replace", "path": "members[value eq \"u-1\"].value", "value": "u-9"}]),
    )
    .unwrap_err();
    assert_eq!(error.scim_type(), Some("mutability"));
}

#[test]
fn unknown_attributes_and_bad_values_are_refused() {
    assert_eq!(
        patch_user_err(json!([{"op": "add", "path": "favouriteColour", "value": "x"}])).scim_type(),
        Some("invalidPath")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "add", "path": "name.nickname", "value": "x"}])).scim_type(),
        Some("invalidPath")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "add", "path": "title[value eq \"x\"]", "value": "x"}])).scim_type(),
        Some("invalidPath")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "replace", "path": "active", "value": "maybe"}])).scim_type(),
        Some("invalidValue")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "replace", "path": "title", "value": 7}])).scim_type(),
        Some("invalidValue")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "add", "path": "emails", "value": [{"value": "a", "colour": "red"}]}]))
            .scim_type(),
        Some("invalidValue")
    );
    assert_eq!(
        patch_user_err(json!([{"op": "add", "value": "not an object"}])).scim_type(),
        Some("invalidValue")
    );
    assert_eq!(patch_user_err(json!([{"op": "add", "path": "title"}])).scim_type(), Some("invalidValue"));
}

#[test]
fn a_failing_operation_leaves_the_resource_untouched() {
    let mut resource = user();
    let body = request(
        json!([{"op": "replace", "path": "title", "value": "changed"}, {"op": "replace", "path": "id", "value": "other"}]),
    );
    assert!(apply_patch(&mut resource, &body, ResourceType::User).is_err());
    assert_eq!(resource, user());
}

#[test]
fn the_outcome_names_what_changed() {
    let mut resource = user();
    let body = request(
        json!([{"op": "replace", "path": "active", "value": false}, {"op": "add", "path": "title", "value": "T"}]),
    );
    let outcome = apply_patch(&mut resource, &body, ResourceType::User).unwrap();
    assert_eq!(outcome.changed_attributes, ["active", "title"]);
    let outcome = apply_patch(&mut resource, &body, ResourceType::User).unwrap();
    assert!(!outcome.changed());
}

/// PATCH bodies Entra ID and Okta send while provisioning (shapes from their SCIM
/// documentation), applied to the sample user or group, and the attribute each one sets.
#[test]
fn real_world_patch_bodies() {
    let manager = format!("{ENTERPRISE_USER_SCHEMA}:manager");
    let cases: Vec<(&str, ResourceType, Value, &str, Value)> = vec![
        // Entra ID: soft-delete, booleans as strings and a capitalised op.
        (
            "entra disable",
            ResourceType::User,
            json!([{"op": "Replace", "path": "active", "value": "False"}]),
            "/active",
            json!(false),
        ),
        (
            "entra enable",
            ResourceType::User,
            json!([{"op": "Replace", "path": "active", "value": "True"}]),
            "/active",
            json!(true),
        ),
        // Entra ID: attribute updates.
        (
            "entra work email",
            ResourceType::User,
            json!([{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "babs@example.com"}]),
            "/emails/0/value",
            json!("babs@example.com"),
        ),
        (
            "entra family name",
            ResourceType::User,
            json!([{"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"}]),
            "/name/familyName",
            json!("Jensen-Smith"),
        ),
        (
            "entra first mobile",
            ResourceType::User,
            json!([{"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0100"}]),
            "/phoneNumbers/0",
            json!({"type": "mobile", "value": "+1 555 0100"}),
        ),
        (
            "entra address",
            ResourceType::User,
            json!([{"op": "Add", "path": "addresses[type eq \"work\"].streetAddress", "value": "1 Main St"}]),
            "/addresses/0/streetAddress",
            json!("1 Main St"),
        ),
        (
            "entra primary as string",
            ResourceType::User,
            json!([{"op": "Replace", "path": "emails[type eq \"work\"].primary", "value": "True"}]),
            "/emails/0/primary",
            json!(true),
        ),
        (
            "entra externalId",
            ResourceType::User,
            json!([{"op": "Add", "path": "externalId", "value": "0a21f0f2"}]),
            "/externalId",
            json!("0a21f0f2"),
        ),
        (
            "entra manager as bare id",
            ResourceType::User,
            json!([{"op": "Add", "path": manager, "value": "26118915"}]),
            "/EXT/manager",
            json!({"value": "26118915"}),
        ),
        (
            "entra department",
            ResourceType::User,
            json!([{"op": "Add", "path": format!("{ENTERPRISE_USER_SCHEMA}:department"), "value": "Tours"}]),
            "/EXT/department",
            json!("Tours"),
        ),
        // Entra ID: group membership and rename.
        (
            "entra add member",
            ResourceType::Group,
            json!([{"op": "Add", "path": "members", "value": [{"value": "u-3"}]}]),
            "/members/2",
            json!({"value": "u-3"}),
        ),
        (
            "entra remove member",
            ResourceType::Group,
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u-1"}]}]),
            "/members",
            json!([{"value": "u-2"}]),
        ),
        (
            "entra rename group",
            ResourceType::Group,
            json!([{"op": "Replace", "path": "displayName", "value": "Eng"}]),
            "/displayName",
            json!("Eng"),
        ),
        // Okta: deactivate and profile push without a path.
        (
            "okta deactivate",
            ResourceType::User,
            json!([{"op": "replace", "value": {"active": false}}]),
            "/active",
            json!(false),
        ),
        (
            "okta profile push",
            ResourceType::User,
            json!([{"op": "replace", "value": {"name": {"givenName": "Babs"}, "displayName": "Babs J"}}]),
            "/name",
            json!({"givenName": "Babs", "familyName": "Jensen"}),
        ),
        // Okta: group push (id echoed back unchanged), membership add and remove by filter.
        (
            "okta group rename",
            ResourceType::Group,
            json!([{"op": "replace", "value": {"id": "g-1", "displayName": "Engineering EU"}}]),
            "/displayName",
            json!("Engineering EU"),
        ),
        (
            "okta add members",
            ResourceType::Group,
            json!([{"op": "add", "path": "members", "value": [{"value": "u-4", "display": "d@example.com"}]}]),
            "/members/2",
            json!({"value": "u-4", "display": "d@example.com"}),
        ),
        (
            "okta remove member",
            ResourceType::Group,
            json!([{"op": "remove", "path": "members[value eq \"u-2\"]"}]),
            "/members",
            json!([{"value": "u-1", "display": "Babs"}]),
        ),
        (
            "okta replace members",
            ResourceType::Group,
            json!([{"op": "replace", "path": "members", "value": [{"value": "u-9"}]}]),
            "/members",
            json!([{"value": "u-9"}]),
        ),
    ];
    for (name, rt, operations, pointer, expected) in cases {
        let base = if rt == ResourceType::User { user() } else { group() };
        let out = patch(base, rt, operations).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The URN has no '/' or '~', so it is its own JSON pointer segment.
        let pointer = pointer.replace("EXT", ENTERPRISE_USER_SCHEMA);
        assert_eq!(out.pointer(&pointer), Some(&expected), "{name}: {out:#}");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            "[a-zA-Z@. ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("value".to_owned()),
                        Just("type".to_owned()),
                        Just("primary".to_owned()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..3
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_path() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            Just("emails".to_owned()),
            Just("emails[type eq \"work\"].value".to_owned()),
            Just("name.givenName".to_owned()),
            Just("active".to_owned()),
            Just("members[value eq \"u-1\"]".to_owned()),
            Just(format!("{ENTERPRISE_USER_SCHEMA}:manager")),
            Just(ENTERPRISE_USER_SCHEMA.to_owned()),
            r#"[a-zA-Z.\[\]" =]{0,20}"#,
        ])
    }

    proptest! {
        #[test]
        fn path_parsing_never_panics(text in any::<String>()) {
            let _ = PatchPath::parse(&text);
        }

        #[test]
        fn patching_never_panics_and_failures_change_nothing(
            ops in prop::collection::vec(
                (prop_oneof![Just(PatchOp::Add), Just(PatchOp::Remove), Just(PatchOp::Replace)], arb_path(), proptest::option::of(arb_json())),
                1..4,
            ),
            is_group in any::<bool>(),
        ) {
            let (rt, original) = if is_group { (ResourceType::Group, group()) } else { (ResourceType::User, user()) };
            let request = PatchRequest {
                schemas: vec![PATCH_OP_SCHEMA.to_owned()],
                operations: ops.into_iter().map(|(op, path, value)| PatchOperation { op, path, value }).collect(),
            };
            let mut resource = original.clone();
            match apply_patch(&mut resource, &request, rt) {
                Ok(_) => prop_assert!(resource.is_object()),
                Err(_) => prop_assert_eq!(resource, original),
            }
        }
    }
}
