use super::*;
use proptest::prelude::*;
use serde_json::json;

fn policy(id: &str, effect: Effect, actions: &[&str], conditions: Value, priority: i32) -> Policy {
    Policy {
        id: id.into(),
        name: format!("policy {id}"),
        effect,
        actions: actions.iter().map(|s| s.to_string()).collect(),
        resources: vec!["*".into()],
        conditions: serde_json::from_value(conditions).unwrap(),
        priority,
    }
}

fn request(action: &str, context: Value) -> Request {
    Request {
        subject: json!({"id": "u1", "roles": ["admin"], "organization_id": "o1", "role": "admin"}),
        action: action.into(),
        resource: "organization:o1".into(),
        resource_attributes: json!({"organization_id": "o1"}),
        context,
    }
}

#[test]
fn globs() {
    assert!(glob("*", ""));
    assert!(glob("org:*", "org:read"));
    assert!(glob("*:read", "users:read"));
    assert!(!glob("org:*", "users:read"));
    assert!(glob("a*b*c", "aXXbYYc"));
    assert!(!glob("a*b*c", "aXXbYY"));
    assert!(glob("users:read", "users:read"));
}

#[test]
fn conditions_on_ip_mfa_time_and_attributes() {
    let p = policy(
        "p",
        Effect::Allow,
        &["org:*"],
        json!({
            "context.ip": {"ip_in": ["10.0.0.0/8", "2001:db8::/32"]},
            "context.mfa": {"equals": true},
            "context.time": {"time_between": ["09:00", "17:00"]},
            "subject.roles": {"contains": "admin"},
            "resource.organization_id": {"equals_attribute": "subject.organization_id"}
        }),
        0,
    );
    p.validate().unwrap();
    let ok = json!({"ip": "10.1.2.3", "mfa": true, "time": "2026-11-24T10:00:00Z"});
    assert_eq!(p.evaluate(&request("org:update", ok.clone())).decision, Effect::Allow);
    for (key, bad) in
        [("ip", json!("192.168.1.1")), ("mfa", json!(false)), ("time", json!("2026-11-24T18:00:00Z"))]
    {
        let mut ctx = ok.clone();
        ctx[key] = bad;
        let d = p.evaluate(&request("org:update", ctx));
        assert_eq!(d.decision, Effect::Deny);
        assert!(d.policy_id.is_none());
        assert!(d.reason.contains(&format!("context.{key}")), "{}", d.reason);
    }
    let d = p.evaluate(&request("users:delete", ok));
    assert!(d.reason.contains("action"), "{}", d.reason);
}

#[test]
fn validation_names_the_problem() {
    let bad_net = policy("p", Effect::Allow, &["*"], json!({"context.ip": {"ip_in": ["10.0.0.0/33"]}}), 0);
    assert!(bad_net.validate().is_err());
    let bad_path = policy("p", Effect::Allow, &["*"], json!({"secret.x": {"equals": 1}}), 0);
    assert!(bad_path.validate().is_err());
    let no_actions = policy("p", Effect::Allow, &[], json!({}), 0);
    assert!(no_actions.validate().is_err());
    assert!(serde_json::from_value::<BTreeMap<String, Test>>(json!({"a.b": {"frobnicate": 1}})).is_err());
}

#[test]
fn time_windows_wrap_past_midnight_and_weekdays_count() {
    let night =
        policy("n", Effect::Deny, &["*"], json!({"context.time": {"time_between": ["22:00", "06:00"]}}), 0);
    assert_eq!(night.evaluate(&request("x", json!({"time": "2026-11-24T23:30:00Z"}))).decision, Effect::Deny);
    assert!(night.evaluate(&request("x", json!({"time": "2026-11-24T23:30:00Z"}))).policy_id.is_some());
    assert!(night.evaluate(&request("x", json!({"time": "2026-11-24T12:00:00Z"}))).policy_id.is_none());
    // 2026-11-24 is a Tuesday.
    let weekdays =
        policy("w", Effect::Allow, &["*"], json!({"context.time": {"weekday_in": ["mon", "tue"]}}), 0);
    assert_eq!(
        weekdays.evaluate(&request("x", json!({"time": "2026-11-24T12:00:00Z"}))).decision,
        Effect::Allow
    );
    assert_eq!(
        weekdays.evaluate(&request("x", json!({"time": "2026-11-28T12:00:00Z"}))).decision,
        Effect::Deny
    );
}

#[test]
fn deny_wins_and_priority_picks_the_allow() {
    let low = policy("low", Effect::Allow, &["*"], json!({}), 1);
    let high = policy("high", Effect::Allow, &["*"], json!({}), 10);
    let deny = policy("deny", Effect::Deny, &["org:delete"], json!({}), -5);
    let d = evaluate(&[low.clone(), high.clone()], &request("org:read", json!({})));
    assert_eq!((d.decision, d.policy_id.as_deref()), (Effect::Allow, Some("high")));
    let d = evaluate(&[low, high, deny], &request("org:delete", json!({})));
    assert_eq!((d.decision, d.policy_id.as_deref()), (Effect::Deny, Some("deny")));
    let d = evaluate(&[], &request("org:read", json!({})));
    assert_eq!((d.decision, d.policy_id), (Effect::Deny, None));
}

fn arb_policy() -> impl Strategy<Value = Policy> {
    (
        "[a-z]{1,6}",
        prop::bool::ANY,
        prop::sample::subsequence(vec!["org:read", "org:update", "org:*", "*", "users:read"], 1..3),
        prop::option::of(prop::bool::ANY),
        -5i32..5,
    )
        .prop_map(|(id, deny, actions, mfa, priority)| {
            let conditions = match mfa {
                Some(m) => json!({"context.mfa": {"equals": m}}),
                None => json!({}),
            };
            policy(&id, if deny { Effect::Deny } else { Effect::Allow }, &actions, conditions, priority)
        })
}

fn arb_request() -> impl Strategy<Value = Request> {
    (prop::sample::select(vec!["org:read", "org:update", "users:read", "billing:pay"]), prop::bool::ANY)
        .prop_map(|(action, mfa)| request(action, json!({ "mfa": mfa })))
}

proptest! {
    #[test]
    fn an_applicable_deny_always_decides(policies in prop::collection::vec(arb_policy(), 0..8), req in arb_request()) {
        let d = evaluate(&policies, &req);
        let any_deny = policies.iter().any(|p| p.effect == Effect::Deny && p.applies(&req).is_ok());
        let any_allow = policies.iter().any(|p| p.effect == Effect::Allow && p.applies(&req).is_ok());
        if any_deny {
            prop_assert_eq!(d.decision, Effect::Deny);
            let id = d.policy_id.clone().unwrap();
            prop_assert!(policies.iter().any(|p| p.id == id && p.effect == Effect::Deny));
        } else if any_allow {
            prop_assert_eq!(d.decision, Effect::Allow);
        } else {
            prop_assert_eq!(d.decision, Effect::Deny);
            prop_assert!(d.policy_id.is_none());
        }
    }

    #[test]
    fn order_does_not_matter(mut policies in prop::collection::vec(arb_policy(), 0..8), req in arb_request(), seed in any::<u64>()) {
        let before = evaluate(&policies, &req);
        // A deterministic shuffle.
        let n = policies.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize;
            policies.swap(i, j);
        }
        prop_assert_eq!(before, evaluate(&policies, &req));
    }

    #[test]
    fn adding_an_allow_never_lifts_a_deny(policies in prop::collection::vec(arb_policy(), 0..8), extra in arb_policy(), req in arb_request()) {
        let before = evaluate(&policies, &req);
        let mut more = policies.clone();
        let mut allow = extra;
        allow.effect = Effect::Allow;
        more.push(allow);
        let after = evaluate(&more, &req);
        if before.decision == Effect::Deny && before.policy_id.is_some() {
            prop_assert_eq!(after.decision, Effect::Deny);
        }
    }

    #[test]
    fn a_star_pattern_matches_everything(s in "[ -~]{0,40}") {
        prop_assert!(glob("*", &s));
        prop_assert!(glob(&s.replace('*', ""), &s.replace('*', "")));
    }
}
