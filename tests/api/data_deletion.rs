//! Erasure through the gateway: the account is deactivated at once, the person may cancel
//! with the mailed link during the grace period (the account comes back as it was), and after
//! it they are erased from every service: no column of any schema holds their address, name,
//! IP or user agent any more, while the audit log keeps its entries and still verifies.

use crate::json;
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use janua_testkit::webhook_receiver::WebhookReceiver;
use janua_testkit::{ExpectStatus, PASSWORD, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

const DELETION: &str = "/api/v1/compliance/privacy/data-deletion";
const SCHEDULED_MAIL: &str = "Your account is scheduled for deletion";
const WAIT: Duration = Duration::from_secs(40);

const ADA: &str = "ada.erased@example.com";
const ADA_NAME: &str = "Ada Quillfeather";
const ADA_IP: &str = "203.0.113.77";
const ADA_AGENT: &str = "ErasureProbe/7.1";

/// A request as Ada's browser makes it: from her address and user agent, through a proxy the
/// gateway trusts.
fn as_ada(
    app: &TestStack, method: reqwest::Method, path: &str, token: Option<&str>,
) -> reqwest::RequestBuilder {
    let mut req = app
        .http
        .request(method, app.url(path))
        .header("x-forwarded-for", ADA_IP)
        .header("user-agent", ADA_AGENT);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req
}

/// Ada signs up (named, from her address), proves her address and signs in; answers her id
/// and access token.
async fn ada(app: &TestStack) -> (String, String) {
    let signup = as_ada(app, reqwest::Method::POST, "/api/v1/auth/signup", None)
        .json(&json!({ "email": ADA, "password": PASSWORD, "name": ADA_NAME }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);
    let id = json(signup).await["user"]["id"].as_str().unwrap().to_owned();
    let token = app.mailed_token(ADA, "Confirm your email address", 0).await;
    let verified = as_ada(app, reqwest::Method::POST, "/api/v1/auth/verify-email", None)
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    (id, signed_in(app).await)
}

async fn signed_in(app: &TestStack) -> String {
    let resp = as_ada(app, reqwest::Method::POST, "/api/v1/auth/signin", None)
        .json(&json!({ "email": ADA, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "Ada signs in");
    json(resp).await["access_token"].as_str().unwrap().to_owned()
}

fn with_proxy_and_grace(grace_secs: f64) -> impl FnOnce(&mut janua_core::config::Settings) {
    move |s| {
        s.gateway.trusted_proxies = "127.0.0.1/32".into();
        s.privacy.deletion_grace_days = grace_secs / 86400.0;
        s.webhooks.allowed_networks = "127.0.0.0/8".into();
    }
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    schema: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    table: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Every column of every Janua schema (text, arrays of text, JSON and bytes) that holds one of
/// `needles`, as `schema.table.column: needle`.
async fn traces(app: &TestStack, needles: &[&str]) -> Vec<String> {
    let mut conn = app.db("public").await;
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT c.table_schema::text AS schema, c.table_name::text AS table, c.column_name::text AS column,
                c.data_type::text AS kind
         FROM information_schema.columns c JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema', 'public')
           AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'bytea')",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert!(columns.len() > 50, "the scan sees every schema ({} columns)", columns.len());
    let mut found = Vec::new();
    for c in &columns {
        for needle in needles {
            let test = if c.kind == "bytea" {
                format!("position(convert_to($1, 'UTF8') in \"{}\") > 0", c.column)
            } else {
                format!("strpos(lower(\"{}\"::text), lower($1)) > 0", c.column)
            };
            let hits: Hits = diesel::sql_query(format!(
                "SELECT count(*) AS n FROM \"{}\".\"{}\" WHERE {test}",
                c.schema, c.table
            ))
            .bind::<diesel::sql_types::Text, _>(*needle)
            .get_result(&mut conn)
            .await
            .unwrap();
            if hits.n > 0 {
                found.push(format!("{}.{}.{}: {needle}", c.schema, c.table, c.column));
            }
        }
    }
    found
}

#[tokio::test]
async fn after_the_grace_period_no_schema_holds_a_trace_and_the_audit_chain_still_verifies() {
    let (app, admin) = TestStack::spawn_with_admin(with_proxy_and_grace(6.0)).await;
    let receiver = WebhookReceiver::start().await;
    app.post(
        "/api/v1/webhooks",
        &json!({ "url": receiver.url(), "events": ["user.created", "user.updated"] }),
        Some(&admin),
    )
    .await
    .expect_status(201)
    .await;
    let (id, token) = ada(&app).await;
    let bob = app.verified_person("bob@example.com").await;
    app.enable_totp(&token).await;
    let acme = app.create_org_id(&token, "Acme").await;
    app.add_member(&token, &acme, &bob.id, "member").await;
    let bobcorp = app.create_org_id(&bob.token, "Bobcorp").await;
    app.post(
        &format!("/api/v1/invitations/organizations/{bobcorp}/invitations"),
        &json!({ "email": ADA, "role": "member" }),
        Some(&bob.token),
    )
    .await
    .expect_status(201)
    .await;
    as_ada(&app, reqwest::Method::PUT, &format!("/api/v1/users/{id}"), Some(&token))
        .json(&json!({ "name": format!("{ADA_NAME} Jr") }))
        .send()
        .await
        .unwrap();
    eventually("Ada's events delivered to the webhook", WAIT, || async {
        (receiver.requests().iter().filter(|r| String::from_utf8_lossy(&r.body).contains(ADA)).count() >= 2)
            .then_some(())
    })
    .await;
    let needles = [ADA, ADA_NAME, ADA_IP, ADA_AGENT];
    let before = traces(&app, &needles).await;
    for schema in ["identity.", "auth.", "org.", "audit.", "webhooks."] {
        assert!(before.iter().any(|t| t.starts_with(schema)), "Ada is in {schema} before: {before:?}");
    }

    // Ada asks to be erased, fulfilling her request: the account stops at once.
    let dsr = "/api/v1/compliance/privacy/data-subject-requests";
    let request = json(app.post(dsr, &json!({ "type": "erasure" }), Some(&token)).await).await;
    let scheduled = as_ada(&app, reqwest::Method::POST, DELETION, Some(&token))
        .json(&json!({ "request_id": request["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(scheduled.status(), 202);
    let scheduled = json(scheduled).await;
    assert_eq!(scheduled["status"], "scheduled");
    assert_eq!(scheduled["subject_id"], id.as_str());
    let deletion = scheduled["id"].as_str().unwrap().to_owned();
    eventually("Ada's token refused", WAIT, || async {
        (app.get("/api/v1/auth/me", Some(&token)).await.status() == 401).then_some(())
    })
    .await;
    app.signin(ADA, PASSWORD).await.expect_error(403, "ACCOUNT_SUSPENDED").await;
    assert!(app.mail_body(ADA, SCHEDULED_MAIL, 0).await.contains("/cancel-deletion?id="));
    app.post(DELETION, &json!({ "subject_id": id }), Some(&admin)).await.expect_error(409, "CONFLICT").await;

    let done = eventually("the erasure completed", WAIT, || async {
        let d = json(app.get(&format!("{DELETION}/{deletion}"), Some(&admin)).await).await;
        (d["status"] == "completed").then_some(d)
    })
    .await;
    for service in ["identity", "auth", "org", "enterprise", "webhooks", "audit"] {
        assert!(done["erased"][service].is_u64(), "{done}");
    }
    assert!(done["erased"]["auth"].as_u64().unwrap() > 0 && done["erased"]["audit"].as_u64().unwrap() > 0);

    // No trace, once the events still on the way have been consumed.
    let deadline = std::time::Instant::now() + WAIT;
    let mut left = traces(&app, &needles).await;
    while !left.is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        left = traces(&app, &needles).await;
    }
    assert!(left.is_empty(), "traces of Ada left: {left:?}");

    // The log keeps its entries, says what was erased, and verifies.
    let report = json(app.get("/api/v1/audit-logs/verify", Some(&admin)).await).await;
    assert_eq!(report["valid"], true, "{report}");
    let created =
        json(app.get(&format!("/api/v1/audit-logs?type=user.created&subject_id={id}"), Some(&admin)).await)
            .await;
    let entry = &created["data"][0];
    assert_eq!(entry["data"]["email"], "[erased]", "{entry}");
    assert_eq!(entry["ip"], Value::Null);
    let completed =
        json(app.get(&format!("{dsr}/{}", request["id"].as_str().unwrap()), Some(&admin)).await).await;
    assert_eq!(completed["status"], "completed");
    app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await.expect_error(404, "NOT_FOUND").await;

    // Acme keeps an owner: its longest-standing member, Bob, succeeds Ada.
    eventually("Bob owns Acme", WAIT, || async {
        let members =
            json(app.get(&format!("/api/v1/organizations/{acme}/members"), Some(&bob.token)).await).await;
        let rows = members["data"].as_array()?.clone();
        (rows.len() == 1 && rows[0]["role"] == "owner").then_some(())
    })
    .await;

    // Nobody else lost anything.
    let bobs = json(
        app.get(&format!("/api/v1/audit-logs?type=user.created&subject_id={}", bob.id), Some(&admin)).await,
    )
    .await;
    assert_eq!(bobs["data"][0]["data"]["email"], "bob@example.com");
    assert_eq!(json(app.get("/api/v1/auth/me", Some(&bob.token)).await).await["email"], "bob@example.com");
}

#[tokio::test]
async fn cancelling_within_the_grace_period_restores_the_account() {
    let (app, admin) = TestStack::spawn_with_admin(with_proxy_and_grace(3600.0)).await;
    let (id, token) = ada(&app).await;
    let bob = app.verified_person("bob@example.com").await;

    app.post(DELETION, &json!({ "subject_id": id }), Some(&bob.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post(DELETION, &json!({}), None).await.expect_error(401, "UNAUTHORIZED").await;
    let scheduled = json(app.post(DELETION, &json!({}), Some(&token)).await).await;
    let deletion = scheduled["id"].as_str().unwrap().to_owned();
    let until: chrono::DateTime<chrono::Utc> = scheduled["scheduled_for"].as_str().unwrap().parse().unwrap();
    assert!(until > chrono::Utc::now() + chrono::Duration::minutes(59), "{scheduled}");
    eventually("Ada signed out", WAIT, || async {
        (app.get("/api/v1/auth/me", Some(&token)).await.status() == 401).then_some(())
    })
    .await;
    app.get(&format!("{DELETION}/{deletion}"), Some(&bob.token)).await.expect_error(404, "NOT_FOUND").await;

    // The mailed link cancels it, without a bearer token; a wrong one does nothing.
    let mail = app.mail_body(ADA, SCHEDULED_MAIL, 0).await;
    let cancel_token = janua_testkit::token_from_link(&mail);
    let cancel = format!("{DELETION}/{deletion}/cancel");
    app.post(&cancel, &json!({ "token": "guess" }), None).await.expect_error(404, "NOT_FOUND").await;
    app.post(&cancel, &json!({}), Some(&bob.token)).await.expect_error(404, "NOT_FOUND").await;
    let cancelled = app.post(&cancel, &json!({ "token": cancel_token }), None).await.expect_status(200).await;
    assert_eq!(cancelled["status"], "cancelled");
    app.post(&cancel, &json!({ "token": cancel_token }), None).await.expect_error(404, "NOT_FOUND").await;
    eventually("Ada signs in again", WAIT, || async {
        let resp = app.signin(ADA, PASSWORD).await;
        (resp.status() == 200).then_some(())
    })
    .await;
    let me = json(app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await).await;
    assert_eq!(me["status"], "active");
    assert_eq!(me["name"], ADA_NAME);

    // An admin schedules Bob's erasure and takes it back.
    let for_bob =
        json(app.post(DELETION, &json!({ "subject_email": "bob@example.com" }), Some(&admin)).await).await;
    assert_eq!(for_bob["subject_id"], bob.id.as_str());
    let cancelled = app
        .post(&format!("{DELETION}/{}/cancel", for_bob["id"].as_str().unwrap()), &json!({}), Some(&admin))
        .await;
    assert_eq!(cancelled.expect_status(200).await["status"], "cancelled");
    eventually("Bob active again", WAIT, || async {
        let bob_now = json(app.get(&format!("/api/v1/users/{}", bob.id), Some(&admin)).await).await;
        (bob_now["status"] == "active").then_some(())
    })
    .await;

    let recorded = eventually("the erasures on the record", WAIT, || async {
        let page = json(app.get("/api/v1/audit-logs?type=privacy.*", Some(&admin)).await).await;
        let types: Vec<String> =
            page["data"].as_array()?.iter().filter_map(|e| e["type"].as_str().map(str::to_owned)).collect();
        (types.iter().filter(|t| *t == "privacy.deletion_cancelled").count() == 2).then_some(types)
    })
    .await;
    assert_eq!(recorded.iter().filter(|t| *t == "privacy.deletion_scheduled").count(), 2);
}

#[tokio::test]
async fn personal_data_past_its_retention_leaves_the_log_which_still_verifies() {
    let (app, admin) = TestStack::spawn_with_admin(|s| s.audit.pii_retention_days = Some(30)).await;
    let ada = app.verified_person("ada@example.com").await;
    let created = eventually("Ada's sign-up on the record", WAIT, || async {
        let page = json(
            app.get(&format!("/api/v1/audit-logs?type=user.created&subject_id={}", ada.id), Some(&admin))
                .await,
        )
        .await;
        (page["data"][0]["data"]["email"] == "ada@example.com").then_some(page["data"][0].clone())
    })
    .await;
    // A month and a day go by for this entry.
    let mut conn = app.db("audit").await;
    diesel::sql_query(
        "UPDATE audit_pii SET recorded_at = now() - interval '31 days' WHERE entry_id = $1::uuid",
    )
    .bind::<diesel::sql_types::Text, _>(created["id"].as_str().unwrap())
    .execute(&mut conn)
    .await
    .unwrap();
    eventually("its personal data removed", WAIT, || async {
        let entry = json(
            app.get(&format!("/api/v1/audit-logs/{}", created["id"].as_str().unwrap()), Some(&admin)).await,
        )
        .await;
        (entry["data"]["email"] == "[erased]").then_some(())
    })
    .await;
    assert_eq!(json(app.get("/api/v1/audit-logs/verify", Some(&admin)).await).await["valid"], true);
    // Newer entries keep theirs; the control says how long it is kept.
    let signin = json(
        app.get(&format!("/api/v1/audit-logs?type=user.email_verified&subject_id={}", ada.id), Some(&admin))
            .await,
    )
    .await;
    assert_eq!(signin["data"][0]["data"]["email"], "ada@example.com");
    let controls = json(app.get("/api/v1/compliance/controls?framework=gdpr", Some(&admin)).await).await;
    let art5 = controls["data"].as_array().unwrap().iter().find(|c| c["id"] == "gdpr-art5").unwrap().clone();
    let check =
        art5["checks"].as_array().unwrap().iter().find(|c| c["check"] == "audit_retention").unwrap().clone();
    assert_eq!(check["status"], "passing", "{art5}");
    assert_eq!(check["evidence"]["audit.pii_retention_days"], 30);
}
