//! Data exports through the gateway: a subject (or a platform admin on their behalf, or to
//! fulfil an access request) asks for a copy of their personal data; every service answers for
//! its own part; the ZIP holds one JSON file per service and a manifest of their SHA-256s,
//! nothing of anyone else and no secret; its single-use link goes to the verified address.

use crate::json;
use janua_testkit::scim::{MEDIA_TYPE, USER_SCHEMA};
use janua_testkit::{ExpectStatus, Person, TestStack, eventually};
use serde_json::{Value, json};
use sha2::Digest;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

const EXPORT: &str = "/api/v1/compliance/privacy/data-export";
const SUBJECT: &str = "Your personal data export";
const WAIT: Duration = Duration::from_secs(30);

/// Asks for an export as the holder of `token`; answers it (202).
async fn ask(app: &TestStack, token: &str, body: Value) -> Value {
    let resp = app.post(EXPORT, &body, Some(token)).await;
    assert_eq!(resp.status(), 202, "asking for an export with {body}");
    json(resp).await
}

/// Waits until the export is `status` as seen by the holder of `token`.
async fn until(app: &TestStack, token: &str, id: &str, status: &str) -> Value {
    eventually(&format!("export {id} {status}"), WAIT, || async {
        let export = json(app.get(&format!("{EXPORT}/{id}"), Some(token)).await).await;
        (export["status"] == status).then_some(export)
    })
    .await
}

/// The download path of the `nth` export link mailed to `to`.
async fn mailed_link(app: &TestStack, to: &str, nth: usize) -> String {
    let body = app.mail_body(to, SUBJECT, nth).await;
    let start = body.find(EXPORT).expect("a download link");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// The archive's files by name, each checked against the manifest's SHA-256.
fn unpack(bytes: &[u8]) -> BTreeMap<String, Value> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    let mut files = BTreeMap::new();
    let mut raw = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        raw.insert(file.name().expect("a file name").to_string(), content);
    }
    let manifest: Value = serde_json::from_slice(&raw["manifest.json"]).expect("a JSON manifest");
    assert_eq!(manifest["format"], "janua-personal-data/1");
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len() + 1, raw.len(), "every file but the manifest is listed");
    for file in listed {
        let name = file["name"].as_str().unwrap();
        let content = &raw[name];
        assert_eq!(file["sha256"], hex::encode(sha2::Sha256::digest(content)), "{name}");
        assert_eq!(file["bytes"], content.len());
        files.insert(name.to_owned(), serde_json::from_slice(content).expect("JSON"));
    }
    files.insert("manifest.json".into(), manifest);
    files
}

#[tokio::test]
async fn an_export_holds_the_subjects_data_from_every_service_and_nothing_of_anyone_else() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.verified_person("ada@example.com").await;
    let bob = app.verified_person("bob@example.com").await;
    app.signin("ada@example.com", janua_testkit::PASSWORD).await.expect_status(200).await;
    let (totp_secret, backup_codes) = app.enable_totp(&ada.token).await;
    let acme = app.create_org_id(&ada.token, "Acme").await;
    app.add_member(&ada.token, &acme, &bob.id, "member").await;
    app.create_org_id(&bob.token, "Bobcorp").await;
    app.post(
        &format!("/api/v1/invitations/organizations/{acme}/invitations"),
        &json!({ "email": "carol@example.com", "role": "member" }),
        Some(&ada.token),
    )
    .await
    .expect_status(201)
    .await;

    let asked = ask(&app, &ada.token, json!({})).await;
    assert_eq!(asked["status"], "pending");
    assert_eq!(asked["subject_id"], ada.id.as_str());
    let id = asked["id"].as_str().unwrap();
    let ready = until(&app, &ada.token, id, "ready").await;
    let link = mailed_link(&app, "ada@example.com", 0).await;
    assert!(link.starts_with(ready["download_url"].as_str().unwrap()), "{link} vs {ready}");
    assert!(!ready.to_string().contains("token="), "the status never shows the link's token");
    assert_eq!(app.mail_count("bob@example.com", SUBJECT), 0);

    // A wrong token is refused and spends nothing; the mailed link works once, without a bearer.
    let path = link.split('?').next().unwrap();
    app.get(&format!("{path}?token=guess"), None).await.expect_error(404, "NOT_FOUND").await;
    let resp = app.get(&link, None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/zip");
    assert_eq!(resp.headers()["cache-control"], "no-store");
    let bytes = resp.bytes().await.unwrap();
    app.get(&link, None).await.expect_error(404, "NOT_FOUND").await;
    assert_eq!(until(&app, &ada.token, id, "downloaded").await["download_url"], Value::Null);

    let files = unpack(&bytes);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["audit.json", "auth.json", "enterprise.json", "identity.json", "manifest.json", "org.json"]
    );
    for (name, file) in &files {
        if name != "manifest.json" {
            assert_eq!(file["subject_id"], ada.id.as_str(), "{name}");
        }
    }
    let profile = &files["identity.json"]["data"]["profile"][0];
    assert_eq!(profile["email"], "ada@example.com");
    assert_eq!(profile["email_verified"], true);
    let auth = &files["auth.json"]["data"];
    let sessions = auth["sessions"].as_array().unwrap();
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|s| s["ip"].is_string() && s["auth_method"].is_string()), "{sessions:?}");
    assert!(auth["totp"][0]["enabled_at"].is_string(), "{auth}");
    assert_eq!(auth["backup_codes"].as_array().unwrap().len(), backup_codes.len());
    assert!(auth["password"][0]["set_at"].is_string());
    assert!(
        auth["emails_sent"].as_array().unwrap().iter().any(|m| m["subject"] == "Confirm your email address")
    );
    let memberships = files["org.json"]["data"]["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1, "{memberships:?}");
    assert_eq!(memberships[0]["organization_name"], "Acme");
    assert_eq!(memberships[0]["role"], "owner");
    assert!(files["enterprise.json"]["data"]["sso_identities"].as_array().unwrap().is_empty());
    let entries = files["audit.json"]["data"]["entries"].as_array().unwrap();
    let types: Vec<&str> = entries.iter().filter_map(|e| e["type"].as_str()).collect();
    for expected in [
        "user.created",
        "user.signed_in",
        "mfa.enabled",
        "organization.member_added",
        "privacy.export_requested",
    ] {
        assert!(types.contains(&expected), "{expected} in {types:?}");
    }
    let own_signup = entries.iter().find(|e| e["type"] == "user.signed_in").unwrap();
    assert_eq!(own_signup["ip"], "127.0.0.1", "{own_signup}");

    // Nothing of anyone else, and no secret.
    let everything = String::from_utf8_lossy(&bytes).to_string()
        + &files.values().map(Value::to_string).collect::<String>();
    for foreign in ["bob@example.com", bob.id.as_str(), "Bobcorp", "carol@example.com"] {
        assert!(!everything.contains(foreign), "{foreign} is someone else's");
    }
    for secret in
        [totp_secret.as_str(), "$argon2", ada.token.as_str(), ada.pair["refresh_token"].as_str().unwrap()]
            .into_iter()
            .chain(backup_codes.iter().map(String::as_str))
    {
        assert!(!everything.contains(secret), "a secret in the export");
    }

    eventually("the export on the record", WAIT, || async {
        let page =
            json(app.get(&format!("/api/v1/audit-logs?subject_id={}", ada.id), Some(&admin)).await).await;
        let types: Vec<String> =
            page["data"].as_array()?.iter().filter_map(|e| e["type"].as_str().map(str::to_owned)).collect();
        ["privacy.export_requested", "privacy.export_ready", "privacy.export_downloaded"]
            .iter()
            .all(|t| types.iter().any(|x| x == t))
            .then_some(())
    })
    .await;
}

#[tokio::test]
async fn exports_go_to_verified_subjects_only_and_admins_act_on_their_behalf() {
    let (app, admin) = TestStack::spawn_with_admin(|_| {}).await;
    let ada = app.verified_person("ada@example.com").await;
    let bob = app.verified_person("bob@example.com").await;
    let eve: Person = app.person("eve@example.com").await;

    app.post(EXPORT, &json!({}), Some(&eve.token)).await.expect_error(409, "CONFLICT").await;
    app.post(EXPORT, &json!({ "subject_id": bob.id }), Some(&ada.token))
        .await
        .expect_error(403, "FORBIDDEN")
        .await;
    app.post(EXPORT, &json!({ "bogus": 1 }), Some(&ada.token))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.post(EXPORT, &json!({}), None).await.expect_error(401, "UNAUTHORIZED").await;

    // On a subject's behalf: the link goes to the subject, never to the admin.
    let for_bob = ask(&app, &admin, json!({ "subject_email": "bob@example.com" })).await;
    assert_eq!(for_bob["subject_id"], bob.id.as_str());
    let id = for_bob["id"].as_str().unwrap();
    until(&app, &admin, id, "ready").await;
    until(&app, &bob.token, id, "ready").await;
    app.get(&format!("{EXPORT}/{id}"), Some(&ada.token)).await.expect_error(404, "NOT_FOUND").await;
    mailed_link(&app, "bob@example.com", 0).await;

    // Fulfilling an access request completes it; other kinds are not fulfilled by an export.
    let dsr = "/api/v1/compliance/privacy/data-subject-requests";
    let access = json(app.post(dsr, &json!({ "type": "access" }), Some(&ada.token)).await).await;
    let erasure = json(app.post(dsr, &json!({ "type": "erasure" }), Some(&ada.token)).await).await;
    app.post(EXPORT, &json!({ "request_id": erasure["id"] }), Some(&ada.token))
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    app.post(EXPORT, &json!({ "request_id": access["id"] }), Some(&bob.token))
        .await
        .expect_error(404, "NOT_FOUND")
        .await;
    let fulfilling = ask(&app, &admin, json!({ "request_id": access["id"] })).await;
    assert_eq!(fulfilling["subject_id"], ada.id.as_str());
    until(&app, &ada.token, fulfilling["id"].as_str().unwrap(), "ready").await;
    let request =
        json(app.get(&format!("{dsr}/{}", access["id"].as_str().unwrap()), Some(&ada.token)).await).await;
    assert_eq!(request["status"], "completed", "{request}");
    assert!(request["resolution"].as_str().unwrap().contains(fulfilling["id"].as_str().unwrap()));
    app.post(EXPORT, &json!({ "request_id": access["id"] }), Some(&ada.token))
        .await
        .expect_error(409, "CONFLICT")
        .await;
}

#[tokio::test]
async fn an_unused_export_is_removed_when_its_time_is_up() {
    let app = TestStack::spawn_with(|s| s.privacy.export_ttl_hours = 2.0 / 3600.0).await;
    let ada = app.verified_person("ada@example.com").await;
    let id = ask(&app, &ada.token, json!({})).await["id"].as_str().unwrap().to_owned();
    let link = mailed_link(&app, "ada@example.com", 0).await;
    let expired = until(&app, &ada.token, &id, "expired").await;
    assert_eq!(expired["download_url"], Value::Null);
    app.get(&link, None).await.expect_error(404, "NOT_FOUND").await;
    let left = app
        .count(
            "audit",
            "SELECT count(*) AS n FROM data_exports WHERE archive_sealed IS NOT NULL OR link_hash IS NOT NULL",
        )
        .await;
    assert_eq!(left, 0, "the archive and its link are gone");
}

#[tokio::test]
async fn each_service_answers_for_its_own_part() {
    let app = TestStack::spawn().await;
    let ada = app.verified_person("ada@example.com").await;
    let acme = app.create_org_id(&ada.token, "Acme").await;
    let scim_token = app.create_scim_token(&ada.token, &acme, "directory").await;
    let carol = app
        .http
        .post(app.url("/api/v1/scim/v2/Users"))
        .bearer_auth(&scim_token)
        .header("content-type", MEDIA_TYPE)
        .body(
            json!({ "schemas": [USER_SCHEMA], "userName": "carol@example.com", "externalId": "c-1",
                    "emails": [{ "value": "carol@example.com", "primary": true }] })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(carol.status(), 201);
    let carol: Value = carol.json().await.unwrap();
    let carol_id = carol["id"].as_str().unwrap();
    let part = |url: String| {
        let (http, token) = (app.http.clone(), janua_testkit::service_token(&app.settings));
        async move {
            let resp = http
                .get(format!("{url}/internal/v1/users/{carol_id}/personal-data"))
                .header(janua_core::http::SERVICE_TOKEN_HEADER, token)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };
    let enterprise = part(app.settings.enterprise.url.clone()).await;
    let scim = &enterprise["scim_users"][0];
    assert_eq!(scim["user_name"], "carol@example.com");
    assert_eq!(scim["external_id"], "c-1");
    assert_eq!(scim["organization_id"], acme.as_str());
    let identity = part(app.settings.identity.url.clone()).await;
    assert_eq!(identity["profile"][0]["email"], "carol@example.com");
    let org = eventually("carol's membership", WAIT, || async {
        let org = part(app.settings.org.url.clone()).await;
        (org["memberships"].as_array()?.len() == 1).then_some(org)
    })
    .await;
    assert_eq!(org["memberships"][0]["organization_id"], acme.as_str());
    // Without the service token, nobody learns anything.
    let resp = app
        .http
        .get(format!("{}/internal/v1/users/{carol_id}/personal-data", app.settings.auth.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}
