//! Passkeys over HTTP with a real software authenticator (1Password's `passkey` crate: a
//! WebAuthn client and a CTAP2 authenticator), rpId `localhost`.

use crate::json;
use janua_testkit::authenticator::SoftKey;
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};

use janua_testkit::PASSKEY_ORIGIN as ORIGIN;
use janua_testkit::PASSWORD;

/// Registers a passkey for the holder of `token`; returns the stored passkey's view.
async fn register(app: &TestStack, token: &str, key: &mut SoftKey, name: &str) -> Value {
    let (begun, resp) = app.register_passkey(token, key, name).await;
    assert!(begun["publicKey"]["challenge"].is_string(), "{begun}");
    assert_eq!(begun["publicKey"]["rp"]["id"], "localhost");
    assert_eq!(begun["publicKey"]["authenticatorSelection"]["residentKey"], "preferred");
    assert_eq!(resp.status(), 201);
    json(resp).await
}

async fn begin_signin(app: &TestStack, email: Option<&str>) -> Value {
    let body = match email {
        Some(e) => json!({ "email": e }),
        None => json!({}),
    };
    let resp = app.post("/api/v1/passkeys/authenticate/begin", &body, None).await;
    assert_eq!(resp.status(), 200);
    json(resp).await
}

async fn complete_signin(app: &TestStack, begun: &Value, credential: &Value) -> reqwest::Response {
    app.post(
        "/api/v1/passkeys/authenticate/complete",
        &json!({ "ceremony_id": begun["ceremony_id"], "credential": credential }),
        None,
    )
    .await
}

/// A whole passkey sign-in: begun (with an email hint, or none), answered by `key` as a
/// browser at `origin` would, completed.
async fn passkey_sign_in(
    app: &TestStack, key: &mut SoftKey, email: Option<&str>, origin: &str,
) -> reqwest::Response {
    let begun = begin_signin(app, email).await;
    let assertion = key.get(origin, &begun).await;
    complete_signin(app, &begun, &assertion).await
}

/// Begins a passkey registration for the holder of `token`; answers the options.
async fn begin_registration(app: &TestStack, token: &str) -> Value {
    json(app.post("/api/v1/passkeys/register/begin", &json!({}), Some(token)).await).await
}

/// Makes every pending ceremony (registration or sign-in) an expired one.
async fn expire_ceremonies(app: &TestStack) {
    use diesel_async::RunQueryDsl;
    let mut db = app.db("auth").await;
    diesel::sql_query("UPDATE webauthn_ceremonies SET expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .unwrap();
}

async fn user_with_passkey(app: &TestStack, key: &mut SoftKey) -> Value {
    let pair = app.signup("ada@example.com", PASSWORD).await;
    register(app, pair["access_token"].as_str().unwrap(), key, "Laptop").await;
    pair
}

/// A fresh stack with Ada signed up and a passkey of hers on a new authenticator; answers the
/// stack, the authenticator and her sign-up.
async fn stack_with_passkey_user() -> (TestStack, SoftKey, Value) {
    let app = TestStack::spawn().await;
    let mut key = SoftKey::new();
    let pair = user_with_passkey(&app, &mut key).await;
    (app, key, pair)
}

#[tokio::test]
async fn a_passkey_is_registered_and_signs_in_without_a_password_or_second_factor() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    let mut key = SoftKey::new();
    let view = register(&app, token, &mut key, "MacBook Touch ID").await;
    assert_eq!(view["name"], "MacBook Touch ID");
    assert!(view["last_used_at"].is_null());
    assert!(view.get("passkey").is_none() && view.get("credential_id").is_none());

    let list = json(app.get("/api/v1/passkeys", Some(token)).await).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["next_cursor"], Value::Null);
    let status = json(app.get("/api/v1/mfa/status", Some(token)).await).await;
    assert_eq!(status["passkeys"], 1);

    // Usernameless: no email, no allowCredentials; the authenticator picks the passkey.
    let begun = begin_signin(&app, None).await;
    assert!(begun["publicKey"].get("allowCredentials").is_none_or(|a| a.as_array().unwrap().is_empty()));
    assert_eq!(begun["publicKey"]["userVerification"], "required");
    let assertion = key.get(ORIGIN, &begun).await;
    let signed_in = complete_signin(&app, &begun, &assertion).await.expect_status(200).await;
    assert_eq!(signed_in["token_type"], "Bearer");
    assert_eq!(signed_in["user"]["email"], "ada@example.com");
    app.get("/api/v1/auth/me", signed_in["access_token"].as_str()).await.expect_status(200).await;

    // With TOTP on, a passkey still signs in alone: it verified the user already.
    let list = json(app.get("/api/v1/passkeys", Some(token)).await).await;
    assert!(list["data"][0]["last_used_at"].is_string());
    let events = app.outbox_events("auth").await;
    assert!(events.has("passkey.registered"), "{events:?}");
    events.assert_has_with("user.signed_in", "method", "passkey");
}

#[tokio::test]
async fn a_passkey_satisfies_mfa_for_a_user_with_totp() {
    let (app, mut key, pair) = stack_with_passkey_user().await;
    // Turn TOTP on so that a password sign-in would need a second factor.
    app.enable_totp(pair["access_token"].as_str().unwrap()).await;
    assert_eq!(json(app.signin("ada@example.com", PASSWORD).await).await["mfa_required"], true);

    let resp = passkey_sign_in(&app, &mut key, Some("ada@example.com"), ORIGIN).await;
    let body = resp.expect_status(200).await;
    assert!(body["access_token"].is_string() && body.get("mfa_required").is_none());
}

#[tokio::test]
async fn an_email_hint_names_the_accounts_passkeys_and_unknown_emails_look_the_same() {
    let (app, mut key, _) = stack_with_passkey_user().await;

    let known = begin_signin(&app, Some("Ada@Example.com")).await;
    let allowed = known["publicKey"]["allowCredentials"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    let assertion = key.get(ORIGIN, &known).await;
    assert_eq!(assertion["id"], allowed[0]["id"]);
    assert_eq!(complete_signin(&app, &known, &assertion).await.status(), 200);

    // An email without passkeys gets the same shape, and the same decoy every time.
    let unknown = begin_signin(&app, Some("nobody@example.com")).await;
    let again = begin_signin(&app, Some("nobody@example.com")).await;
    let decoy = unknown["publicKey"]["allowCredentials"].as_array().unwrap();
    assert_eq!(decoy.len(), 1);
    assert_eq!(decoy[0]["type"], "public-key");
    assert_eq!(decoy, again["publicKey"]["allowCredentials"].as_array().unwrap());
    assert_eq!(decoy[0]["id"].as_str().unwrap().len(), allowed[0]["id"].as_str().unwrap().len());
    assert_eq!(
        unknown["publicKey"].as_object().unwrap().keys().collect::<Vec<_>>(),
        known["publicKey"].as_object().unwrap().keys().collect::<Vec<_>>()
    );
    // No credential completes a decoy ceremony, not even a real one.
    let mut plain = unknown.clone();
    plain["publicKey"].as_object_mut().unwrap().remove("allowCredentials");
    let assertion = key.get(ORIGIN, &plain).await;
    let resp = complete_signin(&app, &unknown, &assertion).await;
    resp.expect_error(401, "INVALID_CREDENTIALS").await;
}

#[tokio::test]
async fn a_wrong_origin_is_refused_at_registration_and_sign_in() {
    let app = TestStack::spawn().await;
    let token = app.person("ada@example.com").await.token;
    let mut phished = SoftKey::new();
    let begun = begin_registration(&app, &token).await;
    let credential = phished.create("http://localhost:9999", &begun).await;
    let resp = app.complete_passkey_registration(&token, &begun, &credential).await;
    resp.expect_refusal(400, "VALIDATION_ERROR", "wrong_origin").await;

    let mut key = SoftKey::new();
    register(&app, &token, &mut key, "Laptop").await;
    let resp = passkey_sign_in(&app, &mut key, None, "http://localhost:9999").await;
    resp.expect_error(401, "INVALID_CREDENTIALS").await;
    let events = app.outbox_events("auth").await;
    events.assert_has_with("user.signin_failed", "reason", "wrong_origin");
}

#[tokio::test]
async fn an_assertion_cannot_be_replayed() {
    let (app, mut key, _) = stack_with_passkey_user().await;
    let begun = begin_signin(&app, None).await;
    let assertion = key.get(ORIGIN, &begun).await;
    assert_eq!(complete_signin(&app, &begun, &assertion).await.status(), 200);
    // The same answer to the same ceremony: the ceremony is spent.
    let again = complete_signin(&app, &begun, &assertion).await;
    let body = again.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "ceremony_id");
    // The same answer to a fresh ceremony: its challenge is not the one signed.
    let fresh = begin_signin(&app, None).await;
    let replayed = complete_signin(&app, &fresh, &assertion).await;
    replayed.expect_error(401, "INVALID_CREDENTIALS").await;
}

#[tokio::test]
async fn an_expired_ceremony_is_refused() {
    let (app, mut key, pair) = stack_with_passkey_user().await;
    let begun = begin_signin(&app, None).await;
    assert_eq!(begun["expires_in"], 300);
    let assertion = key.get(ORIGIN, &begun).await;
    expire_ceremonies(&app).await;
    complete_signin(&app, &begun, &assertion).await.expect_error(400, "VALIDATION_ERROR").await;

    // Registration ceremonies expire the same way.
    let token = pair["access_token"].as_str().unwrap();
    let begun = begin_registration(&app, token).await;
    let credential = SoftKey::new().create(ORIGIN, &begun).await;
    expire_ceremonies(&app).await;
    let resp = app.complete_passkey_registration(token, &begun, &credential).await;
    resp.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn a_cloned_authenticator_is_caught_by_its_counter() {
    let app = TestStack::spawn().await;
    let mut key = SoftKey::counting();
    user_with_passkey(&app, &mut key).await;
    let mut clone = key.clone();

    for email in [None, Some("ada@example.com")] {
        assert_eq!(passkey_sign_in(&app, &mut key, email, ORIGIN).await.status(), 200);
    }

    // The copy signs with a counter the original already used, with or without a hint.
    for email in [Some("ada@example.com"), None] {
        let resp = passkey_sign_in(&app, &mut clone, email, ORIGIN).await;
        resp.expect_error(401, "INVALID_CREDENTIALS").await;
    }
    let events = app.outbox_events("auth").await;
    assert_eq!(events.count("passkey.clone_suspected"), 2, "{events:?}");
    // The original, further ahead, still works.
    assert_eq!(passkey_sign_in(&app, &mut key, None, ORIGIN).await.status(), 200);
}

#[tokio::test]
async fn failed_passkey_sign_ins_count_toward_throttling() {
    let app = TestStack::spawn_with(janua_testkit::signin_lockout(2, 60)).await;
    let mut key = SoftKey::new();
    user_with_passkey(&app, &mut key).await;
    for _ in 0..2 {
        let resp = passkey_sign_in(&app, &mut key, None, "http://localhost:9999").await;
        resp.expect_error(401, "INVALID_CREDENTIALS").await;
    }
    // Now even a good assertion waits.
    let resp = passkey_sign_in(&app, &mut key, None, ORIGIN).await;
    assert!(resp.headers().contains_key("retry-after"));
    resp.expect_error(429, "RATE_LIMIT_EXCEEDED").await;
}

#[tokio::test]
async fn passkeys_are_private_to_their_owner() {
    let (app, mut key, ada) = stack_with_passkey_user().await;
    let ada_token = ada["access_token"].as_str().unwrap();
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let bob_token = bob["access_token"].as_str().unwrap();
    let id = json(app.get("/api/v1/passkeys", Some(ada_token)).await).await["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let bobs = json(app.get("/api/v1/passkeys", Some(bob_token)).await).await;
    assert!(bobs["data"].as_array().unwrap().is_empty());
    let foreign = app.delete(&format!("/api/v1/passkeys/{id}"), Some(bob_token)).await;
    foreign.expect_error(404, "NOT_FOUND").await;

    // Bob cannot finish a registration Ada began.
    let begun = begin_registration(&app, ada_token).await;
    let credential = SoftKey::new().create(ORIGIN, &begun).await;
    let resp = app.complete_passkey_registration(bob_token, &begun, &credential).await;
    resp.expect_error(400, "VALIDATION_ERROR").await;

    // The same authenticator cannot register the same credential twice: begin excludes it.
    let begun = begin_registration(&app, ada_token).await;
    assert_eq!(begun["publicKey"]["excludeCredentials"].as_array().unwrap().len(), 1);

    app.delete(&format!("/api/v1/passkeys/{id}"), Some(ada_token)).await.expect_status(204).await;
    let events = app.outbox_events("auth").await;
    assert!(events.has("passkey.deleted"), "{events:?}");
    // A deleted passkey signs in no more.
    let resp = passkey_sign_in(&app, &mut key, None, ORIGIN).await;
    resp.expect_error(401, "INVALID_CREDENTIALS").await;
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_deleted() {
    use diesel_async::RunQueryDsl;
    let (app, _key, pair) = stack_with_passkey_user().await;
    let token = pair["access_token"].as_str();
    // A passkey-only account: the password is gone.
    let mut db = app.db("auth").await;
    diesel::sql_query("DELETE FROM credentials").execute(&mut db).await.unwrap();
    let id =
        json(app.get("/api/v1/passkeys", token).await).await["data"][0]["id"].as_str().unwrap().to_string();
    let resp = app.delete(&format!("/api/v1/passkeys/{id}"), token).await;
    resp.expect_refusal(409, "CONFLICT", "last_sign_in_method").await;

    // With a second passkey the first may go.
    register(&app, token.unwrap(), &mut SoftKey::new(), "Phone").await;
    app.delete(&format!("/api/v1/passkeys/{id}"), token).await.expect_status(204).await;
}

#[tokio::test]
async fn registration_needs_a_signed_in_user_and_valid_input() {
    let app = TestStack::spawn().await;
    let anonymous = app.post("/api/v1/passkeys/register/begin", &json!({}), None).await;
    anonymous.expect_error(401, "UNAUTHORIZED").await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str();
    let long = "x".repeat(65);
    let bad_name = app.post("/api/v1/passkeys/register/begin", &json!({ "name": long }), token).await;
    let body = bad_name.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "name");
    let garbage = app
        .post(
            "/api/v1/passkeys/register/complete",
            &json!({ "ceremony_id": uuid::Uuid::now_v7(), "credential": {"id": 1} }),
            token,
        )
        .await;
    let body = garbage.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "credential");
    // A begin with no body at all is fine.
    app.send(reqwest::Method::POST, "/api/v1/passkeys/authenticate/begin", None, None)
        .await
        .expect_status(200)
        .await;
}

#[tokio::test]
async fn a_deleted_users_passkeys_go_with_the_account() {
    let app = TestStack::spawn().await;
    app.wait_for_consumer("auth").await;
    let mut key = SoftKey::new();
    let pair = user_with_passkey(&app, &mut key).await;
    let id = pair["user"]["id"].as_str().unwrap();
    // Identity deletes the account and says so with `user.deleted`; auth removes its part.
    let resp = reqwest::Client::new()
        .delete(format!("{}/internal/v1/users/{id}?reason=test", app.settings.identity.url))
        .header("x-janua-service-token", janua_testkit::service_token(&app.settings))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    app.wait_for_count("the passkey to go", "auth", "SELECT count(*) AS n FROM passkeys", 0).await;
    let resp = passkey_sign_in(&app, &mut key, None, ORIGIN).await;
    resp.expect_error(401, "INVALID_CREDENTIALS").await;
}
