//! The Compliance router through the gateway: frameworks and controls judged against live
//! state, for the platform (platform admins) and for one organization (its owners and admins),
//! with evidence that follows the system as it changes.

use crate::json;
use janua_testkit::webhook_receiver::WebhookReceiver;
use janua_testkit::{ADMIN_PASSWORD, ExpectStatus, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// The controls the holder of `token` reads with `query`.
async fn controls(app: &TestStack, token: &str, query: &str) -> Vec<Value> {
    let resp = app.get(&format!("/api/v1/compliance/controls{query}"), Some(token)).await;
    assert_eq!(resp.status(), 200, "reading controls {query}");
    json(resp).await["data"].as_array().expect("a list of controls").clone()
}

/// One control, by id, as the holder of `token` reads it with `query`.
async fn control(app: &TestStack, token: &str, query: &str, id: &str) -> Value {
    controls(app, token, query)
        .await
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id}"))
}

#[tokio::test]
async fn frameworks_and_controls_are_for_platform_admins_and_an_organizations_owners_and_admins() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [owner, member, stranger] =
        app.people(["owner@example.com", "member@example.com", "x@example.com"]).await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    app.add_member(&owner.token, &org, &member.id, "member").await;

    let frameworks = json(app.get("/api/v1/compliance/frameworks", Some(&admin)).await).await;
    let ids: Vec<&str> =
        frameworks["data"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["soc2", "iso27001", "gdpr", "hipaa"]);
    let all = controls(&app, &admin, "").await;
    for f in frameworks["data"].as_array().unwrap() {
        let n = all.iter().filter(|c| c["framework"] == f["id"]).count();
        assert!(n > 0 && f["controls"] == n, "{f}");
        assert!(f["name"].is_string() && f["version"].is_string(), "{f}");
    }
    for c in &all {
        for field in ["id", "framework", "reference", "title", "description", "evidenced_by", "checked_at"] {
            assert!(c[field].is_string(), "{field} of {c}");
        }
        assert!(
            ["passing", "failing", "not_applicable", "manual"].contains(&c["status"].as_str().unwrap()),
            "{c}"
        );
        assert!(c["evidence"].is_object(), "{c}");
    }

    let in_org = format!("?organization_id={org}");
    for path in ["/api/v1/compliance/frameworks", "/api/v1/compliance/controls"] {
        app.get(path, None).await.expect_error(401, "UNAUTHORIZED").await;
        app.get(path, Some(&owner.token)).await.expect_error(403, "FORBIDDEN").await;
        app.get(&format!("{path}{in_org}"), Some(&owner.token)).await.expect_status(200).await;
        app.get(&format!("{path}{in_org}"), Some(&member.token)).await.expect_error(403, "FORBIDDEN").await;
        app.get(&format!("{path}{in_org}"), Some(&stranger.token)).await.expect_error(404, "NOT_FOUND").await;
        app.get(&format!("{path}{in_org}"), Some(&admin)).await.expect_status(200).await;
    }
    let unknown = format!("/api/v1/compliance/controls?organization_id={}", uuid::Uuid::now_v7());
    app.get(&unknown, Some(&admin)).await.expect_error(404, "NOT_FOUND").await;
    let body = json!({ "framework": "soc2", "organization_id": uuid::Uuid::now_v7() });
    app.post("/api/v1/compliance/reports", &body, Some(&admin)).await.expect_error(404, "NOT_FOUND").await;
}

#[tokio::test]
async fn a_privileged_access_control_flips_when_an_admin_turns_a_second_factor_on_and_off() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let privileged_access = || async { control(&app, &admin, "?framework=iso27001", "iso27001-8.2").await };
    // The admin's platform role reaches auth with identity's events.
    let before = eventually("the admin counted as privileged", WAIT, || async {
        let c = privileged_access().await;
        (c["evidence"]["privileged_mfa"]["privileged_users"] == 1).then_some(c)
    })
    .await;
    assert_eq!(before["status"], "failing", "{before}");
    assert_eq!(before["evidence"]["privileged_mfa"]["without_second_factor"], 1, "{before}");

    app.enable_totp(&admin).await;
    let after = privileged_access().await;
    assert_eq!(after["status"], "passing", "{after}");
    assert_eq!(after["evidence"]["privileged_mfa"]["without_second_factor"], 0, "{after}");
    assert_eq!(after["checks"][0]["check"], "privileged_mfa", "{after}");

    app.send(
        reqwest::Method::DELETE,
        "/api/v1/mfa/totp/disable",
        Some(&json!({ "password": ADMIN_PASSWORD })),
        Some(&admin),
    )
    .await
    .expect_status(204)
    .await;
    assert_eq!(privileged_access().await["status"], "failing");
}

#[tokio::test]
async fn an_organizations_controls_judge_its_own_people_and_endpoints() {
    let app = TestStack::spawn().await;
    let [owner, admin, other_owner] =
        app.people(["owner@example.com", "admin@example.com", "other@example.com"]).await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    let other = app.create_org_id(&other_owner.token, "Other").await;
    app.add_member(&owner.token, &org, &admin.id, "admin").await;
    let in_org = format!("?organization_id={org}");

    let access = control(&app, &owner.token, &in_org, "soc2-cc6.1").await;
    assert_eq!(access["status"], "failing", "{access}");
    let mfa = &access["evidence"]["privileged_mfa"];
    assert_eq!(mfa["privileged_users"], 2, "{access}");
    assert_eq!(mfa["without_second_factor"], 2, "{access}");
    app.enable_totp(&owner.token).await;
    app.enable_totp(&admin.token).await;
    let access = control(&app, &owner.token, &in_org, "soc2-cc6.1").await;
    assert_eq!(access["evidence"]["privileged_mfa"]["without_second_factor"], 0, "{access}");
    // The other organization's owner still has no second factor, and counts only there.
    let elsewhere =
        control(&app, &other_owner.token, &format!("?organization_id={other}"), "iso27001-8.2").await;
    assert_eq!(elsewhere["status"], "failing", "{elsewhere}");
    assert_eq!(elsewhere["evidence"]["privileged_mfa"]["privileged_users"], 1, "{elsewhere}");

    let transmission = control(&app, &owner.token, &in_org, "hipaa-164.312e").await;
    assert_eq!(transmission["evidence"]["webhooks_https"]["enabled_endpoints"], 0, "{transmission}");
    let receiver = WebhookReceiver::start().await;
    let body = json!({ "url": receiver.url(), "events": ["user.*"], "organization_id": org });
    app.post("/api/v1/webhooks", &body, Some(&owner.token)).await.expect_status(201).await;
    let transmission = control(&app, &owner.token, &in_org, "hipaa-164.312e").await;
    assert_eq!(transmission["status"], "failing", "{transmission}");
    assert_eq!(transmission["evidence"]["webhooks_https"]["plain_http"], 1, "{transmission}");
    let elsewhere =
        control(&app, &other_owner.token, &format!("?organization_id={other}"), "hipaa-164.312e").await;
    assert_eq!(elsewhere["evidence"]["webhooks_https"]["enabled_endpoints"], 0, "{elsewhere}");
}

#[tokio::test]
async fn dormant_accounts_and_suspended_users_with_sessions_are_surfaced() {
    use diesel_async::RunQueryDsl;
    let app = TestStack::spawn().await;
    let [owner, idle] = app.people(["owner@example.com", "idle@example.com"]).await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    app.add_member(&owner.token, &org, &idle.id, "member").await;
    let in_org = format!("?organization_id={org}");
    let review = || async { control(&app, &owner.token, &in_org, "soc2-cc6.2").await };
    let now = eventually("both members known to auth", WAIT, || async {
        let c = review().await;
        (c["evidence"]["dormant_accounts"]["active_accounts"] == 2).then_some(c)
    })
    .await;
    assert_eq!(now["status"], "passing", "{now}");

    // The member joined long ago and has not signed in for a year.
    let mut auth = app.db("auth").await;
    for sql in [
        "UPDATE user_profiles SET profile = jsonb_set(profile, '{created_at}', '\"2020-01-01T00:00:00Z\"') WHERE id = $1",
        "UPDATE sessions SET created_at = now() - interval '365 days' WHERE user_id = $1",
    ] {
        let id: uuid::Uuid = idle.id.parse().unwrap();
        diesel::sql_query(sql).bind::<diesel::sql_types::Uuid, _>(id).execute(&mut auth).await.unwrap();
    }
    let c = review().await;
    assert_eq!(c["status"], "failing", "{c}");
    assert_eq!(c["evidence"]["dormant_accounts"]["dormant_accounts"], 1, "{c}");
    assert_eq!(c["evidence"]["suspended_sessions"]["suspended_users_with_live_sessions"], 0, "{c}");

    // A suspended user whose session outlived the suspension (as if auth had missed it).
    diesel::sql_query(format!(
        "UPDATE user_profiles SET profile = jsonb_set(profile, '{{status}}', '\"suspended\"') WHERE id = '{}'",
        idle.id
    ))
    .execute(&mut auth)
    .await
    .unwrap();
    let c = review().await;
    assert_eq!(c["evidence"]["suspended_sessions"]["suspended_users_with_live_sessions"], 1, "{c}");
    assert_eq!(c["evidence"]["dormant_accounts"]["active_accounts"], 1, "{c}");
}

#[tokio::test]
async fn controls_filter_by_framework_and_status_and_report_the_settings_in_force() {
    let (app, admin) = TestStack::spawn_with_admin(|s| s.tokens.access_ttl_secs = 7200).await;
    let gdpr = controls(&app, &admin, "?framework=gdpr").await;
    assert!(!gdpr.is_empty() && gdpr.iter().all(|c| c["framework"] == "gdpr"));
    for status in ["passing", "failing", "manual", "not_applicable"] {
        let only = controls(&app, &admin, &format!("?status={status}")).await;
        assert!(only.iter().all(|c| c["status"] == status), "{status}");
    }
    let manual = controls(&app, &admin, "?status=manual").await;
    assert!(manual.iter().all(|c| c["checks"].as_array().unwrap().is_empty()));
    assert!(controls(&app, &admin, "?status=not_applicable").await.iter().any(|c| c["id"] == "soc2-cc6.4"));

    // Tests run with small argon2 parameters, a two-hour token and the development key.
    let c = control(&app, &admin, "?framework=iso27001", "iso27001-8.24").await;
    assert_eq!(c["status"], "failing", "{c}");
    let hashing = &c["evidence"]["password_hashing"];
    assert_eq!(hashing["in_force"]["algorithm"], "argon2id", "{c}");
    assert!(hashing["owasp_minimums"].as_array().is_some_and(|m| !m.is_empty()), "{c}");
    assert_eq!(c["evidence"]["secrets_sealed"]["key_is_development_default"], true, "{c}");
    assert!(c["evidence"]["signing_key_rotation"]["kid"].is_string(), "{c}");
    let c = control(&app, &admin, "?framework=iso27001", "iso27001-8.5").await;
    assert_eq!(c["evidence"]["token_lifetimes"]["access_ttl_secs"], 7200, "{c}");
    let c = control(&app, &admin, "?framework=iso27001", "iso27001-8.15").await;
    assert_eq!(c["status"], "passing", "{c}");
    assert_eq!(c["evidence"]["audit_chain"]["valid"], true, "{c}");

    app.get("/api/v1/compliance/controls?framework=pci", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.get("/api/v1/compliance/controls?status=green", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.get("/api/v1/compliance/controls?colour=red", Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
}

/// Verifies `jws` against the stack's published keys with an independent JOSE library (npm's
/// `jose`, under node); answers the signed payload.
async fn verify_with_jose(app: &TestStack, jws: &str) -> Value {
    use tokio::io::AsyncWriteExt;
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tools/oidc-provider");
    let node = std::env::var("JANUA_TEST_NODE").unwrap_or_else(|_| "node".into());
    let mut child = tokio::process::Command::new(node)
        .arg(dir.join("verify-jws.mjs"))
        .arg(app.url("/.well-known/jwks.json"))
        .arg("janua-compliance-report+jws")
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    child.stdin.take().unwrap().write_all(jws.as_bytes()).await.unwrap();
    let out = tokio::time::timeout(WAIT, child.wait_with_output()).await.expect("jose answers").unwrap();
    assert!(out.status.success(), "jose refused the report: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the signed report is JSON")
}

/// Requests a report as the holder of `token` and waits until it is generated.
async fn generated_report(app: &TestStack, token: &str, body: Value) -> Value {
    let resp = app.post("/api/v1/compliance/reports", &body, Some(token)).await;
    assert_eq!(resp.status(), 202, "requesting a report");
    let accepted = json(resp).await;
    assert_eq!(accepted["status"], "pending");
    let id = accepted["id"].as_str().unwrap().to_string();
    eventually("the report generated", WAIT, || async {
        let report = json(app.get(&format!("/api/v1/compliance/reports/{id}"), Some(token)).await).await;
        (report["status"] == "completed").then_some(report)
    })
    .await
}

#[tokio::test]
async fn a_signed_report_verifies_with_an_independent_library_and_downloads_as_json_and_csv() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let report = generated_report(&app, &admin, json!({ "framework": "soc2" })).await;
    let id = report["id"].as_str().unwrap();
    let jws = report["jws"].as_str().expect("a JWS");
    let signed = verify_with_jose(&app, jws).await;
    assert_eq!(signed["id"], id);
    assert_eq!(signed["framework"], "soc2");
    let listed = controls(&app, &admin, "?framework=soc2").await;
    let controls = signed["controls"].as_array().unwrap();
    assert_eq!(controls.len(), listed.len());
    assert!(controls.iter().all(|c| c["status"].is_string() && c["evidence"].is_object()));
    assert!(signed["audit_chain_head"]["seq"].as_i64().is_some_and(|s| s >= 0), "{signed}");
    assert_eq!(signed["audit_chain_head"], report["audit_chain_head"]);
    let total: u64 = signed["summary"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total as usize, controls.len());
    // A signed report is never an access token.
    app.get("/api/v1/auth/me", Some(jws)).await.expect_error(401, "UNAUTHORIZED").await;

    let path = format!("/api/v1/compliance/reports/{id}/download");
    let resp = app.get(&path, Some(&admin)).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains(".json"));
    assert_eq!(json(resp).await, signed, "the download is the signed document");
    let resp = app.get(&format!("{path}?format=csv"), Some(&admin)).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert!(csv.starts_with("control,framework,reference,title,status,checked_at,evidence"), "{csv}");
    assert_eq!(csv.lines().count(), controls.len() + 1, "{csv}");
    app.get(&format!("{path}?format=pdf"), Some(&admin)).await.expect_error(400, "VALIDATION_ERROR").await;

    // Generation is on the record.
    let entries = eventually("the report in the audit log", WAIT, || async {
        let page =
            json(app.get("/api/v1/audit-logs?type=compliance.report_generated", Some(&admin)).await).await;
        (!page["data"].as_array().unwrap().is_empty()).then_some(page)
    })
    .await;
    assert_eq!(entries["data"][0]["data"]["report_id"], id);
    let listed = json(app.get("/api/v1/compliance/reports", Some(&admin)).await).await;
    assert_eq!(listed["data"][0]["id"], id);
}

#[tokio::test]
async fn an_organizations_reports_are_its_owners_and_admins_alone() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [owner, member, stranger] =
        app.people(["owner@example.com", "member@example.com", "x@example.com"]).await;
    let org = app.create_org_id(&owner.token, "Acme").await;
    app.add_member(&owner.token, &org, &member.id, "member").await;
    let body = json!({ "framework": "hipaa", "organization_id": org });
    app.post("/api/v1/compliance/reports", &body, Some(&member.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post("/api/v1/compliance/reports", &body, Some(&stranger.token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.post("/api/v1/compliance/reports", &json!({ "framework": "soc2" }), Some(&owner.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post("/api/v1/compliance/reports", &json!({ "framework": "pci" }), Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let report = generated_report(&app, &owner.token, body).await;
    let id = report["id"].as_str().unwrap();
    let signed = verify_with_jose(&app, report["jws"].as_str().unwrap()).await;
    assert_eq!(signed["organization_id"], org.as_str());
    let mfa =
        signed["controls"].as_array().unwrap().iter().find(|c| c["id"] == "hipaa-164.312d").cloned().unwrap();
    assert_eq!(mfa["evidence"]["privileged_mfa"]["privileged_users"], 1, "{mfa}");

    for token in [&member.token, &stranger.token] {
        app.get(&format!("/api/v1/compliance/reports/{id}"), Some(token))
            .await
            .expect_error(404, "NOT_FOUND")
            .await;
    }
    app.get(&format!("/api/v1/compliance/reports/{id}"), Some(&admin)).await.expect_status(200).await;
    let mine =
        json(app.get(&format!("/api/v1/compliance/reports?organization_id={org}"), Some(&owner.token)).await)
            .await;
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    app.get("/api/v1/compliance/reports", Some(&owner.token)).await.expect_error(403, "FORBIDDEN").await;
}

#[tokio::test]
async fn one_person_cannot_queue_more_than_three_reports_and_the_chain_is_verified_once_a_minute() {
    use diesel_async::RunQueryDsl;
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let admin_id: uuid::Uuid = app.admin_signin().await["user"]["id"].as_str().unwrap().parse().unwrap();
    // Three reports still waiting (not yet due for the worker).
    let mut audit = app.db("audit").await;
    for _ in 0..3 {
        diesel::sql_query(
            "INSERT INTO compliance_reports (id, framework, requested_by, created_at)
             VALUES (gen_random_uuid(), 'soc2', $1, now() + interval '1 day')",
        )
        .bind::<diesel::sql_types::Uuid, _>(admin_id)
        .execute(&mut audit)
        .await
        .unwrap();
    }
    app.post("/api/v1/compliance/reports", &json!({ "framework": "gdpr" }), Some(&admin))
        .await
        .expect_error(409, "CONFLICT")
        .await;

    let first = control(&app, &admin, "?framework=hipaa", "hipaa-164.312b").await;
    let again = control(&app, &admin, "?framework=hipaa", "hipaa-164.312b").await;
    let chain = |c: &Value| c["evidence"]["audit_chain"]["verified_at"].clone();
    assert!(chain(&first).is_string(), "{first}");
    assert_eq!(chain(&first), chain(&again), "one verification serves both reads");
}
