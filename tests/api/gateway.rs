use crate::json;
use janua_testkit::{ExpectStatus, PASSWORD, TestStack};
use serde_json::json;

#[tokio::test]
async fn every_edge_case_answers_the_envelope() {
    let app = TestStack::spawn().await;
    // Unknown route.
    app.get("/api/v1/nope", None).await.expect_error(404, "NOT_FOUND").await;
    let someone = app.person("edge@example.com").await;
    app.get("/api/v1/nope", Some(&someone.token)).await.expect_error(404, "NOT_FOUND").await;
    // Known path, wrong method.
    let resp = app.delete("/api/v1/auth/signin", None).await;
    assert_eq!(resp.headers()["allow"], "POST");
    resp.expect_error(405, "METHOD_NOT_ALLOWED").await;
    // Oversized body.
    let big = "x".repeat(1024 * 1024 + 1);
    let resp = app.post_raw("/api/v1/auth/signin", "application/json", big).await;
    resp.expect_error(413, "PAYLOAD_TOO_LARGE").await;
    // Not JSON.
    let resp = app.post_raw("/api/v1/auth/signin", "text/plain", "email=a").await;
    resp.expect_error(415, "UNSUPPORTED_MEDIA_TYPE").await;
    // Malformed JSON and a missing field.
    let resp = app.post_raw("/api/v1/auth/signin", "application/json", "{\"email\":").await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
    let resp = app.post("/api/v1/auth/signin", &json!({"email":"a@b.co"}), None).await;
    let body = resp.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "password");
    // No token, garbage token.
    app.assert_token_refused(None).await;
    app.assert_token_refused(Some("garbage")).await;
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestStack::spawn().await;
    let resp =
        app.http.get(app.url("/api/v1/health")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
    let resp = app.get("/api/v1/nope", None).await;
    assert_eq!(resp.headers()["x-request-id"].to_str().unwrap().len(), 36);
}

#[tokio::test]
async fn rate_limit_headers_count_down_and_429_comes_with_retry_after() {
    let app = TestStack::spawn_with(|s| s.rate_limits.anonymous_per_min = 3).await;
    for remaining in (0..3).rev() {
        let resp = app.get("/api/v1/health", None).await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-ratelimit-limit"], "3");
        assert_eq!(resp.headers()["x-ratelimit-remaining"], remaining.to_string().as_str());
        let reset: i64 = resp.headers()["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!(reset > chrono::Utc::now().timestamp());
    }
    let resp = app.get("/api/v1/nope", None).await;
    assert!(resp.headers().contains_key("retry-after"));
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn signed_in_users_get_the_authenticated_tier() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let resp = app.get("/api/v1/auth/me", pair["access_token"].as_str()).await;
    assert_eq!(resp.headers()["x-ratelimit-limit"], "1000");
    assert_eq!(app.get("/api/v1/health", None).await.headers()["x-ratelimit-limit"], "100");
}

#[tokio::test]
async fn an_upstream_that_is_down_is_a_503() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestStack::spawn_with(|s| {
        s.http.upstream_connect_timeout_ms = 300;
        s.identity.url = format!("http://127.0.0.1:{port}");
    })
    .await;
    let resp = app
        .post("/api/v1/auth/signin", &json!({"email":"ada@example.com","password":"whatever it is"}), None)
        .await;
    resp.expect_error(503, "SERVICE_UNAVAILABLE").await;
    // The gateway stays ready: a sibling's outage must not take every replica out of its
    // Service.
    let resp = app.http.get(app.url("/api/v1/health/ready")).send().await.unwrap();
    assert_eq!(json(resp).await["status"], "ready");
}

/// An upstream whose first connection closes as a request arrives on it (what a server does
/// when its keep-alive ends just as the gateway reuses the connection); later connections
/// answer `{}`. Answers the number of connections it accepted so far.
async fn closing_then_answering_upstream() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                if first {
                    return; // closed without an answer
                }
                let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}";
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_safe_request_whose_upstream_connection_closes_is_sent_once_more_and_an_unsafe_one_is_not() {
    use std::sync::atomic::Ordering;
    let (url, accepted) = closing_then_answering_upstream().await;
    let app = TestStack::spawn_with(|s| s.identity.url = url).await;
    let resp = app.get("/api/v1/localization/locales", None).await;
    assert_eq!(resp.status(), 200, "a GET is sent again on a fresh connection");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);

    let (url, accepted) = closing_then_answering_upstream().await;
    let app = TestStack::spawn_with(|s| s.enterprise.url = url).await;
    let resp = app
        .http
        .post(app.url("/api/v1/sso/saml/acs"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState=x")
        .send()
        .await
        .unwrap();
    resp.expect_error(503, "SERVICE_UNAVAILABLE").await;
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "a POST is never sent twice");
}

#[tokio::test]
async fn the_openapi_document_lists_every_routed_endpoint_and_nothing_else() {
    let app = TestStack::spawn().await;
    let doc = app.get("/api/v1/openapi.json", None).await.expect_status(200).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let expected = [
        ("post", "/api/v1/auth/signup"),
        ("post", "/api/v1/auth/signin"),
        ("post", "/api/v1/auth/signout"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/auth/forgot-password"),
        ("post", "/api/v1/auth/reset-password"),
        ("post", "/api/v1/auth/verify-email"),
        ("post", "/api/v1/auth/resend-verification"),
        ("post", "/api/v1/auth/reauthenticate"),
        ("get", "/api/v1/auth/me"),
        ("get", "/.well-known/jwks.json"),
        ("get", "/api/v1/auth/.well-known/jwks.json"),
        ("get", "/api/v1/users/{user_id}"),
        ("put", "/api/v1/users/{user_id}"),
        ("get", "/api/v1/health"),
        ("get", "/api/v1/health/live"),
        ("get", "/api/v1/health/ready"),
        ("get", "/api/v1/health/detailed"),
        ("get", "/api/v1/openapi.json"),
        ("get", "/api/v1/sessions"),
        ("delete", "/api/v1/sessions/all"),
        ("get", "/api/v1/sessions/{session_id}"),
        ("delete", "/api/v1/sessions/{session_id}"),
        ("get", "/api/v1/users/{user_id}/sessions"),
        ("post", "/api/v1/users/{user_id}/change-password"),
        ("post", "/api/v1/auth/magic/send"),
        ("get", "/api/v1/auth/magic/verify"),
        ("post", "/api/v1/mfa/totp/generate"),
        ("post", "/api/v1/mfa/totp/verify"),
        ("delete", "/api/v1/mfa/totp/disable"),
        ("post", "/api/v1/mfa/totp/verify-code"),
        ("get", "/api/v1/mfa/backup-codes"),
        ("post", "/api/v1/mfa/backup-codes/regenerate"),
        ("post", "/api/v1/mfa/backup-codes/verify"),
        ("get", "/api/v1/mfa/status"),
        ("post", "/api/v1/passkeys/register/begin"),
        ("post", "/api/v1/passkeys/register/complete"),
        ("post", "/api/v1/passkeys/authenticate/begin"),
        ("post", "/api/v1/passkeys/authenticate/complete"),
        ("get", "/api/v1/passkeys"),
        ("delete", "/api/v1/passkeys/{passkey_id}"),
        ("get", "/api/v1/oauth/{provider}/authorize"),
        ("get", "/api/v1/oauth/{provider}/callback"),
        ("post", "/api/v1/oauth/{provider}/link"),
        ("delete", "/api/v1/oauth/{provider}/unlink"),
        ("get", "/api/v1/organizations"),
        ("post", "/api/v1/organizations"),
        ("get", "/api/v1/organizations/{org_id}"),
        ("put", "/api/v1/organizations/{org_id}"),
        ("delete", "/api/v1/organizations/{org_id}"),
        ("get", "/api/v1/organizations/{org_id}/members"),
        ("post", "/api/v1/organizations/{org_id}/members"),
        ("delete", "/api/v1/organizations/{org_id}/members/{user_id}"),
        ("put", "/api/v1/organizations/{org_id}/members/{user_id}/role"),
        ("get", "/api/v1/users/{user_id}/organizations"),
        ("post", "/api/v1/invitations/organizations/{org_id}/invitations"),
        ("get", "/api/v1/invitations/organizations/{org_id}/invitations"),
        ("get", "/api/v1/invitations/invitations/{invite_id}"),
        ("delete", "/api/v1/invitations/invitations/{invite_id}"),
        ("post", "/api/v1/invitations/invitations/{invite_id}/accept"),
        ("post", "/api/v1/invitations/invitations/{invite_id}/resend"),
        ("get", "/api/v1/policies"),
        ("post", "/api/v1/policies"),
        ("get", "/api/v1/policies/{policy_id}"),
        ("put", "/api/v1/policies/{policy_id}"),
        ("delete", "/api/v1/policies/{policy_id}"),
        ("post", "/api/v1/policies/{policy_id}/evaluate"),
        ("get", "/api/v1/rbac/permissions"),
        ("get", "/api/v1/rbac/roles"),
        ("post", "/api/v1/rbac/roles"),
        ("get", "/api/v1/rbac/roles/{role_id}"),
        ("put", "/api/v1/rbac/roles/{role_id}"),
        ("delete", "/api/v1/rbac/roles/{role_id}"),
        ("post", "/api/v1/rbac/users/{user_id}/roles"),
        ("delete", "/api/v1/rbac/users/{user_id}/roles/{role_id}"),
        ("get", "/api/v1/webhooks"),
        ("post", "/api/v1/webhooks"),
        ("get", "/api/v1/webhooks/{webhook_id}"),
        ("put", "/api/v1/webhooks/{webhook_id}"),
        ("delete", "/api/v1/webhooks/{webhook_id}"),
        ("post", "/api/v1/webhooks/{webhook_id}/test"),
        ("get", "/api/v1/webhooks/{webhook_id}/deliveries"),
        ("post", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"),
        ("get", "/api/v1/users"),
        ("get", "/api/v1/admin/users"),
        ("post", "/api/v1/admin/users/{user_id}/suspend"),
        ("post", "/api/v1/admin/users/{user_id}/unsuspend"),
        ("delete", "/api/v1/users/{user_id}"),
        ("delete", "/api/v1/admin/users/{user_id}/force-delete"),
        ("get", "/api/v1/admin/stats"),
        ("post", "/api/v1/admin/cache/clear"),
        ("get", "/api/v1/websocket/ws"),
        ("get", "/api/v1/audit-logs"),
        ("get", "/api/v1/audit-logs/{log_id}"),
        ("get", "/api/v1/audit-logs/events"),
        ("get", "/api/v1/audit-logs/verify"),
        ("get", "/api/v1/audit-logs/users/{user_id}"),
        ("get", "/api/v1/audit-logs/organizations/{org_id}"),
        ("post", "/api/v1/audit-logs/export"),
        ("get", "/api/v1/compliance/frameworks"),
        ("get", "/api/v1/compliance/controls"),
        ("get", "/api/v1/compliance/reports"),
        ("post", "/api/v1/compliance/reports"),
        ("get", "/api/v1/compliance/reports/{report_id}"),
        ("get", "/api/v1/compliance/reports/{report_id}/download"),
        ("get", "/api/v1/compliance/privacy/data-subject-requests"),
        ("post", "/api/v1/compliance/privacy/data-subject-requests"),
        ("get", "/api/v1/compliance/privacy/data-subject-requests/{request_id}"),
        ("patch", "/api/v1/compliance/privacy/data-subject-requests/{request_id}"),
        ("post", "/api/v1/compliance/privacy/data-export"),
        ("get", "/api/v1/compliance/privacy/data-export/{export_id}"),
        ("get", "/api/v1/compliance/privacy/data-export/{export_id}/download"),
        ("post", "/api/v1/compliance/privacy/data-deletion"),
        ("get", "/api/v1/compliance/privacy/data-deletion/{deletion_id}"),
        ("post", "/api/v1/compliance/privacy/data-deletion/{deletion_id}/cancel"),
        // The same routers outside /api/v1.
        ("post", "/api/invitations/organizations/{org_id}/invitations"),
        ("get", "/api/invitations/organizations/{org_id}/invitations"),
        ("get", "/api/invitations/invitations/{invite_id}"),
        ("delete", "/api/invitations/invitations/{invite_id}"),
        ("post", "/api/invitations/invitations/{invite_id}/accept"),
        ("post", "/api/invitations/invitations/{invite_id}/resend"),
        ("get", "/api/policies"),
        ("post", "/api/policies"),
        ("get", "/api/policies/{policy_id}"),
        ("put", "/api/policies/{policy_id}"),
        ("delete", "/api/policies/{policy_id}"),
        ("post", "/api/policies/{policy_id}/evaluate"),
        ("get", "/api/audit-logs"),
        ("get", "/api/audit-logs/{log_id}"),
        ("get", "/api/audit-logs/events"),
        ("get", "/api/audit-logs/verify"),
        ("get", "/api/audit-logs/users/{user_id}"),
        ("get", "/api/audit-logs/organizations/{org_id}"),
        ("post", "/api/audit-logs/export"),
        ("get", "/api/v1/sso/configurations"),
        ("post", "/api/v1/sso/configurations"),
        ("get", "/api/v1/sso/configurations/{config_id}"),
        ("put", "/api/v1/sso/configurations/{config_id}"),
        ("delete", "/api/v1/sso/configurations/{config_id}"),
        ("post", "/api/v1/sso/configurations/{config_id}/domains/{domain}/verify"),
        ("get", "/api/v1/sso/start"),
        ("get", "/api/v1/sso/saml/metadata/{config_id}"),
        ("post", "/api/v1/sso/saml/acs"),
        ("post", "/api/v1/sso/saml/slo"),
        ("post", "/api/v1/sso/oidc/callback"),
        ("post", "/api/v1/organizations/{org_id}/scim-tokens"),
        ("get", "/api/v1/organizations/{org_id}/scim-tokens"),
        ("delete", "/api/v1/organizations/{org_id}/scim-tokens/{token_id}"),
        ("get", "/api/v1/scim/v2/ServiceProviderConfig"),
        ("get", "/api/v1/scim/v2/Schemas"),
        ("get", "/api/v1/scim/v2/Schemas/{id}"),
        ("get", "/api/v1/scim/v2/ResourceTypes"),
        ("get", "/api/v1/scim/v2/ResourceTypes/{id}"),
        ("post", "/api/v1/scim/v2/.search"),
        ("post", "/api/v1/scim/v2/Users/.search"),
        ("post", "/api/v1/scim/v2/Groups/.search"),
        ("get", "/api/v1/scim/v2/Users"),
        ("post", "/api/v1/scim/v2/Users"),
        ("get", "/api/v1/scim/v2/Users/{user_id}"),
        ("put", "/api/v1/scim/v2/Users/{user_id}"),
        ("patch", "/api/v1/scim/v2/Users/{user_id}"),
        ("delete", "/api/v1/scim/v2/Users/{user_id}"),
        ("get", "/api/v1/scim/v2/Groups"),
        ("post", "/api/v1/scim/v2/Groups"),
        ("get", "/api/v1/scim/v2/Groups/{group_id}"),
        ("put", "/api/v1/scim/v2/Groups/{group_id}"),
        ("patch", "/api/v1/scim/v2/Groups/{group_id}"),
        ("delete", "/api/v1/scim/v2/Groups/{group_id}"),
        ("get", "/api/v1/scim/ServiceProviderConfig"),
        ("get", "/api/v1/scim/Schemas"),
        ("get", "/api/v1/scim/Schemas/{id}"),
        ("get", "/api/v1/scim/ResourceTypes"),
        ("get", "/api/v1/scim/ResourceTypes/{id}"),
        ("post", "/api/v1/scim/.search"),
        ("post", "/api/v1/scim/Users/.search"),
        ("post", "/api/v1/scim/Groups/.search"),
        ("get", "/api/v1/scim/Users"),
        ("post", "/api/v1/scim/Users"),
        ("get", "/api/v1/scim/Users/{user_id}"),
        ("put", "/api/v1/scim/Users/{user_id}"),
        ("patch", "/api/v1/scim/Users/{user_id}"),
        ("delete", "/api/v1/scim/Users/{user_id}"),
        ("get", "/api/v1/scim/Groups"),
        ("post", "/api/v1/scim/Groups"),
        ("get", "/api/v1/scim/Groups/{group_id}"),
        ("put", "/api/v1/scim/Groups/{group_id}"),
        ("patch", "/api/v1/scim/Groups/{group_id}"),
        ("delete", "/api/v1/scim/Groups/{group_id}"),
        ("get", "/api/v1/localization/locales"),
        ("get", "/api/v1/localization/translations/{locale_code}"),
        ("post", "/api/v1/localization/translations"),
        ("delete", "/api/v1/localization/translations/{locale_code}/{key}"),
        ("get", "/api/v1/localization/translation-keys"),
        ("post", "/api/v1/localization/translation-keys"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in expected {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(operations, expected.len(), "no undocumented extras, no internal routes");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["securitySchemes"]["scim_token"].is_object());
    assert!(doc["components"]["schemas"]["ErrorEnvelope"].is_object());
    assert!(doc["components"]["schemas"]["TokenPair"].is_object());
}

/// The wire codes and messages of the gateway's edge cases, pinned: a change here is a
/// change of the contract.
#[tokio::test]
async fn error_envelopes_do_not_drift() {
    let app = TestStack::spawn().await;
    let mut bodies = Vec::new();
    for resp in [
        app.get("/api/v1/nope", None).await,
        app.send(reqwest::Method::PATCH, "/api/v1/auth/me", None, None).await,
        app.post_raw("/api/v1/auth/signin", "text/plain", "x").await,
        app.post_raw("/api/v1/auth/signin", "application/json", "{").await,
        app.post_raw("/api/v1/auth/signin", "application/json", "x".repeat(1024 * 1024 + 1)).await,
        app.post("/api/v1/auth/signup", &json!({"email":"a@example.com","password":"short"}), None).await,
        app.get("/api/v1/auth/me", None).await,
        app.signin("nobody@example.com", "wrong password here").await,
    ] {
        bodies.push(json!({"status": resp.status().as_u16(), "body": json(resp).await}));
    }
    insta::assert_json_snapshot!(bodies);
}

#[tokio::test]
async fn gateway_replicas_share_rate_limits_through_redis() {
    use janua_gateway::rate_limit::{RateLimiter, Tier};
    let mut settings = janua_core::config::Settings::default();
    settings.rate_limits.anonymous_per_min = 6;
    let prefix = format!("janua-test-{}", uuid::Uuid::new_v4().simple());
    let redis = janua_service::redis(&settings).await.unwrap();
    let replicas = [0, 1].map(|_| RateLimiter::new(redis.clone(), &prefix, settings.rate_limits.clone()));
    // Counts are per minute: start well inside one, so that every request below shares it.
    janua_testkit::eventually("a minute with 5 s left", std::time::Duration::from_secs(10), || async {
        (chrono::Utc::now().timestamp() % 60 < 55).then_some(())
    })
    .await;
    let hit = |r: usize| {
        let replica = replicas[r].clone();
        async move { replica.hit(Tier::Anonymous, "203.0.113.9").await.unwrap() }
    };
    // Each replica counts its own requests between syncs; the first asks Redis, so the second
    // replica starts from the first one's first request.
    for (r, remaining) in [(0, [5, 4, 3]), (1, [4, 3, 2])] {
        for left in remaining {
            let decision = hit(r).await;
            assert!(decision.allowed);
            assert_eq!(decision.remaining, left);
        }
    }
    // Each sync adds them up.
    for replica in &replicas {
        replica.sync().await;
    }
    assert!(!hit(1).await.allowed, "the replica that synced last knows every request");
    replicas[0].sync().await;
    assert!(hit(0).await.allowed, "a replica that had nothing to add learns at its next sync");
    replicas[0].sync().await;
    assert!(!hit(0).await.allowed);
    // Every request was counted in Redis once.
    for replica in &replicas {
        replica.sync().await;
    }
    let mut conn = redis.clone();
    let counted: u32 = redis::cmd("GET")
        .arg(format!("{prefix}:rl:Anonymous:203.0.113.9:{}", chrono::Utc::now().timestamp() / 60))
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(counted, 9);
    for replica in &replicas {
        replica.forget();
    }
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:rl:Anonymous:203.0.113.9:{}", chrono::Utc::now().timestamp() / 60))
        .query_async(&mut conn)
        .await
        .unwrap();
}
