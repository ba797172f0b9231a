//! Invariant: one guarded client for every outbound fetch. SAML metadata, OIDC discovery, JWKS
//! and token endpoints (also those a fetched document names), social OAuth and webhooks all
//! go through the same address guard and one allow-list (`outbound.allowed_networks`;
//! `webhooks.allowed_networks` adds to it for webhooks only). A refusal says that the address
//! is not allowed or that its document is invalid, never what an internal peer answered.

use janua_testkit::webhook_receiver::{Reply, WebhookReceiver};
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

/// A stack made with `configure`, its owner's token and organization.
async fn stack(configure: impl FnOnce(&mut janua_core::config::Settings)) -> (TestStack, String, String) {
    let app = TestStack::spawn_with(configure).await;
    let owner = app.person("owner@acme.test").await.token;
    let org = app.create_org_id(&owner, "Acme").await;
    (app, owner, org)
}

/// Tries to save an SSO configuration; answers the refusal's message for `field`.
async fn refused_configuration(app: &TestStack, owner: &str, body: Value, field: &str) -> String {
    let resp = app.post("/api/v1/sso/configurations", &body, Some(owner)).await;
    let error = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(error["error"]["details"]["field"], field, "{error}");
    error["error"]["message"].as_str().unwrap().to_string()
}

/// Tries to save a SAML configuration whose metadata is at `metadata_url`; answers the
/// refusal's message.
async fn refused_saml(app: &TestStack, owner: &str, org: &str, metadata_url: &str) -> String {
    let body = json!({"organization_id": org, "name": "IdP", "protocol": "saml",
                      "saml": {"idp_metadata_url": metadata_url}});
    refused_configuration(app, owner, body, "saml.idp_metadata_url").await
}

/// Tries to save an OIDC configuration of `issuer`; answers the refusal's message.
async fn refused_oidc(app: &TestStack, owner: &str, org: &str, issuer: &str) -> String {
    let body = json!({"organization_id": org, "name": "IdP", "protocol": "oidc",
                      "oidc": {"issuer": issuer, "client_id": "janua", "client_secret": "s3cret"}});
    refused_configuration(app, owner, body, "oidc.issuer").await
}

#[tokio::test]
async fn sso_fetches_never_reach_refused_addresses_and_say_only_that() {
    // The peers listen on 127.0.0.1, which the stack may reach; 127.0.0.2 stands for the
    // inside of the network, which it may not.
    let (app, owner, org) = stack(|s| s.outbound.allowed_networks = "127.0.0.1/32".into()).await;
    let peer = WebhookReceiver::start().await;
    let port = peer.base().rsplit(':').next().unwrap().to_string();
    let inside = format!("http://127.0.0.2:{port}");
    let metadata = format!("{}/metadata", peer.base());
    let not_allowed = "the address is not allowed";

    // An internal address, directly, behind a redirect, and named by a discovery document.
    let message = refused_saml(&app, &owner, &org, &format!("{inside}/metadata")).await;
    assert!(message.contains(not_allowed), "{message}");
    peer.script([Reply::redirect(&format!("{inside}/metadata"))]);
    let message = refused_saml(&app, &owner, &org, &metadata).await;
    assert!(message.contains(not_allowed), "{message}");
    let message = refused_oidc(&app, &owner, &org, &inside).await;
    assert!(message.contains(not_allowed), "{message}");
    let issuer = peer.base().to_string();
    peer.script([Reply::json(&json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{inside}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"]
    }))]);
    let message = refused_oidc(&app, &owner, &org, &issuer).await;
    assert!(message.contains(not_allowed), "{message}");

    // Credentials in the URL are refused before anything is sent.
    let before = peer.requests().len();
    let with_credentials = format!("http://admin:hunter2@127.0.0.1:{port}/metadata");
    let message = refused_saml(&app, &owner, &org, &with_credentials).await;
    assert!(!message.contains("hunter2"), "{message}");
    assert_eq!(peer.requests().len(), before);

    // An allowed peer's refusal is "invalid", without its status or body.
    peer.script([Reply::status(404).with_body("SECRET-INTERNAL-BODY")]);
    let message = refused_saml(&app, &owner, &org, &metadata).await;
    assert!(message.contains("invalid"), "{message}");
    assert!(!message.contains("404") && !message.contains("SECRET"), "{message}");
    peer.script([Reply::status(500).with_body("SECRET-INTERNAL-BODY")]);
    let message = refused_oidc(&app, &owner, &org, &issuer).await;
    assert!(!message.contains("500") && !message.contains("SECRET"), "{message}");

    // Nothing ever reached the inside: every request the peer saw came to 127.0.0.1 directly.
    for request in peer.requests() {
        assert_ne!(request.header("host").unwrap_or_default(), format!("127.0.0.2:{port}"));
    }
}

#[tokio::test]
async fn the_webhooks_allow_list_keeps_working_and_opens_nothing_else() {
    let (app, owner, org) = stack(|s| {
        s.outbound.allowed_networks = String::new();
        s.webhooks.allowed_networks = "127.0.0.0/8".into();
    })
    .await;
    let receiver = WebhookReceiver::start().await;
    let resp = app
        .post(
            "/api/v1/webhooks",
            &json!({"url": receiver.url(), "events": ["*"], "organization_id": org}),
            Some(&owner),
        )
        .await;
    assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap_or_default());
    let message = refused_saml(&app, &owner, &org, &format!("{}/metadata", receiver.base())).await;
    assert!(message.contains("the address is not allowed"), "{message}");
    assert!(receiver.requests().iter().all(|r| r.path != "/metadata"));
}
