use crate::json;
use janua_testkit::{ExpectStatus, TestStack, token_from_link};
use serde_json::json;

use janua_testkit::PASSWORD;

#[tokio::test]
async fn the_verification_link_from_the_real_mail_verifies_once() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let body = app.mail_body("ada@example.com", "Confirm your email address", 0).await;
    assert!(body.contains(&format!("{}/verify-email?token=", app.gateway_url)), "{body}");
    let token = token_from_link(&body);
    // Only the SHA-256 of the token is stored.
    let resp = app.post("/api/v1/auth/verify-email", &json!({"token": token}), None).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(json(resp).await["email_verified"], true);
    let me = json(app.get("/api/v1/auth/me", pair["access_token"].as_str()).await).await;
    assert_eq!(me["email_verified"], true);
    let again = app.post("/api/v1/auth/verify-email", &json!({"token": token}), None).await;
    again.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn resend_verification_sends_a_new_link_and_the_old_one_dies() {
    let app = TestStack::spawn().await;
    app.signup("ada@example.com", PASSWORD).await;
    let first = app.mailed_token("ada@example.com", "Confirm your email address", 0).await;
    app.post("/api/v1/auth/resend-verification", &json!({"email":"ada@example.com"}), None)
        .await
        .expect_status(202)
        .await;
    let second = app.mailed_token("ada@example.com", "Confirm your email address", 1).await;
    assert_ne!(first, second);
    app.post("/api/v1/auth/verify-email", &json!({"token": first}), None)
        .await
        .expect_error(400, "VALIDATION_ERROR")
        .await;
    assert_eq!(app.post("/api/v1/auth/verify-email", &json!({"token": second}), None).await.status(), 200);
}

#[tokio::test]
async fn forgot_and_resend_answer_202_for_unknown_emails_and_send_nothing() {
    let app = TestStack::spawn().await;
    app.signup("ada@example.com", PASSWORD).await;
    for path in ["/api/v1/auth/forgot-password", "/api/v1/auth/resend-verification"] {
        let known = app.post(path, &json!({"email":"ada@example.com"}), None).await;
        let unknown = app.post(path, &json!({"email":"nobody@example.com"}), None).await;
        assert_eq!(known.status(), 202);
        assert_eq!(unknown.status(), 202);
        assert_eq!(json(known).await, json(unknown).await);
    }
    app.mail_body("ada@example.com", "Reset your password", 0).await;
    assert!(app.smtp.mails_to("nobody@example.com").is_empty());
}

#[tokio::test]
async fn reset_password_sets_the_new_password_revokes_sessions_and_is_single_use() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    assert_eq!(app.forgot_password("Ada@example.com").await.status(), 202);
    let body = app.mail_body("ada@example.com", "Reset your password", 0).await;
    assert!(body.contains(&format!("{}/reset-password?token=", app.gateway_url)));
    let token = token_from_link(&body);

    app.reset_password(&token, "short").await.expect_error(400, "VALIDATION_ERROR").await;
    app.reset_password(&token, "a brand new passphrase").await.expect_status(200).await;

    app.assert_token_refused(pair["access_token"].as_str()).await;
    app.signin("ada@example.com", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    assert_eq!(app.signin("ada@example.com", "a brand new passphrase").await.status(), 200);
    let reuse = app.reset_password(&token, "yet another passphrase").await;
    reuse.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_and_loses_none() {
    let app = TestStack::spawn().await;
    app.smtp.refuse(true);
    app.signup("ada@example.com", PASSWORD).await;
    // The server refuses: the mail waits in the queue, sealed, with the failure recorded.
    let failed = "SELECT count(*) AS n FROM outgoing_emails WHERE sent_at IS NULL AND attempts > 0 AND body_sealed IS NOT NULL";
    app.wait_for_count("a failed send attempt", "auth", failed, 1).await;
    assert!(app.smtp.mails().is_empty());
    app.smtp.refuse(false);
    let body = app.mail_body("ada@example.com", "Confirm your email address", 0).await;
    assert!(body.contains("verify-email?token="));
    let sent = app
        .count(
            "auth",
            "SELECT count(*) AS n FROM outgoing_emails WHERE sent_at IS NOT NULL AND body_sealed IS NULL",
        )
        .await;
    assert_eq!(sent, 1, "a sent mail keeps no body");
}
