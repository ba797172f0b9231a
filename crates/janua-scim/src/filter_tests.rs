use super::*;
use crate::schema::ENTERPRISE_USER_SCHEMA;
use proptest::prelude::*;
use serde_json::json;

fn parse(text: &str) -> Filter {
    Filter::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn attr(name: &str, op: CompareOp, value: CompValue) -> Filter {
    Filter::Attr(AttrPath::new(name), AttrTest::Compare(op, value))
}

fn string(s: &str) -> CompValue {
    CompValue::String(s.to_owned())
}

fn error_at(text: &str) -> (usize, String) {
    match Filter::parse(text) {
        Err(ScimError::InvalidFilter { position: Some(p), message }) => (p, message),
        other => panic!("{text}: expected an invalidFilter error, got {other:?}"),
    }
}

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_USER_SCHEMA],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "Bjensen-Ext",
        "userName": "BJensen@Example.com",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "displayName": "Babs Jensen",
        "title": "Tour Guide",
        "userType": "Employee",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "phoneNumbers": [{"value": "555-555-8377", "type": "work"}],
        ENTERPRISE_USER_SCHEMA: {"employeeNumber": "701984", "costCenter": "4130",
                                 "manager": {"value": "26118915"}},
        "meta": {"resourceType": "User", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff591\""}
    })
}

fn matches(text: &str) -> bool {
    parse(text).matches(&user(), ResourceType::User)
}

// ----- parsing ---------------------------------------------------------------------------------

#[test]
fn parses_every_comparison_operator_case_insensitively() {
    let ops = [
        ("eq", CompareOp::Eq),
        ("NE", CompareOp::Ne),
        ("Co", CompareOp::Co),
        ("sw", CompareOp::Sw),
        ("EW", CompareOp::Ew),
        ("gt", CompareOp::Gt),
        ("Ge", CompareOp::Ge),
        ("lT", CompareOp::Lt),
        ("le", CompareOp::Le),
    ];
    for (keyword, op) in ops {
        assert_eq!(parse(&format!("title {keyword} \"x\"")), attr("title", op, string("x")));
    }
    assert_eq!(parse("title PR"), Filter::Attr(AttrPath::new("title"), AttrTest::Present));
}

#[test]
fn parses_literals() {
    assert_eq!(parse("a eq true"), attr("a", CompareOp::Eq, CompValue::Bool(true)));
    assert_eq!(parse("a eq False"), attr("a", CompareOp::Eq, CompValue::Bool(false)));
    assert_eq!(parse("a eq NULL"), attr("a", CompareOp::Eq, CompValue::Null));
    assert_eq!(parse("a gt 42"), attr("a", CompareOp::Gt, CompValue::Number(42.into())));
    assert_eq!(
        parse("a lt -1.5e3"),
        attr("a", CompareOp::Lt, CompValue::Number(Number::from_f64(-1500.0).unwrap()))
    );
    assert_eq!(
        parse(r#"a eq "q\"b\\s\/ \n\t\u00e9\ud83d\ude00""#),
        attr("a", CompareOp::Eq, string("q\"b\\s/ \n\té😀"))
    );
}

#[test]
fn parses_attribute_paths() {
    assert_eq!(
        parse("name.familyName pr"),
        Filter::Attr(AttrPath::with_sub("name", "familyName"), AttrTest::Present)
    );
    assert_eq!(
        parse("members.$ref pr"),
        Filter::Attr(AttrPath::with_sub("members", "$ref"), AttrTest::Present)
    );
    let Filter::Attr(path, _) = parse(&format!("{ENTERPRISE_USER_SCHEMA}:employeeNumber eq \"1\"")) else {
        panic!()
    };
    assert_eq!(path.urn.as_deref(), Some(ENTERPRISE_USER_SCHEMA));
    assert_eq!(path.name, "employeeNumber");
    let Filter::Attr(path, _) = parse("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName pr") else {
        panic!()
    };
    assert_eq!(path.urn.as_deref(), Some("urn:ietf:params:scim:schemas:core:2.0:User"));
    assert_eq!(path.sub_attr.as_deref(), Some("givenName"));
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let (a, b, c) = (
        || Filter::Attr(AttrPath::new("a"), AttrTest::Present),
        || Filter::Attr(AttrPath::new("b"), AttrTest::Present),
        || Filter::Attr(AttrPath::new("c"), AttrTest::Present),
    );
    assert_eq!(parse("a pr or b pr and c pr"), a().or(b().and(c())));
    assert_eq!(parse("a pr and b pr or c pr"), a().and(b()).or(c()));
    assert_eq!(parse("not (a pr) and b pr"), a().not().and(b()));
    assert_eq!(parse("not(a pr or b pr)"), a().or(b()).not());
    assert_eq!(parse("(a pr or b pr) and c pr"), a().or(b()).and(c()));
    assert_eq!(parse("a pr and b pr and c pr"), a().and(b()).and(c()));
    assert_eq!(parse("a pr or b pr or c pr"), a().or(b()).or(c()));
    assert_eq!(parse("a pr AND (b pr Or c pr)"), a().and(b().or(c())));
    assert_eq!(parse("((a pr))"), a());
}

#[test]
fn parses_value_paths_with_and_without_a_sub_attribute_test() {
    let inner = attr("type", CompareOp::Eq, string("work")).and(attr(
        "primary",
        CompareOp::Eq,
        CompValue::Bool(true),
    ));
    assert_eq!(
        parse(r#"emails[type eq "work" and primary eq true]"#),
        Filter::ValuePath { path: AttrPath::new("emails"), filter: Box::new(inner.clone()), sub: None }
    );
    assert_eq!(
        parse(r#"emails[type eq "work" and primary eq true].value eq "x""#),
        Filter::ValuePath {
            path: AttrPath::new("emails"),
            filter: Box::new(inner),
            sub: Some(("value".into(), AttrTest::Compare(CompareOp::Eq, string("x")))),
        }
    );
}

#[test]
fn keywords_can_be_attribute_names() {
    assert_eq!(parse("not pr"), Filter::Attr(AttrPath::new("not"), AttrTest::Present));
    assert_eq!(
        parse("and eq 1 and or pr"),
        attr("and", CompareOp::Eq, CompValue::Number(1.into()))
            .and(Filter::Attr(AttrPath::new("or"), AttrTest::Present))
    );
}

#[test]
fn errors_say_where_and_what() {
    assert_eq!(error_at(""), (0, "the filter is empty".into()));
    let (at, message) = error_at("userName eq");
    assert_eq!(at, 11);
    assert!(message.contains("expected a value"), "{message}");
    let (at, message) = error_at(r#"userName equals "x""#);
    assert_eq!(at, 9);
    assert!(message.contains("expected an operator"), "{message}");
    let (at, message) = error_at(r#"userName eq "x" xor title pr"#);
    assert_eq!(at, 16);
    assert!(message.contains("'and', 'or'"), "{message}");
    assert_eq!(error_at(r#"userName eq "abc"#).0, 12);
    assert!(error_at(r#"userName eq "abc"#).1.contains("unterminated"));
    assert_eq!(error_at("(title pr").0, 9);
    assert_eq!(error_at(r#"emails[type eq "work""#).0, 21);
    assert!(error_at(r#"emails[type[value pr] pr]"#).1.contains("nested"));
    assert!(error_at("a eq 01").1.contains("not a valid JSON number"));
    assert!(error_at(r#"a eq "\x""#).1.contains("invalid escape"));
    assert!(error_at(r#"a eq "\ud83d""#).1.contains("surrogate"));
    assert!(error_at("a eq bob").1.contains("expected a value"));
    assert!(error_at("a eq 1 and").1.contains("expected an attribute path"));
    assert!(error_at("1abc pr").1.contains("not a valid JSON number"));
    assert!(error_at("a:b pr").1.contains("not a valid attribute path"));
    assert!(error_at("name.given.family pr").1.contains("not a valid attribute path"));
    assert!(error_at("a eq 'x'").1.contains("unexpected character"));
    // Offsets count characters, not bytes.
    assert_eq!(error_at(r#"a eq "é" é"#).0, 9);
}

#[test]
fn nesting_and_size_are_bounded() {
    let deep = format!("{}a pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(Filter::parse(&deep).is_ok());
    let too_deep = format!("{}a pr{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    assert!(error_at(&too_deep).1.contains("nests more than"));
    let hostile = "not (".repeat(100_000);
    assert!(Filter::parse(&hostile).is_err());
    let many = vec!["a pr"; MAX_TERMS].join(" or ");
    assert!(Filter::parse(&many).is_ok());
    let too_many = vec!["a pr"; MAX_TERMS + 1].join(" or ");
    assert!(error_at(&too_many).1.contains("more than"));
}

#[test]
fn display_prints_canonical_filters() {
    let cases = [
        (r#"userName EQ "bjensen""#, r#"userName eq "bjensen""#),
        ("a pr OR b pr AND c pr", "a pr or b pr and c pr"),
        ("(a pr or b pr) and c pr", "(a pr or b pr) and c pr"),
        ("a pr and (b pr and c pr)", "a pr and (b pr and c pr)"),
        ("not(a pr)", "not (a pr)"),
        (r#"emails[type eq "work"].value co "@""#, r#"emails[type eq "work"].value co "@""#),
        (r#"a eq "tab\there""#, r#"a eq "tab\there""#),
    ];
    for (input, printed) in cases {
        assert_eq!(parse(input).to_string(), printed, "{input}");
    }
}

// ----- evaluation ------------------------------------------------------------------------------

#[test]
fn eq_and_ne_compare_strings_case_insensitively_unless_case_exact() {
    assert!(matches(r#"userName eq "bjensen@example.com""#));
    assert!(matches(r#"USERNAME Eq "BJENSEN@EXAMPLE.COM""#));
    assert!(!matches(r#"userName ne "bjensen@example.com""#));
    assert!(matches(r#"userName ne "someone""#));
    // id and externalId are caseExact (RFC 7643 §3.1).
    assert!(matches(r#"externalId eq "Bjensen-Ext""#));
    assert!(!matches(r#"externalId eq "bjensen-ext""#));
    assert!(!matches(r#"id eq "2819C223-7F76-453A-919D-413861904646""#));
}

#[test]
fn co_sw_ew() {
    assert!(matches(r#"userName co "JENSEN""#));
    assert!(matches(r#"userName sw "bj""#));
    assert!(matches(r#"userName ew "@example.com""#));
    assert!(!matches(r#"userName sw "jensen""#));
    assert!(!matches(r#"userName ew "bj""#));
    assert!(!matches(r#"active co "t""#));
}

#[test]
fn gt_ge_lt_le_on_strings_numbers_and_dates() {
    assert!(matches(r#"title gt "Tour""#));
    assert!(matches(r#"title ge "tour guide""#));
    assert!(matches(r#"title lt "zebra""#));
    assert!(matches(r#"title le "Tour Guide""#));
    assert!(!matches(r#"title lt "Tour Guide""#));
    let resource = json!({"score": 10, "ratio": 0.5});
    let on = |text: &str| parse(text).matches(&resource, ResourceType::User);
    assert!(on("score gt 9"));
    assert!(on("score ge 10"));
    assert!(!on("score lt 10"));
    assert!(on("score le 10.0"));
    assert!(on("ratio lt 1"));
    assert!(!on(r#"score gt "9""#));
}

#[test]
fn date_times_compare_as_instants() {
    assert!(matches(r#"meta.lastModified gt "2011-05-13T04:42:33Z""#));
    assert!(!matches(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#));
    // The same instant written with an offset.
    assert!(matches(r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#));
    assert!(matches(r#"meta.lastModified ge "2011-05-13T06:42:34+02:00""#));
    assert!(matches(r#"meta.created lt "2011-01-01T00:00:00""#));
    assert!(matches(r#"meta.lastModified sw "2011-05""#));
}

#[test]
fn pr_needs_a_non_empty_value() {
    assert!(matches("title pr"));
    assert!(matches("emails pr"));
    assert!(matches("name pr"));
    assert!(!matches("nickName pr"));
    let empty = json!({"title": "", "emails": [], "name": {"givenName": null}, "nickName": null});
    for text in ["title pr", "emails pr", "name pr", "nickName pr"] {
        assert!(!parse(text).matches(&empty, ResourceType::User), "{text}");
    }
}

#[test]
fn booleans_and_null() {
    assert!(matches("active eq true"));
    assert!(!matches("active eq false"));
    assert!(matches("active ne false"));
    assert!(matches("nickName eq null"));
    assert!(!matches("title eq null"));
    assert!(matches("title ne null"));
    // ne is the negation of eq: an unassigned attribute is "not equal".
    assert!(matches(r#"nickName ne "Babs""#));
}

#[test]
fn multi_valued_attributes_match_when_any_value_does() {
    assert!(matches(r#"emails.value eq "babs@jensen.org""#));
    assert!(matches(r#"emails co "jensen.org""#));
    assert!(matches(r#"emails.type eq "home""#));
    assert!(!matches(r#"emails.type eq "other""#));
    assert!(!matches(r#"emails.value ne "babs@jensen.org""#));
    assert!(matches(r#"schemas eq "urn:ietf:params:scim:schemas:core:2.0:User""#));
}

#[test]
fn value_paths_match_within_one_element() {
    assert!(matches(r#"emails[type eq "work" and value co "@example.com"]"#));
    // The work address is not the one at jensen.org: both conditions must hold on one element.
    assert!(!matches(r#"emails[type eq "work" and value co "jensen.org"]"#));
    assert!(matches(r#"emails[type eq "work"].value eq "bjensen@example.com""#));
    assert!(!matches(r#"emails[type eq "home"].value eq "bjensen@example.com""#));
    assert!(matches(r#"emails[not (type eq "work")].value ew ".org""#));
    assert!(matches(r#"Emails[TYPE EQ "WORK" and PRIMARY eq true]"#));
    assert!(!matches(r#"phoneNumbers[type eq "mobile"]"#));
}

#[test]
fn logical_operators_evaluate() {
    assert!(matches(r#"title pr and userType eq "Employee""#));
    assert!(!matches(r#"title pr and userType eq "Intern""#));
    assert!(matches(r#"title pr or userType eq "Intern""#));
    assert!(matches(r#"userType eq "Intern" or (title pr and not (nickName pr))"#));
    assert!(!matches(r#"not (userName sw "bj")"#));
}

#[test]
fn extension_attributes_by_qualified_or_bare_name() {
    assert!(matches(&format!("{ENTERPRISE_USER_SCHEMA}:employeeNumber eq \"701984\"")));
    assert!(matches("employeeNumber eq \"701984\""));
    assert!(matches(&format!("{ENTERPRISE_USER_SCHEMA}:manager.value eq \"26118915\"")));
    assert!(!matches(&format!("{ENTERPRISE_USER_SCHEMA}:costCenter eq \"1\"")));
    assert!(matches("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"BJ\""));
}

#[test]
fn validate_refuses_ordering_on_booleans_and_keywords() {
    let invalid = |text: &str| parse(text).validate(ResourceType::User).unwrap_err();
    assert_eq!(invalid("active gt true").scim_type(), Some("invalidFilter"));
    assert!(invalid("emails[primary ge false]").to_string().contains("boolean"));
    assert!(invalid("x509Certificates.value lt \"a\"").to_string().contains("binary"));
    assert!(invalid("title co null").to_string().contains("needs a string or number"));
    assert!(parse("active eq true and title sw \"T\"").validate(ResourceType::User).is_ok());
}

#[test]
fn indexed_lookups() {
    let lookup = |text: &str, rt| parse(text).indexed_lookup(rt);
    let exact = |attribute, value: &str| {
        Some(IndexedLookup { attribute, values: vec![value.to_owned()], exact: true })
    };
    let user = ResourceType::User;
    assert_eq!(lookup(r#"userName eq "Ada""#, user), exact(IndexedAttribute::UserName, "Ada"));
    assert_eq!(lookup(r#"USERNAME EQ "Ada""#, user), exact(IndexedAttribute::UserName, "Ada"));
    assert_eq!(lookup(r#"externalId eq "e1""#, user), exact(IndexedAttribute::ExternalId, "e1"));
    assert_eq!(lookup(r#"id eq "1""#, user), exact(IndexedAttribute::Id, "1"));
    assert_eq!(lookup(r#"emails.value eq "a@b""#, user), exact(IndexedAttribute::Email, "a@b"));
    assert_eq!(
        lookup(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "Ada""#, user),
        exact(IndexedAttribute::UserName, "Ada")
    );
    assert_eq!(
        lookup(r#"emails[type eq "work"].value eq "a@b""#, user),
        Some(IndexedLookup { attribute: IndexedAttribute::Email, values: vec!["a@b".into()], exact: false })
    );
    assert_eq!(
        lookup(r#"userName eq "Ada" and active eq true"#, user),
        Some(IndexedLookup {
            attribute: IndexedAttribute::UserName,
            values: vec!["Ada".into()],
            exact: false
        })
    );
    assert_eq!(
        lookup(r#"id eq "1" or id eq "2" or id eq "3""#, user),
        Some(IndexedLookup {
            attribute: IndexedAttribute::Id,
            values: vec!["1".into(), "2".into(), "3".into()],
            exact: true
        })
    );
    assert_eq!(
        lookup(r#"displayName eq "Admins""#, ResourceType::Group),
        exact(IndexedAttribute::DisplayName, "Admins")
    );
    for not_indexed in [
        r#"userName ne "Ada""#,
        r#"userName co "Ada""#,
        "userName pr",
        r#"displayName eq "Ada""#,
        r#"id eq "1" or userName eq "x""#,
        r#"not (userName eq "Ada")"#,
        "userName eq 1",
        r#"employeeNumber eq "1""#,
    ] {
        assert_eq!(lookup(not_indexed, user), None, "{not_indexed}");
    }
    assert!(IndexedAttribute::Id.case_exact() && !IndexedAttribute::UserName.case_exact());
}

/// Filters Entra ID and Okta send while provisioning (from their SCIM documentation), with
/// whether each matches the sample user.
#[test]
fn real_world_filters() {
    let table = [
        // Entra ID: match an existing user before create, by userName, then by work email.
        (r#"userName eq "bjensen@example.com""#, true),
        (r#"emails[type eq "work"].value eq "bjensen@example.com""#, true),
        (r#"externalId eq "Bjensen-Ext""#, true),
        // Entra ID's validator lists by a generated name that must not match.
        (r#"userName eq "ryan3""#, false),
        // Okta: import and pre-create lookup.
        (r#"userName eq "BJENSEN@example.com""#, true),
        (r#"userName sw "bjensen""#, true),
        // RFC 7644 §3.4.2.2 examples.
        (r#"name.familyName co "O'Malley""#, false),
        (r#"title pr and userType eq "Employee""#, true),
        (r#"title pr or userType eq "Intern""#, true),
        (r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#, true),
        (
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            false,
        ),
        (r#"userType eq "Employee" and (emails.type eq "work")"#, true),
        (r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#, true),
        (
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            true,
        ),
        (r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false),
        (r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
        (r#"meta.lastModified lt "2011-05-13T04:42:34Z""#, false),
        (r#"meta.lastModified le "2011-05-13T04:42:34Z""#, true),
    ];
    for (text, expected) in table {
        assert_eq!(matches(text), expected, "{text}");
        assert!(parse(text).validate(ResourceType::User).is_ok(), "{text}");
    }
    let group =
        json!({"id": "g1", "displayName": "Engineering", "members": [{"value": "u1"}, {"value": "u2"}]});
    let on_group = |text: &str| parse(text).matches(&group, ResourceType::Group);
    // Entra ID: find a group by name; Okta: check a member is in a group.
    assert!(on_group(r#"displayName eq "engineering""#));
    assert!(on_group(r#"members[value eq "u2"]"#));
    assert!(on_group(r#"id eq "g1" and members[value eq "u1"]"#));
    assert!(!on_group(r#"members[value eq "u3"]"#));
}

// ----- properties ------------------------------------------------------------------------------

fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("userName".to_owned()),
        Just("emails".to_owned()),
        Just("not".to_owned()),
        Just("and".to_owned()),
        Just("pr".to_owned()),
        Just("$ref".to_owned()),
        "[a-zA-Z][a-zA-Z0-9_-]{0,8}",
    ]
}

fn arb_path() -> impl Strategy<Value = AttrPath> {
    (
        prop_oneof![
            3 => Just(None),
            1 => Just(Some(ENTERPRISE_USER_SCHEMA.to_owned())),
            1 => Just(Some("urn:ietf:params:scim:schemas:core:2.0:User".to_owned())),
        ],
        arb_name(),
        proptest::option::of(arb_name()),
    )
        .prop_map(|(urn, name, sub_attr)| AttrPath { urn, name, sub_attr })
}

fn arb_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        any::<f64>().prop_filter_map("finite", Number::from_f64).prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
    ]
}

fn arb_test() -> impl Strategy<Value = AttrTest> {
    let op = prop_oneof![
        Just(CompareOp::Eq),
        Just(CompareOp::Ne),
        Just(CompareOp::Co),
        Just(CompareOp::Sw),
        Just(CompareOp::Ew),
        Just(CompareOp::Gt),
        Just(CompareOp::Ge),
        Just(CompareOp::Lt),
        Just(CompareOp::Le),
    ];
    prop_oneof![
        1 => Just(AttrTest::Present),
        4 => (op, arb_value()).prop_map(|(op, v)| AttrTest::Compare(op, v)),
    ]
}

/// Filters without value paths (what may appear inside `[...]`).
fn arb_plain_filter() -> impl Strategy<Value = Filter> {
    let leaf = (arb_path(), arb_test()).prop_map(|(p, t)| Filter::Attr(p, t));
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::not),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| l.and(r)),
            (inner.clone(), inner).prop_map(|(l, r)| l.or(r)),
        ]
    })
}

fn arb_filter() -> impl Strategy<Value = Filter> {
    let value_path = (
        arb_path().prop_map(|p| AttrPath { sub_attr: None, ..p }),
        arb_plain_filter(),
        proptest::option::of((arb_name(), arb_test())),
    )
        .prop_map(|(path, filter, sub)| Filter::ValuePath { path, filter: Box::new(filter), sub });
    let leaf = prop_oneof![
        3 => (arb_path(), arb_test()).prop_map(|(p, t)| Filter::Attr(p, t)),
        1 => value_path,
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::not),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| l.and(r)),
            (inner.clone(), inner).prop_map(|(l, r)| l.or(r)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn printing_and_reparsing_gives_the_same_filter(filter in arb_filter()) {
        let printed = filter.to_string();
        let reparsed = Filter::parse(&printed);
        prop_assert_eq!(reparsed.as_ref(), Ok(&filter), "printed: {}", printed);
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Filter::parse(&text);
        let _ = AttrPath::parse(&text);
    }

    #[test]
    fn the_parser_never_panics_on_filter_shaped_text(
        text in r#"[a-z.:\[\]() "\\0-9eE+-]{0,60}"#,
    ) {
        if let Ok(filter) = Filter::parse(&text) {
            let _ = filter.validate(ResourceType::User);
            let _ = filter.matches(&user(), ResourceType::User);
            let _ = filter.indexed_lookup(ResourceType::User);
        }
    }

    #[test]
    fn errors_point_inside_the_input(text in any::<String>()) {
        if let Err(ScimError::InvalidFilter { position: Some(p), .. }) = Filter::parse(&text) {
            prop_assert!(p <= text.chars().count());
        }
    }

    #[test]
    fn evaluation_never_panics_and_not_negates(filter in arb_filter()) {
        let resource = user();
        let positive = filter.matches(&resource, ResourceType::User);
        prop_assert_eq!(filter.clone().not().matches(&resource, ResourceType::User), !positive);
    }
}
