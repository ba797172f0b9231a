use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::json;

use janua_testkit::PASSWORD;
const WRONG_PASSWORD: &str = "wrong password here";

#[tokio::test]
async fn signup_answers_a_token_pair_and_me_returns_the_user() {
    let app = TestStack::spawn().await;
    let pair = app.signup("Ada@Example.com", PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(pair["user"]["email"], "ada@example.com");
    assert_eq!(pair["user"]["email_verified"], false);
    assert!(pair["user"].get("roles").is_none());
    let me = app.get("/api/v1/auth/me", pair["access_token"].as_str()).await.expect_status(200).await;
    assert_eq!(me["id"], pair["user"]["id"]);
    assert_eq!(me["status"], "active");
}

#[tokio::test]
async fn signup_with_a_registered_email_is_a_conflict_and_leaves_no_second_account() {
    let app = TestStack::spawn().await;
    app.signup("grace@example.com", PASSWORD).await;
    let resp = app
        .post(
            "/api/v1/auth/signup",
            &json!({"email":"GRACE@example.com","password":"another good passphrase"}),
            None,
        )
        .await;
    resp.expect_error(409, "CONFLICT").await;
    // The first password still works; nothing was overwritten.
    assert_eq!(app.signin("grace@example.com", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn signup_validates_email_and_password() {
    let app = TestStack::spawn().await;
    for (body, field) in [
        (json!({"email":"ada@example.com","password":"short"}), "password"),
        (json!({"email":"ada@example.com","password":"x".repeat(129)}), "password"),
        (json!({"email":"ada@example.com","password":"1234567890"}), "password"),
        (json!({"email":"ada@example.com","password":"PASSWORD1234"}), "password"),
        (json!({"email":"not-an-email","password":PASSWORD}), "email"),
        (json!({"password":PASSWORD}), "email"),
    ] {
        let resp = app.post("/api/v1/auth/signup", &body, None).await;
        let err = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(err["error"]["details"]["field"], field, "{body}");
    }
    // A 128-character password is accepted as it is, not truncated.
    let long = "Ä".repeat(120) + "abcdefgh";
    app.signup("long@example.com", &long).await;
    assert_eq!(app.signin("long@example.com", &long).await.status(), 200);
    assert_eq!(app.signin("long@example.com", &long[..long.len() - 1]).await.status(), 401);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let app = TestStack::spawn().await;
    app.signup("ada@example.com", PASSWORD).await;
    let wrong =
        app.signin("ada@example.com", WRONG_PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    let unknown =
        app.signin("nobody@example.com", WRONG_PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn refresh_rotates_the_token_and_reuse_revokes_the_whole_session() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let second = app.refresh(&pair).await.expect_status(200).await;
    assert_ne!(second["refresh_token"], pair["refresh_token"]);
    assert_eq!(app.get("/api/v1/auth/me", second["access_token"].as_str()).await.status(), 200);

    // The spent token comes back: refused, and the session is gone for everyone.
    let reuse = app.refresh(&pair).await;
    reuse.expect_refusal(401, "UNAUTHORIZED", "refresh_token_reused").await;
    let me = app.get("/api/v1/auth/me", second["access_token"].as_str()).await;
    me.expect_refusal(401, "UNAUTHORIZED", "token_revoked").await;
    let next = app.refresh(&second).await;
    next.expect_error(401, "UNAUTHORIZED").await;
    app.refresh(&json!({"refresh_token": "made-up"})).await.expect_error(401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn signout_makes_the_access_and_refresh_tokens_fail_at_once() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let other = json(app.signin("ada@example.com", PASSWORD).await).await;
    let token = pair["access_token"].as_str();
    app.post("/api/v1/auth/signout", &json!({}), token).await.expect_status(204).await;
    app.assert_token_refused(token).await;
    app.refresh(&pair).await.expect_error(401, "UNAUTHORIZED").await;
    // Directly against identity too: services check revocation themselves.
    let direct = app
        .http
        .get(format!("{}/api/v1/auth/me", app.identity_url))
        .bearer_auth(token.unwrap())
        .send()
        .await
        .unwrap();
    direct.expect_error(401, "UNAUTHORIZED").await;
    // The other session lives on.
    assert_eq!(app.get("/api/v1/auth/me", other["access_token"].as_str()).await.status(), 200);
    app.post("/api/v1/auth/signout", &json!({}), None).await.expect_error(401, "UNAUTHORIZED").await;
}

#[tokio::test]
async fn repeated_failed_signins_are_slowed_down_with_429() {
    let app = TestStack::spawn_with(janua_testkit::signin_lockout(3, 30)).await;
    app.signup("ada@example.com", PASSWORD).await;
    for _ in 0..3 {
        app.signin("ada@example.com", WRONG_PASSWORD).await.expect_error(401, "INVALID_CREDENTIALS").await;
    }
    let resp = app.signin("ada@example.com", PASSWORD).await;
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 30);
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
    // Unknown accounts are throttled the same way (no enumeration through 429s).
    for _ in 0..3 {
        app.signin("ghost@example.com", WRONG_PASSWORD).await;
    }
    app.signin("ghost@example.com", WRONG_PASSWORD).await.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn failed_signins_from_one_ip_are_throttled() {
    let app = TestStack::spawn_with(|s| s.rate_limits.signin_failures_per_ip_per_min = 4).await;
    for i in 0..4 {
        app.signin(&format!("user{i}@example.com"), WRONG_PASSWORD).await;
    }
    app.signin("fresh@example.com", WRONG_PASSWORD).await.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn a_signup_that_fails_midway_leaves_no_half_made_account() {
    use diesel_async::SimpleAsyncConnection;
    let app = TestStack::spawn().await;
    // Break auth's side of the exchange after identity has created the user.
    let mut auth_db = app.db("auth").await;
    auth_db.batch_execute("ALTER TABLE credentials RENAME TO credentials_broken").await.unwrap();
    let resp =
        app.post("/api/v1/auth/signup", &json!({"email":"ada@example.com","password":PASSWORD}), None).await;
    let body = resp.expect_error(500, "INTERNAL_ERROR").await;
    assert!(!body.to_string().contains("credentials"), "nothing internal leaks: {body}");
    let left = app.count("identity", "SELECT count(*) AS n FROM users WHERE email = 'ada@example.com'").await;
    assert_eq!(left, 0, "identity's record was taken back");
    // Once auth works again the same email signs up normally.
    auth_db.batch_execute("ALTER TABLE credentials_broken RENAME TO credentials").await.unwrap();
    app.signup("ada@example.com", PASSWORD).await;
}

#[tokio::test]
async fn two_concurrent_uses_of_one_refresh_token_let_at_most_one_through() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let (a, b) = tokio::join!(app.refresh(&pair), app.refresh(&pair));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "one rotation; the second presenter is a reuse");
    // The reuse revoked the family, including the winner's new tokens.
    let winner = if a.status() == 200 { json(a).await } else { json(b).await };
    let again = app.refresh(&winner).await;
    again.expect_error(401, "UNAUTHORIZED").await;
}

/// A handler that held one pooled connection while asking for another would deadlock a small
/// pool under concurrency; with two connections, eight concurrent refreshes all go through.
#[tokio::test]
async fn concurrent_refreshes_do_not_starve_a_small_pool() {
    let app = TestStack::spawn_with(|s| s.auth.db_pool_size = 2).await;
    app.signup("ada@example.com", PASSWORD).await;
    let mut pairs = Vec::new();
    for _ in 0..8 {
        pairs.push(json(app.signin("ada@example.com", PASSWORD).await).await);
    }
    let started = std::time::Instant::now();
    let answers = futures::future::join_all(pairs.iter().map(|pair| app.refresh(pair))).await;
    assert!(answers.iter().all(|r| r.status() == 200));
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "no request waited out the pool timeout");
}
