//! Invariants: re-authentication means proving a factor, and a stolen access token cannot
//! plant persistence. Sensitive changes need a factor proven within
//! `tokens.reauth_window_secs`; the time of that proof travels as `auth_time`, which a refresh
//! carries unchanged. A password reset ends every session and tells the user what can still
//! sign in.

use crate::json;
use base64::Engine;
use janua_testkit::authenticator::SoftKey;
use janua_testkit::{ExpectStatus, TestStack};
use reqwest::Method;
use serde_json::{Value, json};

use janua_testkit::PASSWORD;

fn claims(access_token: &str) -> Value {
    let payload = access_token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Makes the session's last proven factor an hour old, as if the sign-in were that old.
async fn age_the_proof(app: &TestStack, session_id: &str) {
    use diesel_async::RunQueryDsl;
    let mut conn = app.db("auth").await;
    let n =
        diesel::sql_query("UPDATE sessions SET auth_time = now() - interval '1 hour' WHERE id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(session_id)
            .execute(&mut conn)
            .await
            .unwrap();
    assert_eq!(n, 1);
}

async fn refreshed(app: &TestStack, pair: &Value) -> Value {
    let resp = app.refresh(pair).await;
    assert_eq!(resp.status(), 200);
    json(resp).await
}

/// Every sensitive change a stolen, refreshed access token might try, as (method, path, body).
fn sensitive(user_id: &str) -> Vec<(Method, String, Value)> {
    vec![
        (Method::POST, "/api/v1/passkeys/register/begin".into(), json!({"name": "Planted"})),
        (Method::DELETE, format!("/api/v1/passkeys/{}", uuid::Uuid::now_v7()), Value::Null),
        (Method::POST, "/api/v1/oauth/github/link".into(), json!({})),
        (Method::DELETE, "/api/v1/oauth/github/unlink".into(), Value::Null),
        (Method::POST, "/api/v1/mfa/totp/generate".into(), json!({})),
        (Method::POST, "/api/v1/mfa/totp/verify".into(), json!({"code": "123456"})),
        (Method::POST, "/api/v1/mfa/backup-codes/regenerate".into(), json!({})),
        (Method::PUT, format!("/api/v1/users/{user_id}"), json!({"email": "thief@example.com"})),
        (Method::DELETE, format!("/api/v1/users/{user_id}"), Value::Null),
    ]
}

#[tokio::test]
async fn a_refreshed_token_alone_cannot_make_sensitive_changes_until_a_factor_is_proven() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let user_id = pair["user"]["id"].as_str().unwrap().to_string();
    let signed_in = claims(pair["access_token"].as_str().unwrap());
    assert!(signed_in["auth_time"].as_i64().is_some(), "{signed_in}");
    age_the_proof(&app, signed_in["sid"].as_str().unwrap()).await;

    // A refresh renews the token, not the proof.
    let pair = refreshed(&app, &pair).await;
    let token = pair["access_token"].as_str().unwrap().to_string();
    let stale = claims(&token);
    assert!(stale["iat"].as_i64().unwrap() - stale["auth_time"].as_i64().unwrap() >= 3500);
    for (method, path, body) in sensitive(&user_id) {
        let body = (!body.is_null()).then_some(&body);
        let resp = app.send(method.clone(), &path, body, Some(&token)).await;
        let error = resp.expect_error(401, "UNAUTHORIZED").await;
        assert_eq!(error["error"]["details"]["reason"], "reauthentication_required", "{method} {path}");
    }
    // Nothing was planted and nothing changed.
    let me = json(app.get("/api/v1/auth/me", Some(&token)).await).await;
    assert_eq!(me["email"], "ada@example.com");
    let status = json(app.get("/api/v1/mfa/status", Some(&token)).await).await;
    assert_eq!(status["passkeys"], 0);

    // A wrong password proves nothing (and counts toward throttling); the right one does.
    let resp =
        app.post("/api/v1/auth/reauthenticate", &json!({"password": "not the password"}), Some(&token)).await;
    resp.expect_error(401, "INVALID_CREDENTIALS").await;
    let proven = app
        .post("/api/v1/auth/reauthenticate", &json!({"password": PASSWORD}), Some(&token))
        .await
        .expect_status(200)
        .await;
    let fresh = proven["access_token"].as_str().unwrap().to_string();
    let fresh_claims = claims(&fresh);
    assert_eq!(fresh_claims["sid"], stale["sid"]);
    assert_eq!(fresh_claims["auth_time"], proven["auth_time"]);
    let mut key = SoftKey::new();
    let (_, resp) = app.register_passkey(&fresh, &mut key, "Laptop").await;
    assert_eq!(resp.status(), 201);
    // The session remembers the proof: its next refresh carries it.
    let again = refreshed(&app, &pair).await;
    assert_eq!(claims(again["access_token"].as_str().unwrap())["auth_time"], proven["auth_time"]);
    let events = app.outbox_events("auth").await;
    events.assert_has_with("user.reauthenticated", "factor", "password");
    events.assert_has_with("user.signin_failed", "reason", "reauthentication_failed");
}

#[tokio::test]
async fn a_totp_code_is_a_proof_too() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let (secret, _) = app.enable_totp(pair["access_token"].as_str().unwrap()).await;
    age_the_proof(&app, claims(pair["access_token"].as_str().unwrap())["sid"].as_str().unwrap()).await;
    let pair = refreshed(&app, &pair).await;
    let token = pair["access_token"].as_str().unwrap();
    let resp = app.post("/api/v1/mfa/backup-codes/regenerate", &json!({}), Some(token)).await;
    resp.expect_error(401, "UNAUTHORIZED").await;
    // The step the enrolment used is spent; the next one is a fresh code.
    let resp = app
        .post(
            "/api/v1/auth/reauthenticate",
            &json!({"code": janua_testkit::totp_code(&secret, 30)}),
            Some(token),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let fresh = json(resp).await["access_token"].as_str().unwrap().to_string();
    app.post("/api/v1/mfa/backup-codes/regenerate", &json!({}), Some(&fresh)).await.expect_status(200).await;
    let resp = app.post("/api/v1/auth/reauthenticate", &json!({}), Some(&fresh)).await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_lists_what_can_still_sign_in() {
    let app = TestStack::spawn().await;
    let token = app.person("ada@example.com").await.token;
    let mut key = SoftKey::new();
    let (_, resp) = app.register_passkey(&token, &mut key, "Planted by a thief").await;
    assert_eq!(resp.status(), 201);
    app.forgot_password("ada@example.com").await;
    let reset = app.mailed_token("ada@example.com", "Reset your password", 0).await;
    app.reset_password(&reset, "a brand new passphrase").await.expect_status(200).await;
    app.assert_token_refused(Some(&token)).await;
    let notice = app.mail_body("ada@example.com", "Your password was reset", 0).await;
    assert!(notice.contains("every session was signed out"), "{notice}");
    assert!(notice.contains("one passkey"), "{notice}");
}
