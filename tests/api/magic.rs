use crate::json;
use janua_testkit::{ExpectStatus, PASSWORD, TestStack, token_from_link};

async fn link_for(app: &TestStack, to: &str, nth: usize) -> String {
    let body = app.mail_body(to, "Your sign-in link", nth).await;
    assert!(body.contains(&format!("{}/magic-link?token=", app.gateway_url)), "{body}");
    token_from_link(&body)
}

#[tokio::test]
async fn a_magic_link_signs_in_once_and_verifies_the_email() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    assert_eq!(pair["user"]["email_verified"], false);
    app.send_magic_link("Ada@Example.com").await.expect_status(202).await;
    let token = link_for(&app, "ada@example.com", 0).await;
    let signed_in =
        app.get(&format!("/api/v1/auth/magic/verify?token={token}"), None).await.expect_status(200).await;
    assert_eq!(signed_in["user"]["id"], pair["user"]["id"]);
    assert_eq!(signed_in["user"]["email_verified"], true);
    assert_eq!(app.get("/api/v1/auth/me", signed_in["access_token"].as_str()).await.status(), 200);
    app.assert_current_session_method(signed_in["access_token"].as_str(), "magic_link").await;
    // Single use.
    let again = app.get(&format!("/api/v1/auth/magic/verify?token={token}"), None).await;
    again.expect_error(401, "UNAUTHORIZED").await;
    app.get("/api/v1/auth/magic/verify?token=made-up", None).await.expect_error(401, "UNAUTHORIZED").await;
    app.get("/api/v1/auth/magic/verify", None).await.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn unknown_emails_get_the_same_answer_and_no_mail_unless_signup_by_link_is_on() {
    let app = TestStack::spawn().await;
    app.signup("ada@example.com", PASSWORD).await;
    let known = app.send_magic_link("ada@example.com").await;
    let unknown = app.send_magic_link("nobody@example.com").await;
    assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (202, 202));
    assert_eq!(json(known).await, json(unknown).await);
    link_for(&app, "ada@example.com", 0).await;
    assert!(app.smtp.mails_to("nobody@example.com").is_empty());
}

#[tokio::test]
async fn with_signup_by_link_a_new_address_gets_an_account() {
    let app = TestStack::spawn_with(|s| s.magic_links.signup_enabled = true).await;
    app.send_magic_link("new@example.com").await;
    let token = link_for(&app, "new@example.com", 0).await;
    let pair = json(app.get(&format!("/api/v1/auth/magic/verify?token={token}"), None).await).await;
    assert_eq!(pair["user"]["email"], "new@example.com");
    assert_eq!(pair["user"]["email_verified"], true);
    assert_eq!(app.get("/api/v1/auth/me", pair["access_token"].as_str()).await.status(), 200);
    // The account has no password: password sign-in fails the same way as for anyone.
    app.signin("new@example.com", PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
}

#[tokio::test]
async fn expired_links_fail_and_one_address_cannot_be_flooded() {
    let app = TestStack::spawn_with(|s| {
        s.magic_links.ttl_secs = 1;
        s.magic_links.per_email_per_hour = 2;
    })
    .await;
    app.signup("ada@example.com", PASSWORD).await;
    for _ in 0..4 {
        assert_eq!(app.send_magic_link("ada@example.com").await.status(), 202);
    }
    let token = link_for(&app, "ada@example.com", 0).await;
    link_for(&app, "ada@example.com", 1).await;
    // Wait (without spending it) until the link's 1-second life is over, then try it.
    let live =
        "SELECT count(*) AS n FROM one_time_tokens WHERE purpose = 'magic_link' AND expires_at > now()";
    app.wait_for_count("the link to expire", "auth", live, 0).await;
    let resp = app.get(&format!("/api/v1/auth/magic/verify?token={token}"), None).await;
    resp.expect_error(401, "UNAUTHORIZED").await;
    let links = app.mail_count("ada@example.com", "Your sign-in link");
    assert_eq!(links, 2, "requests past the hourly budget are dropped");
}
