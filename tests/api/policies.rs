//! Policies through the gateway: who may manage which, and evaluation with explanations.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

use janua_testkit::PASSWORD;

fn office_hours_rule() -> Value {
    json!({
        "name": "Org admins from the office, with MFA",
        "effect": "allow",
        "actions": ["org:*"],
        "resources": ["organization:*"],
        "conditions": {
            "subject.role": {"in": ["owner", "admin"]},
            "context.ip": {"ip_in": ["10.0.0.0/8"]},
            "context.mfa": {"equals": true}
        },
        "priority": 10
    })
}

#[tokio::test]
async fn platform_policies_are_for_platform_admins_and_evaluate_with_a_reason() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let user = app.signup("ada@example.com", PASSWORD).await;
    let user_token = user["access_token"].as_str();

    let refused = app.post("/api/policies", &office_hours_rule(), user_token).await;
    refused.expect_error(403, "FORBIDDEN").await;
    let policy = app.post("/api/policies", &office_hours_rule(), Some(&admin)).await.expect_status(201).await;
    assert_eq!(policy["organization_id"], Value::Null);
    let id = policy["id"].as_str().unwrap();

    let ask = |ip: &str, mfa: bool| {
        json!({
            "subject": {"id": "u1", "role": "admin"},
            "action": "org:update",
            "resource": "organization:o1",
            "context": {"ip": ip, "mfa": mfa}
        })
    };
    let allowed = json(
        app.post(&format!("/api/v1/policies/{id}/evaluate"), &ask("10.1.2.3", true), Some(&admin)).await,
    )
    .await;
    assert_eq!(allowed["decision"], "allow");
    assert_eq!(allowed["policy_id"], id);
    let denied = json(
        app.post(&format!("/api/policies/{id}/evaluate"), &ask("203.0.113.9", true), Some(&admin)).await,
    )
    .await;
    assert_eq!(denied["decision"], "deny");
    assert_eq!(denied["policy_id"], Value::Null);
    let reason = denied["reason"].as_str().unwrap();
    assert!(reason.contains("context.ip") && reason.contains("203.0.113.9"), "{reason}");

    // Others do not see it at all.
    app.get(&format!("/api/policies/{id}"), user_token).await.expect_error(404, "NOT_FOUND").await;
    assert!(json(app.get("/api/policies", user_token).await).await["data"].as_array().unwrap().is_empty());
    assert_eq!(
        json(app.get("/api/v1/policies", Some(&admin)).await).await["data"].as_array().unwrap().len(),
        1
    );

    // Update and delete, with events.
    let mut changed = office_hours_rule();
    changed["effect"] = json!("deny");
    let updated = app.put(&format!("/api/v1/policies/{id}"), &changed, Some(&admin)).await;
    assert_eq!(json(updated).await["effect"], "deny");
    let deleted = app.delete(&format!("/api/v1/policies/{id}"), Some(&admin)).await;
    assert_eq!(deleted.status(), 204);
    app.outbox_events("org").await.assert_has_all(&["policy.created", "policy.updated", "policy.deleted"]);
}

#[tokio::test]
async fn organization_policies_belong_to_their_admins_and_bad_rules_are_refused() {
    let app = TestStack::spawn().await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let (ada_t, bob_t) = (Some(ada.token.as_str()), Some(bob.token.as_str()));
    let org_id = app.create_org_id(&ada.token, "Acme").await;
    let mut rule = office_hours_rule();
    rule["organization_id"] = json!(org_id);

    // Bob is not a member: the organization does not exist for him.
    app.post("/api/v1/policies", &rule, bob_t).await.expect_error(404, "NOT_FOUND").await;
    let created = app.post("/api/v1/policies", &rule, ada_t).await;
    assert_eq!(created.status(), 201);
    let id = json(created).await["id"].as_str().unwrap().to_string();
    app.get(&format!("/api/v1/policies/{id}"), bob_t).await.expect_error(404, "NOT_FOUND").await;
    let eval = app
        .post(
            &format!("/api/v1/policies/{id}/evaluate"),
            &json!({"action": "org:read", "resource": "organization:x"}),
            bob_t,
        )
        .await;
    eval.expect_error(404, "NOT_FOUND").await;
    // As a plain member Bob still cannot manage it.
    app.add_member(&ada.token, &org_id, &bob.id, "member").await;
    app.get(&format!("/api/v1/policies/{id}"), bob_t).await.expect_error(404, "NOT_FOUND").await;
    assert_eq!(json(app.get("/api/v1/policies", ada_t).await).await["data"].as_array().unwrap().len(), 1);

    for (field, bad) in [
        ("effect", json!({"effect": "maybe"})),
        ("conditions", json!({"conditions": {"context.ip": {"ip_in": ["10.0.0.0/99"]}}})),
        ("conditions", json!({"conditions": {"password": {"equals": "x"}}})),
        ("conditions", json!({"conditions": {"context.ip": {"sounds_like": "x"}}})),
        ("actions", json!({"actions": []})),
    ] {
        let mut body = office_hours_rule();
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        body["organization_id"] = json!(org_id);
        let resp = app.post("/api/v1/policies", &body, ada_t).await;
        let err = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(err["error"]["details"]["field"], field, "{bad}");
    }
}
