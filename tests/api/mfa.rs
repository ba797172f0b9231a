use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

use janua_testkit::PASSWORD;

/// The code an authenticator app shows `offset` seconds from now.
fn code(secret_b32: &str, offset: i64) -> String {
    janua_testkit::totp_code(secret_b32, offset)
}

/// Signs up and turns TOTP on; returns (token pair, secret, backup codes).
async fn enrolled(app: &TestStack) -> (Value, String, Vec<String>) {
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str();
    let setup = json(app.post("/api/v1/mfa/totp/generate", &json!({}), token).await).await;
    let secret = setup["secret"].as_str().unwrap().to_string();
    assert!(setup["otpauth_url"].as_str().unwrap().starts_with("otpauth://totp/Janua:ada%40example.com?"));
    assert!(setup["qr_code"].as_str().unwrap().starts_with("data:image/png;base64,iVBOR"));
    let enabled = app
        .post("/api/v1/mfa/totp/verify", &json!({"code": code(&secret, 0)}), token)
        .await
        .expect_status(200)
        .await;
    assert_eq!(enabled["enabled"], true);
    let codes: Vec<String> =
        enabled["backup_codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(codes.len(), 10);
    (pair, secret, codes)
}

async fn challenge(app: &TestStack) -> String {
    let body = app.signin("ada@example.com", PASSWORD).await.expect_status(200).await;
    assert_eq!(body["mfa_required"], true);
    assert_eq!(body["methods"], json!(["totp", "backup_code"]));
    assert!(body.get("access_token").is_none());
    body["mfa_token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn enrolment_needs_a_correct_code_and_reports_status() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str();
    let setup = json(app.post("/api/v1/mfa/totp/generate", &json!({}), token).await).await;
    let wrong = app.post("/api/v1/mfa/totp/verify", &json!({"code":"000000"}), token).await;
    wrong.expect_error(401, "INVALID_CREDENTIALS").await;
    let status = json(app.get("/api/v1/mfa/status", token).await).await;
    assert_eq!(status, json!({"totp_enabled": false, "backup_codes_remaining": 0, "passkeys": 0}));
    // Not enabled yet: sign-in still answers tokens directly.
    assert!(json(app.signin("ada@example.com", PASSWORD).await).await.get("access_token").is_some());

    let secret = setup["secret"].as_str().unwrap();
    assert_eq!(
        app.post("/api/v1/mfa/totp/verify", &json!({"code": code(secret, 0)}), token).await.status(),
        200
    );
    let status = json(app.get("/api/v1/mfa/status", token).await).await;
    assert_eq!(status, json!({"totp_enabled": true, "backup_codes_remaining": 10, "passkeys": 0}));
    assert_eq!(json(app.get("/api/v1/mfa/backup-codes", token).await).await, json!({"remaining": 10}));
    assert_eq!(json(app.get("/api/v1/auth/me", token).await).await["mfa_enabled"], true);
    app.post("/api/v1/mfa/totp/generate", &json!({}), token).await.expect_error(409, "CONFLICT").await;
}

#[tokio::test]
async fn signin_with_totp_goes_through_the_mfa_token_and_codes_cannot_be_replayed() {
    let app = TestStack::spawn().await;
    let (_, secret, _) = enrolled(&app).await;
    let mfa_token = challenge(&app).await;
    // The mfa_token is no access token.
    app.get("/api/v1/auth/me", Some(&mfa_token))
        .await
        .expect_refusal(401, "UNAUTHORIZED", "token_scope")
        .await;
    // The code used to enable TOTP is spent (RFC 6238 5.2).
    let replay =
        app.post("/api/v1/mfa/totp/verify-code", &json!({"code": code(&secret, 0)}), Some(&mfa_token)).await;
    replay.expect_error(401, "INVALID_CREDENTIALS").await;
    let next = code(&secret, 30);
    let pair = app
        .post("/api/v1/mfa/totp/verify-code", &json!({"code": next}), Some(&mfa_token))
        .await
        .expect_status(200)
        .await;
    assert_eq!(pair["token_type"], "Bearer");
    app.assert_current_session_method(pair["access_token"].as_str(), "password+totp").await;
    // The mfa_token works once.
    let again =
        app.post("/api/v1/mfa/totp/verify-code", &json!({"code": code(&secret, 30)}), Some(&mfa_token)).await;
    again.expect_error(401, "UNAUTHORIZED").await;
    // And the same code on a fresh challenge is a replay.
    let fresh = challenge(&app).await;
    app.post("/api/v1/mfa/totp/verify-code", &json!({"code": next}), Some(&fresh))
        .await
        .expect_error(401, "INVALID_CREDENTIALS")
        .await;
}

#[tokio::test]
async fn backup_codes_work_once_and_regeneration_retires_the_old_ones() {
    let app = TestStack::spawn().await;
    let (pair, _, codes) = enrolled(&app).await;
    let token = challenge(&app).await;
    let typed = codes[0].to_uppercase();
    let resp = app.post("/api/v1/mfa/backup-codes/verify", &json!({"code": typed}), Some(&token)).await;
    assert_eq!(resp.status(), 200);
    assert!(json(resp).await.get("access_token").is_some());
    let token = challenge(&app).await;
    app.post("/api/v1/mfa/backup-codes/verify", &json!({"code": codes[0]}), Some(&token))
        .await
        .expect_error(401, "INVALID_CREDENTIALS")
        .await;
    assert_eq!(
        json(app.get("/api/v1/mfa/backup-codes", pair["access_token"].as_str()).await).await["remaining"],
        9
    );

    let fresh = json(
        app.post("/api/v1/mfa/backup-codes/regenerate", &json!({}), pair["access_token"].as_str()).await,
    )
    .await;
    assert_eq!(fresh["backup_codes"].as_array().unwrap().len(), 10);
    app.post("/api/v1/mfa/backup-codes/verify", &json!({"code": codes[1]}), Some(&token))
        .await
        .expect_error(401, "INVALID_CREDENTIALS")
        .await;
    let new_code = fresh["backup_codes"][0].as_str().unwrap();
    assert_eq!(
        app.post("/api/v1/mfa/backup-codes/verify", &json!({"code": new_code}), Some(&token)).await.status(),
        200
    );
}

#[tokio::test]
async fn an_mfa_token_allows_few_attempts_and_failures_count_toward_throttling() {
    let app = TestStack::spawn_with(|s| s.rate_limits.signin_failures_per_account = 50).await;
    let (_, secret, _) = enrolled(&app).await;
    let token = challenge(&app).await;
    for _ in 0..5 {
        app.post("/api/v1/mfa/totp/verify-code", &json!({"code":"123456"}), Some(&token))
            .await
            .expect_error(401, "INVALID_CREDENTIALS")
            .await;
    }
    // Even the right code is refused now: the challenge is used up.
    let resp =
        app.post("/api/v1/mfa/totp/verify-code", &json!({"code": code(&secret, 30)}), Some(&token)).await;
    resp.expect_refusal(401, "UNAUTHORIZED", "mfa_token_spent").await;
}

#[tokio::test]
async fn repeated_wrong_codes_are_throttled_like_passwords() {
    let app = TestStack::spawn_with(|s| s.rate_limits.signin_failures_per_account = 3).await;
    enrolled(&app).await;
    let token = challenge(&app).await;
    for _ in 0..3 {
        app.post("/api/v1/mfa/backup-codes/verify", &json!({"code":"wrong-guess"}), Some(&token)).await;
    }
    let resp =
        app.post("/api/v1/mfa/backup-codes/verify", &json!({"code":"wrong-guess"}), Some(&token)).await;
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn disabling_needs_the_password_or_a_code() {
    let app = TestStack::spawn().await;
    let (pair, _, _) = enrolled(&app).await;
    let token = pair["access_token"].as_str();
    let disable = |proof: Value| {
        let app = &app;
        async move { app.send(reqwest::Method::DELETE, "/api/v1/mfa/totp/disable", Some(&proof), token).await }
    };
    disable(json!({"password":"not it at all"})).await.expect_error(401, "INVALID_CREDENTIALS").await;
    disable(json!({})).await.expect_error(400, "VALIDATION_ERROR").await;
    disable(json!({"password": PASSWORD})).await.expect_status(204).await;
    assert_eq!(json(app.get("/api/v1/mfa/status", token).await).await["totp_enabled"], false);
    assert_eq!(json(app.get("/api/v1/auth/me", token).await).await["mfa_enabled"], false);
    assert!(json(app.signin("ada@example.com", PASSWORD).await).await.get("access_token").is_some());
    disable(json!({"password": PASSWORD})).await.expect_error(404, "NOT_FOUND").await;
}

#[tokio::test]
async fn a_magic_link_is_one_factor_and_still_asks_for_the_second() {
    let app = TestStack::spawn().await;
    enrolled(&app).await;
    // A proven address: a link to an unproven one hands the account over instead
    // (magic::a_link_to_an_unproven_account_strips_what_its_registrant_set_up).
    app.verify_email("ada@example.com", 0).await;
    app.send_magic_link("ada@example.com").await;
    let token = app.mailed_token("ada@example.com", "Your sign-in link", 0).await;
    let answer = json(app.get(&format!("/api/v1/auth/magic/verify?token={token}"), None).await).await;
    assert_eq!(answer["mfa_required"], true);
    assert!(answer.get("access_token").is_none());
}
