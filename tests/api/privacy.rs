//! Data-subject requests through the gateway: filed by the subject or recorded on their behalf
//! by a platform admin, due a month after receipt, extended once with a reason the subject is
//! mailed, moved through their life cycle with an audit event each, and counted by the
//! compliance controls when overdue.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

const DSR: &str = "/api/v1/compliance/privacy/data-subject-requests";
const WAIT: Duration = Duration::from_secs(20);

fn date(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().expect("a timestamp").parse().expect("RFC 3339")
}

async fn file(app: &TestStack, token: &str, body: Value) -> Value {
    let resp = app.post(DSR, &body, Some(token)).await;
    assert_eq!(resp.status(), 201, "filing {body}");
    json(resp).await
}

async fn change(app: &TestStack, token: &str, id: &Value, body: Value) -> reqwest::Response {
    app.patch(&format!("{DSR}/{}", id.as_str().unwrap()), &body, Some(token)).await
}

#[tokio::test]
async fn a_user_files_for_themself_and_an_admin_records_for_a_subject() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [ada, bob] = app.people(["ada@example.com", "bob@example.com"]).await;
    let mine =
        file(&app, &ada.token, json!({ "type": "access", "description": "everything you hold on me" })).await;
    assert_eq!(mine["status"], "received");
    assert_eq!(mine["subject_id"], ada.id.as_str());
    assert_eq!(mine["type"], "access");
    assert_eq!(mine["overdue"], false);
    let (received, due) = (date(&mine["received_at"]), date(&mine["due_at"]));
    assert_eq!(due, received.checked_add_months(chrono::Months::new(1)).unwrap(), "{mine}");

    app.post(DSR, &json!({ "type": "erasure", "subject_id": bob.id }), Some(&ada.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post(DSR, &json!({ "type": "erasure", "subject_email": "bob@example.com" }), Some(&ada.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post(DSR, &json!({ "type": "forget-me" }), Some(&ada.token))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.post(DSR, &json!({ "type": "erasure", "subject_id": uuid::Uuid::now_v7() }), Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.post(DSR, &json!({ "type": "erasure", "subject_email": "nobody@example.com" }), Some(&admin))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let on_behalf =
        file(&app, &admin, json!({ "type": "erasure", "subject_email": "bob@example.com" })).await;
    assert_eq!(on_behalf["subject_id"], bob.id.as_str());
    assert_ne!(on_behalf["filed_by"], bob.id.as_str());

    // Subjects see their own; admins see all and filter.
    let own = json(app.get(DSR, Some(&ada.token)).await).await;
    assert_eq!(own["data"].as_array().unwrap().len(), 1);
    let all = json(app.get(DSR, Some(&admin)).await).await;
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    let erasures = json(app.get(&format!("{DSR}?type=erasure"), Some(&admin)).await).await;
    assert_eq!(erasures["data"][0]["id"], on_behalf["id"]);
    app.get(&format!("{DSR}/{}", on_behalf["id"].as_str().unwrap()), Some(&ada.token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    app.get(&format!("{DSR}?status=lost"), Some(&admin)).await.expect_error(400, "VALIDATION_ERROR").await;

    let recorded = eventually("the requests on the audit record", WAIT, || async {
        let page =
            json(app.get("/api/v1/audit-logs?type=privacy.request_received", Some(&admin)).await).await;
        (page["data"].as_array().unwrap().len() == 2).then_some(page)
    })
    .await;
    assert!(recorded["data"].as_array().unwrap().iter().any(|e| e["subject_id"] == bob.id.as_str()));
}

#[tokio::test]
async fn requests_move_through_their_life_cycle_and_closed_ones_stay_closed() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let [ada, eve] = app.people(["ada@example.com", "eve@example.com"]).await;
    let first = file(&app, &ada.token, json!({ "type": "rectification" })).await;
    let id = &first["id"];
    change(&app, &ada.token, id, json!({ "status": "in_progress" }))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    change(&app, &eve.token, id, json!({ "status": "cancelled" })).await.expect_error(404, "NOT_FOUND").await;
    let moved = json(change(&app, &admin, id, json!({ "status": "in_progress" })).await).await;
    assert_eq!(moved["status"], "in_progress");
    change(&app, &admin, id, json!({ "status": "rejected" }))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    let done = change(&app, &admin, id, json!({ "status": "completed", "reason": "name corrected" })).await;
    let done = done.expect_status(200).await;
    assert_eq!(done["resolution"], "name corrected");
    assert!(done["closed_at"].is_string());
    change(&app, &admin, id, json!({ "status": "in_progress" })).await.expect_error(409, "CONFLICT").await;

    let second = file(&app, &ada.token, json!({ "type": "objection" })).await;
    let cancelled = change(&app, &ada.token, &second["id"], json!({ "status": "cancelled" })).await;
    assert_eq!(cancelled.expect_status(200).await["status"], "cancelled");
    let third = file(&app, &ada.token, json!({ "type": "restriction" })).await;
    let rejected =
        change(&app, &admin, &third["id"], json!({ "status": "rejected", "reason": "no such processing" }))
            .await;
    assert_eq!(rejected.expect_status(200).await["resolution"], "no such processing");

    eventually("every change on the audit record", WAIT, || async {
        let page = json(app.get("/api/v1/audit-logs?type=privacy.request_updated", Some(&admin)).await).await;
        (page["data"].as_array().unwrap().len() == 4).then_some(())
    })
    .await;
}

#[tokio::test]
async fn an_extension_is_once_by_up_to_two_months_and_the_subject_is_told() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.person("ada@example.com").await;
    let request = file(&app, &ada.token, json!({ "type": "portability" })).await;
    let id = &request["id"];
    let extend = |months: u32, reason: &str| json!({ "extend": { "months": months, "reason": reason } });
    change(&app, &admin, id, extend(3, "busy")).await.expect_error(400, "VALIDATION_ERROR").await;
    change(&app, &admin, id, extend(2, "  ")).await.expect_error(400, "VALIDATION_ERROR").await;
    change(&app, &ada.token, id, extend(1, "please")).await.expect_error(403, "FORBIDDEN").await;
    let extended =
        change(&app, &admin, id, extend(2, "the archive spans three systems")).await.expect_status(200).await;
    let due = date(&request["due_at"]).checked_add_months(chrono::Months::new(2)).unwrap();
    assert_eq!(date(&extended["due_at"]), due, "{extended}");
    assert_eq!(extended["extension_reason"], "the archive spans three systems");
    change(&app, &admin, id, extend(1, "again")).await.expect_error(409, "CONFLICT").await;

    let body = app.mail_body("ada@example.com", "Your data request: more time needed", 0).await;
    assert!(body.contains("the archive spans three systems"), "{body}");
    assert!(body.contains(&due.format("%Y-%m-%d").to_string()), "{body}");
}

#[tokio::test]
async fn overdue_requests_are_filtered_and_fail_the_compliance_control() {
    use diesel_async::RunQueryDsl;
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.person("ada@example.com").await;
    let late = file(&app, &ada.token, json!({ "type": "access" })).await;
    let on_time = file(&app, &ada.token, json!({ "type": "erasure" })).await;
    let gdpr = || async {
        let page = json(app.get("/api/v1/compliance/controls?framework=gdpr", Some(&admin)).await).await;
        page["data"].as_array().unwrap().iter().find(|c| c["id"] == "gdpr-art12").cloned().unwrap()
    };
    assert_eq!(gdpr().await["status"], "passing");

    let mut audit = app.db("audit").await;
    let id: uuid::Uuid = late["id"].as_str().unwrap().parse().unwrap();
    diesel::sql_query("UPDATE data_subject_requests SET due_at = now() - interval '1 day' WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(id)
        .execute(&mut audit)
        .await
        .unwrap();
    let overdue = json(app.get(&format!("{DSR}?overdue=true"), Some(&admin)).await).await;
    let ids: Vec<&Value> = overdue["data"].as_array().unwrap().iter().map(|r| &r["id"]).collect();
    assert_eq!(ids, [&late["id"]]);
    assert_eq!(overdue["data"][0]["overdue"], true);
    let others = json(app.get(&format!("{DSR}?overdue=false"), Some(&admin)).await).await;
    assert_eq!(others["data"][0]["id"], on_time["id"]);
    let control = gdpr().await;
    assert_eq!(control["status"], "failing", "{control}");
    assert_eq!(control["evidence"]["dsr_overdue"]["overdue_data_subject_requests"], 1, "{control}");
}
