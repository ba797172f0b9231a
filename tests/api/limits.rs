//! Invariants at the edge:
//! - the client address is the one the operator trusts (`gateway.trusted_proxies`), for rate
//!   limits, throttles, sessions, audit and `ip_in` conditions, and services believe a
//!   forwarded address only from the gateway; IPv6 clients count per /64;
//! - rate limits cannot be bought: only a credential the gateway verified earns a tier;
//!   mail-sending routes have per-address budgets; expensive work comes after cheap checks and
//!   the hashing pool sheds excess instead of stalling sign-ins;
//! - a stranger cannot lock an owner out.

use crate::json;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

use janua_testkit::PASSWORD;

async fn send_from(
    app: &TestStack, forwarded_for: &str, path: &str, body: Option<&Value>, token: Option<&str>,
) -> reqwest::Response {
    let mut req = match body {
        Some(b) => app.http.post(app.url(path)).json(b),
        None => app.http.get(app.url(path)),
    };
    req = req.header("x-forwarded-for", forwarded_for);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

async fn signin_from(app: &TestStack, forwarded_for: &str, email: &str, password: &str) -> reqwest::Response {
    send_from(
        app,
        forwarded_for,
        "/api/v1/auth/signin",
        Some(&json!({"email": email, "password": password})),
        None,
    )
    .await
}

/// The address the session of a sign-in was recorded with.
async fn session_ip(app: &TestStack, pair: &Value) -> String {
    let sessions = json(app.get("/api/v1/sessions", pair["access_token"].as_str()).await).await;
    sessions["data"][0]["ip"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    // No trusted proxies (the default): the peer is the client, whatever it forwards.
    let app = TestStack::spawn_with(|s| s.rate_limits.anonymous_per_min = 3).await;
    app.signup("ada@example.com", PASSWORD).await;
    let pair = json(signin_from(&app, "203.0.113.7", "ada@example.com", PASSWORD).await).await;
    assert_eq!(session_ip(&app, &pair).await, "127.0.0.1");
    // Sign-up and sign-in spent two of the address's three; a new forwarded address each
    // time buys nothing.
    send_from(&app, "198.51.100.1", "/api/v1/health", None, None).await.expect_status(200).await;
    let resp = send_from(&app, "198.51.100.2", "/api/v1/health", None, None).await;
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
    // A service reached directly believes no forwarded address either.
    let resp = app
        .http
        .post(format!("{}/api/v1/auth/signin", app.auth_url))
        .header("x-forwarded-for", "203.0.113.8")
        .json(&json!({"email": "ada@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let direct = json(resp).await;
    assert_eq!(session_ip(&app, &direct).await, "127.0.0.1");

    // Behind a trusted proxy: the first untrusted hop from the right, never what the client
    // wrote to its left; rate limits count it, IPv6 per /64.
    let app = TestStack::spawn_with(|s| {
        s.gateway.trusted_proxies = "127.0.0.1/32".into();
        s.rate_limits.anonymous_per_min = 3;
    })
    .await;
    let owner = app.person("ada@example.com").await.token;
    let signed_in = json(signin_from(&app, "10.9.9.9, 203.0.113.7", "ada@example.com", PASSWORD).await).await;
    assert_eq!(session_ip(&app, &signed_in).await, "203.0.113.7");
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:abcd::9"] {
        assert_eq!(send_from(&app, address, "/api/v1/health", None, None).await.status(), 200);
    }
    let resp = send_from(&app, "2001:db8:1:2:ffff::3", "/api/v1/health", None, None).await;
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
    let resp = send_from(&app, "2001:db8:1:3::1", "/api/v1/health", None, None).await;
    assert_eq!(resp.status(), 200, "another /64 has its own budget");

    // `ip_in` conditions see the trusted address, not one the caller writes in a header.
    let org = app.create_org_id(&owner, "Acme").await;
    let office = json!({"name": "office", "effect": "allow", "actions": ["doc:read"], "resources": ["*"],
                        "conditions": {"context.ip": {"ip_in": ["203.0.113.0/24"]}}, "organization_id": org});
    let policy = json(app.post("/api/v1/policies", &office, Some(&owner)).await).await;
    let policy = policy["id"].as_str().unwrap().to_string();
    let evaluate = |from: &'static str| {
        let app = &app;
        let policy = policy.clone();
        let owner = owner.clone();
        async move {
            let body = json!({"action": "doc:read", "resource": "doc:1"});
            json(
                send_from(
                    app,
                    from,
                    &format!("/api/v1/policies/{policy}/evaluate"),
                    Some(&body),
                    Some(&owner),
                )
                .await,
            )
            .await["decision"]
                .clone()
        }
    };
    assert_eq!(evaluate("203.0.113.50").await, "allow");
    assert_eq!(evaluate("203.0.113.50, 198.51.100.1").await, "deny");
}

#[tokio::test]
async fn rate_limits_cannot_be_bought_with_made_up_or_revoked_credentials() {
    let app = TestStack::spawn_with(|s| s.rate_limits.anonymous_per_min = 50).await;
    let limit = |resp: &reqwest::Response| resp.headers()["x-ratelimit-limit"].to_str().unwrap().to_string();
    let token = app.person("owner@acme.test").await.token;
    assert_eq!(limit(&app.get("/api/v1/auth/me", Some(&token)).await), "1000");
    // A made-up JWT and a made-up SCIM token are anonymous.
    let forged = format!("{}.e30.AAAA", token.split('.').next().unwrap());
    assert_eq!(limit(&app.get("/api/v1/health", Some(&forged)).await), "50");
    let made_up = "scim_0123456789abcdef0123456789abcdef0123456789abcdef";
    for _ in 0..2 {
        let resp = app.get("/api/v1/scim/v2/Users", Some(made_up)).await;
        assert_eq!(limit(&resp), "50");
        assert_eq!(resp.status(), 401);
    }
    // A working SCIM token earns the SCIM tier once the gateway has checked it.
    let org = app.create_org_id(&token, "Acme").await;
    let scim = app.create_scim_token(&token, &org, "idp").await;
    let first = app.get("/api/v1/scim/v2/Users", Some(&scim)).await;
    assert_eq!(first.status(), 200);
    let second = app.get("/api/v1/scim/v2/Users", Some(&scim)).await;
    assert_eq!(limit(&second), "3000");
    // A revoked token is no credential.
    app.post("/api/v1/auth/signout", &json!({}), Some(&token)).await.expect_status(204).await;
    let resp = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(limit(&resp), "50");
    resp.expect_error(401, "UNAUTHORIZED").await;

    // Cheap checks first: a made-up reset token is refused before the new password is even
    // looked at (let alone hashed).
    let error = app.reset_password("made-up", "short").await.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(error["error"]["details"]["field"], "token");
}

/// forgot-password, resend-verification and magic links each send one address at most
/// `emails_per_address_per_hour` mails (the answer stays 202 beyond, and says nothing).
#[tokio::test]
async fn one_address_gets_a_bounded_number_of_mails() {
    let app = TestStack::spawn_with(|s| s.rate_limits.emails_per_address_per_hour = 2).await;
    app.signup("ada@example.com", PASSWORD).await;
    app.signup("bob@example.com", PASSWORD).await;
    for n in 0..3 {
        app.forgot_password("ada@example.com").await.expect_status(202).await;
        if n < 2 {
            app.mailed_token("ada@example.com", "Reset your password", n).await;
        }
    }
    // A later request for another address is mailed after the third was handled.
    app.forgot_password("bob@example.com").await;
    app.mailed_token("bob@example.com", "Reset your password", 0).await;
    assert_eq!(app.mail_count("ada@example.com", "Reset your password"), 2);
    for _ in 0..3 {
        app.post("/api/v1/auth/resend-verification", &json!({"email": "ada@example.com"}), None).await;
    }
    app.post("/api/v1/auth/resend-verification", &json!({"email": "bob@example.com"}), None).await;
    app.mailed_token("bob@example.com", "Confirm your email address", 1).await;
    app.mailed_token("ada@example.com", "Confirm your email address", 2).await;
    // The one sent at sign-up, and two of the three asked for.
    assert_eq!(app.mail_count("ada@example.com", "Confirm your email address"), 3);
}

/// A flood of sign-ups fills only the new-hash lane of the hashing pool; the excess is shed
/// with 503 and Retry-After, and sign-ins still get through.
#[tokio::test]
async fn the_hashing_pool_sheds_a_flood_of_sign_ups_and_sign_ins_go_first() {
    let app = TestStack::spawn_with(|s| {
        s.passwords.argon2_memory_kib = 32 * 1024;
        s.passwords.argon2_iterations = 3;
        s.passwords.hashing_concurrency = Some(1);
        s.passwords.hashing_queue = 4;
        s.rate_limits.anonymous_per_min = 10_000;
    })
    .await;
    app.signup("ada@example.com", PASSWORD).await;
    let flood: Vec<_> = (0..30)
        .map(|n| {
            let (http, url) = (app.http.clone(), app.url("/api/v1/auth/signup"));
            tokio::spawn(async move {
                http.post(url)
                    .json(&json!({"email": format!("flood{n}@example.com"), "password": PASSWORD}))
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    app.signin("ada@example.com", PASSWORD).await.expect_status(200).await;
    let mut shed = 0;
    for resp in flood {
        let resp = resp.await.unwrap();
        match resp.status().as_u16() {
            201 => {}
            503 => {
                assert_eq!(resp.headers()["retry-after"], "1");
                resp.expect_error(503, "SERVICE_UNAVAILABLE").await;
                shed += 1;
            }
            other => panic!("a sign-up answered {other}"),
        }
    }
    assert!(shed > 0, "nothing was shed");
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let app = TestStack::spawn_with(|s| {
        s.gateway.trusted_proxies = "127.0.0.1/32".into();
        s.rate_limits.anonymous_per_min = 10_000;
        s.rate_limits.signin_failing_addresses_per_account = 4;
        s.rate_limits.signin_lockout_base_secs = 30;
    })
    .await;
    app.signup("owner@example.com", PASSWORD).await;
    // The owner's own device, which signed in before, holds a device token.
    let first = json(signin_from(&app, "203.0.113.5", "owner@example.com", PASSWORD).await).await;
    let device = first["device_token"].as_str().expect("a device token").to_string();

    // Fifty failures from one address: that address is slowed down for this account...
    let mut refused = 0;
    for _ in 0..50 {
        let resp = signin_from(&app, "198.51.100.66", "owner@example.com", "wrong password!").await;
        if resp.status() == 429 {
            assert!(resp.headers().contains_key("retry-after"));
            refused += 1;
        }
    }
    assert!(refused > 0, "the attacker was never slowed down");
    // ... and the owner, from anywhere else, signs in at once.
    signin_from(&app, "192.0.2.10", "owner@example.com", PASSWORD).await.expect_status(200).await;

    // A guess spread over many addresses delays devices that never signed in...
    for n in 1..=4 {
        signin_from(&app, &format!("198.51.100.{n}"), "owner@example.com", "wrong password!").await;
    }
    let resp = signin_from(&app, "192.0.2.77", "owner@example.com", PASSWORD).await;
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
    // ... but not the owner's device, which keeps its own budget.
    send_from(
        &app,
        "192.0.2.77",
        "/api/v1/auth/signin",
        Some(&json!({"email": "owner@example.com", "password": PASSWORD, "device_token": device})),
        None,
    )
    .await
    .expect_status(200)
    .await;
    // A device token is bound to its account.
    app.signup("other@example.com", PASSWORD).await;
    let resp = send_from(
        &app,
        "192.0.2.78",
        "/api/v1/auth/signin",
        Some(&json!({"email": "owner@example.com", "password": PASSWORD,
                     "device_token": json(signin_from(&app, "192.0.2.79", "other@example.com", PASSWORD).await).await["device_token"]})),
        None,
    )
    .await;
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}
