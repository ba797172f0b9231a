//! Policy evaluations per second, in process: one policy with five conditions, and a set of
//! 50 policies (deny wins) for the same request.

use criterion::{Criterion, criterion_group, criterion_main};
use janua_authz::{Effect, Policy, Request, evaluate};
use serde_json::json;
use std::hint::black_box;

fn policy(i: usize, effect: Effect) -> Policy {
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
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let req = Request {
        subject: json!({"id": "u1", "roles": ["member", "admin"], "organization_id": "o1"}),
        action: "org:update".into(),
        resource: "organization:o1".into(),
        resource_attributes: json!({"organization_id": "o1"}),
        context: json!({"ip": "10.20.30.40", "mfa": true, "time": "2026-11-24T10:00:00Z"}),
    };
    let one = policy(0, Effect::Allow);
    c.bench_function("policy: evaluate one (5 conditions)", |b| {
        b.iter(|| black_box(one.evaluate(black_box(&req))))
    });
    let set: Vec<Policy> =
        (0..50).map(|i| policy(i, if i == 49 { Effect::Deny } else { Effect::Allow })).collect();
    c.bench_function("policy: evaluate a set of 50 (deny wins)", |b| {
        b.iter(|| black_box(evaluate(black_box(&set), black_box(&req))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
