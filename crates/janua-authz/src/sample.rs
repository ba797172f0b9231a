//! The workload the policy benchmarks measure (criterion's `benches/evaluate.rs` and
//! `make bench`), written once so both measure the same thing: a policy with five conditions,
//! a set of 50 of them where the last denies, and one request they all match.

use crate::{Effect, Policy, Request};
use serde_json::json;

/// Policy number `i`: five conditions, all met by [`request`].
pub fn policy(i: usize, effect: Effect) -> Policy {
    serde_json::from_value(json!({
        "id": format!("p{i}"),
        "name": format!("policy {i}"),
        "effect": effect,
        "actions": [format!("svc{}:*", i % 7), "org:*"],
        "resources": ["organization:*"],
        "conditions": {
            "context.ip": {"ip_in": ["10.0.0.0/8", "192.168.0.0/16"]},
            "context.mfa": {"equals": true},
            "context.time": {"time_between": ["08:00", "20:00"]},
            "subject.roles": {"contains": "admin"},
            "resource.organization_id": {"equals_attribute": "subject.organization_id"}
        },
        "priority": (i % 5) as i32
    }))
    .expect("the sample policy is valid")
}

/// 50 policies; the last one denies, so the set's decision is deny.
pub fn set_of_fifty() -> Vec<Policy> {
    (0..50).map(|i| policy(i, if i == 49 { Effect::Deny } else { Effect::Allow })).collect()
}

/// A request every sample policy matches.
pub fn request() -> Request {
    Request {
        subject: json!({"id": "u1", "roles": ["member", "admin"], "organization_id": "o1"}),
        action: "org:update".into(),
        resource: "organization:o1".into(),
        resource_attributes: json!({"organization_id": "o1"}),
        context: json!({"ip": "10.20.30.40", "mfa": true, "time": "2026-11-24T10:00:00Z"}),
    }
}
