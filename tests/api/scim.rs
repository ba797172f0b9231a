//! SCIM tokens and SCIM discovery, through the gateway.

use crate::json;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use janua_testkit::scim::{ERROR, GROUP_SCHEMA, LIST_RESPONSE, MEDIA_TYPE, USER_SCHEMA};
use janua_testkit::{ExpectStatus, TestStack, with_bootstrap_admin};
use reqwest::Method;
use serde_json::{Value, json};

#[derive(QueryableByName)]
struct StoredToken {
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    token_hash: Vec<u8>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    revoked: bool,
}

async fn stored_tokens(app: &TestStack) -> Vec<StoredToken> {
    let mut conn = app.db("enterprise").await;
    diesel::sql_query(
        "SELECT token_hash, revoked_at IS NOT NULL AS revoked FROM scim_tokens ORDER BY created_at, id",
    )
    .load(&mut conn)
    .await
    .expect("scim_tokens rows")
}

#[tokio::test]
async fn scim_tokens_are_shown_once_stored_hashed_listed_and_revoked() {
    let app = TestStack::spawn().await;
    let ada = app.person("ada@example.com").await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    let tokens = format!("/api/v1/organizations/{org}/scim-tokens");

    let okta = app
        .post(&tokens, &json!({ "description": "Okta production" }), Some(&ada.token))
        .await
        .expect_status(201)
        .await;
    let secret = okta["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("scim_") && secret.len() > 30, "{secret}");
    assert!(okta["created_at"].as_str().is_some());
    let okta_id = okta["id"].as_str().unwrap().to_string();

    // The body is optional.
    let entra = app.send(Method::POST, &tokens, None, Some(&ada.token)).await.expect_status(201).await;
    assert_ne!(entra["token"], okta["token"]);

    // Listed without secrets.
    let body = app.get(&tokens, Some(&ada.token)).await.expect_status(200).await;
    let listed = body["data"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], okta_id.as_str());
    assert_eq!(listed[0]["description"], "Okta production");
    assert_eq!(listed[0]["created_by"], ada.id.as_str());
    assert_eq!(listed[0]["organization_id"], org.as_str());
    assert!(listed[0]["last_used_at"].is_null());
    assert!(listed[1]["description"].is_null());
    assert!(!body.to_string().contains("scim_"), "{body}");
    assert!(listed.iter().all(|t| t.get("token").is_none()));

    // Only the SHA-256 is kept.
    let stored = stored_tokens(&app).await;
    use sha2::Digest;
    assert_eq!(stored[0].token_hash, sha2::Sha256::digest(secret.as_bytes()).to_vec());
    assert!(!stored[0].revoked);

    // Revoked: gone from the list, marked in the database, and not revocable twice.
    let one = format!("{tokens}/{okta_id}");
    app.delete(&one, Some(&ada.token)).await.expect_status(204).await;
    let resp = app.get(&tokens, Some(&ada.token)).await;
    let listed = json(resp).await["data"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], entra["id"]);
    assert!(stored_tokens(&app).await[0].revoked);
    let resp = app.delete(&one, Some(&ada.token)).await;
    resp.expect_error(404, "NOT_FOUND").await;
    let resp = app.delete(&format!("{tokens}/nope"), Some(&ada.token)).await;
    resp.expect_error(404, "NOT_FOUND").await;

    // Events through the outbox, never with the token.
    let events = app.outbox_events("enterprise").await;
    let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["scim.token_created", "scim.token_created", "scim.token_revoked"]);
    assert_eq!(events[0].1["token_id"], okta_id.as_str());
    assert_eq!(events[0].1["organization_id"], org.as_str());
    assert_eq!(events[2].1["token_id"], okta_id.as_str());
    for (_, payload) in &events {
        assert!(!payload.to_string().contains("scim_"), "{payload}");
    }
}

#[tokio::test]
async fn only_scim_managers_handle_an_organizations_tokens() {
    let app = TestStack::spawn_with(with_bootstrap_admin).await;
    let [ada, bob, carol] = app.people(["ada@example.com", "bob@example.com", "carol@example.com"]).await;
    let org = app.create_org_id(&ada.token, "Acme").await;
    app.add_member(&ada.token, &org, &bob.id, "member").await;
    let tokens = format!("/api/v1/organizations/{org}/scim-tokens");
    let resp = app.send(Method::POST, &tokens, None, Some(&ada.token)).await;
    assert_eq!(resp.status(), 201);
    let id = json(resp).await["id"].as_str().unwrap().to_string();
    let one = format!("{tokens}/{id}");

    // A member without scim:manage: 403; an outsider: 404, as if nothing were there.
    for (who, status, code) in [(&bob, 403, "FORBIDDEN"), (&carol, 404, "NOT_FOUND")] {
        let resp = app.send(Method::POST, &tokens, None, Some(&who.token)).await;
        resp.expect_error(status, code).await;
        let resp = app.get(&tokens, Some(&who.token)).await;
        resp.expect_error(status, code).await;
        let resp = app.delete(&one, Some(&who.token)).await;
        resp.expect_error(status, code).await;
    }
    let resp = app.get(&tokens, None).await;
    resp.expect_error(401, "UNAUTHORIZED").await;
    // The token's secret is not a user token.
    let resp = app.get(&tokens, Some("scim_not-a-jwt")).await;
    resp.expect_error(401, "UNAUTHORIZED").await;

    // Platform admins manage any organization's tokens.
    let admin = app.admin_token().await;
    let resp = app.get(&tokens, Some(&admin)).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["data"].as_array().unwrap().len(), 1);
    app.delete(&one, Some(&admin)).await.expect_status(204).await;

    let resp = app.post(&tokens, &json!({ "description": "x".repeat(1025) }), Some(&ada.token)).await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
}

async fn scim_document(app: &TestStack, path: &str) -> (u16, Value) {
    let resp = app.get(path, None).await;
    let status = resp.status().as_u16();
    let content_type =
        resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(content_type.starts_with(MEDIA_TYPE), "{path}: {content_type}");
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).expect("a JSON body");
    (status, body)
}

#[tokio::test]
async fn scim_discovery_documents_name_their_base_and_media_type() {
    let app = TestStack::spawn().await;
    let public = app.settings.public_url.trim_end_matches('/').to_string();
    for base in ["/api/v1/scim/v2", "/api/v1/scim"] {
        let location = format!("{public}{base}");

        let (status, config) = scim_document(&app, &format!("{base}/ServiceProviderConfig")).await;
        assert_eq!(status, 200);
        assert_eq!(config["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        assert_eq!(config["patch"]["supported"], true);
        assert_eq!(config["authenticationSchemes"][0]["type"], "oauthbearertoken");
        assert_eq!(config["meta"]["location"], format!("{location}/ServiceProviderConfig"));

        let (status, schemas) = scim_document(&app, &format!("{base}/Schemas")).await;
        assert_eq!(status, 200);
        assert_eq!(schemas["schemas"][0], LIST_RESPONSE);
        let ids: Vec<&str> =
            schemas["Resources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&USER_SCHEMA), "{ids:?}");
        assert!(ids.contains(&GROUP_SCHEMA), "{ids:?}");
        assert_eq!(schemas["totalResults"], ids.len());

        let user = USER_SCHEMA;
        let (status, schema) = scim_document(&app, &format!("{base}/Schemas/{user}")).await;
        assert_eq!(status, 200);
        assert_eq!(schema["id"], user);
        assert_eq!(schema["meta"]["location"], format!("{location}/Schemas/{user}"));

        let (status, types) = scim_document(&app, &format!("{base}/ResourceTypes")).await;
        assert_eq!(status, 200);
        assert_eq!(types["totalResults"], 2);
        let (status, user_type) = scim_document(&app, &format!("{base}/ResourceTypes/User")).await;
        assert_eq!(status, 200);
        assert_eq!(user_type["endpoint"], "/Users");
        assert_eq!(user_type["schema"], user);
        assert_eq!(user_type["meta"]["location"], format!("{location}/ResourceTypes/User"));

        // Unknown ones answer a SCIM error, not Janua's envelope.
        let (status, error) = scim_document(&app, &format!("{base}/Schemas/urn:nothing")).await;
        assert_eq!(status, 404);
        assert_eq!(error["schemas"][0], ERROR);
        assert_eq!(error["status"], "404");
        let (status, _) = scim_document(&app, &format!("{base}/ResourceTypes/Widget")).await;
        assert_eq!(status, 404);
    }
}
