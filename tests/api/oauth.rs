//! Social sign-in against a real OAuth 2.0 / OpenID Connect server on loopback (the test
//! kit's): discovery, JWKS, PKCE, signed ID tokens. The test plays the browser: it follows
//! each redirect by hand and keeps Janua's browser cookie.

use crate::json;
use janua_testkit::oauth_provider::{CLIENT_ID, CLIENT_SECRET, OAuthProvider, ProviderAccount};
use janua_testkit::{ExpectStatus, TestStack};
use serde_json::{Value, json};
use std::collections::HashMap;

use janua_testkit::PASSWORD;
const APP: &str = "http://localhost:3000/auth";

/// A provider and a stack whose social sign-in goes to it.
async fn provider_and_stack() -> (OAuthProvider, TestStack) {
    let provider = OAuthProvider::start().await;
    let app = stack_with(&provider, |_| {}).await;
    (provider, app)
}

async fn stack_with(
    provider: &OAuthProvider, tweak: impl FnOnce(&mut janua_core::config::Settings),
) -> TestStack {
    let base = provider.base.clone();
    TestStack::spawn_with(move |s| {
        s.oauth.redirect_allowlist = format!("{APP}, https://app.example.com/");
        for p in [
            &mut s.oauth.google,
            &mut s.oauth.microsoft,
            &mut s.oauth.github,
            &mut s.oauth.discord,
            &mut s.oauth.twitter,
        ] {
            p.client_id = Some(CLIENT_ID.into());
            p.client_secret = Some(CLIENT_SECRET.to_string().into());
        }
        s.oauth.google.issuer = Some(base.clone());
        s.oauth.microsoft.issuer = Some(base.clone());
        let oauth2 = |p: &mut janua_core::config::OAuthProviderSettings, userinfo: &str| {
            p.issuer = None;
            p.authorize_url = Some(format!("{base}/authorize"));
            p.token_url = Some(format!("{base}/token"));
            p.userinfo_url = Some(format!("{base}{userinfo}"));
        };
        oauth2(&mut s.oauth.github, "/user");
        oauth2(&mut s.oauth.discord, "/users/@me");
        oauth2(&mut s.oauth.twitter, "/2/users/me");
        tweak(s);
    })
    .await
}

/// A browser: follows nothing by itself, keeps Janua's flow cookie.
struct Browser {
    http: reqwest::Client,
    cookie: Option<String>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            cookie: None,
        }
    }

    async fn get(&mut self, url: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(url);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        self.keep_cookie(&resp);
        resp
    }

    fn keep_cookie(&mut self, resp: &reqwest::Response) {
        if let Some(set) = resp.headers().get("set-cookie") {
            let set = set.to_str().unwrap();
            assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
            self.cookie = Some(set.split(';').next().unwrap().to_string());
        }
    }

    /// Janua's authorize, then the provider's consent: answers the callback URL.
    async fn through_provider(
        &mut self, app: &TestStack, provider: &str, redirect_uri: Option<&str>,
    ) -> String {
        let mut url = app.url(&format!("/api/v1/oauth/{provider}/authorize"));
        if let Some(r) = redirect_uri {
            url = format!("{url}?redirect_uri={}", urlencode(r));
        }
        let resp = self.get(&url, None).await;
        assert_eq!(resp.status(), 302, "{:?}", resp.text().await);
        let to_provider = location(&resp);
        self.consent(&to_provider).await
    }

    async fn consent(&mut self, to_provider: &str) -> String {
        let resp = self.get(to_provider, None).await;
        assert_eq!(resp.status(), 302);
        location(&resp)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn location(resp: &reqwest::Response) -> String {
    resp.headers().get("location").expect("a Location header").to_str().unwrap().to_string()
}

fn query_of(url: &str) -> HashMap<String, String> {
    url::Url::parse(url).unwrap().query_pairs().into_owned().collect()
}

fn fragment_of(url: &str) -> HashMap<String, String> {
    let fragment = url::Url::parse(url).unwrap().fragment().unwrap_or_default().to_string();
    url::form_urlencoded::parse(fragment.as_bytes()).into_owned().collect()
}

/// Starts linking `provider` to the holder of `token`, and consents at the provider in a
/// browser that keeps the flow's cookie: answers that browser and the callback URL.
async fn start_linking(app: &TestStack, provider: &str, token: Option<&str>) -> (Browser, String) {
    let started = app.post(&format!("/api/v1/oauth/{provider}/link"), &json!({}), token).await;
    assert_eq!(started.status(), 200);
    let mut browser = Browser::new();
    browser.keep_cookie(&started);
    let url = json(started).await["authorization_url"].as_str().unwrap().to_string();
    let callback = browser.consent(&url).await;
    (browser, callback)
}

/// A whole sign-in with no redirect_uri: the callback's JSON answer.
async fn sign_in(app: &TestStack, provider: &str) -> reqwest::Response {
    let mut browser = Browser::new();
    let callback = browser.through_provider(app, provider, None).await;
    browser.get(&callback, None).await
}

#[tokio::test]
async fn google_signs_up_then_signs_in_the_same_user_with_pkce_state_and_nonce() {
    let (provider, app) = provider_and_stack().await;
    let mut browser = Browser::new();
    let resp = browser.get(&app.url("/api/v1/oauth/google/authorize"), None).await;
    assert_eq!(resp.status(), 302);
    let to_provider = location(&resp);
    assert!(to_provider.starts_with(&format!("{}/authorize?", provider.base)));
    let q = query_of(&to_provider);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert!(q["state"].len() >= 43 && q["nonce"].len() >= 43);
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    assert_eq!(q["redirect_uri"], app.url("/api/v1/oauth/google/callback"));

    let callback = browser.consent(&to_provider).await;
    let first = browser.get(&callback, None).await.expect_status(200).await;
    assert_eq!(first["user"]["email"], "ada@example.com");
    assert_eq!(first["user"]["email_verified"], true);
    assert_eq!(first["token_type"], "Bearer");
    app.get("/api/v1/auth/me", first["access_token"].as_str()).await.expect_status(200).await;

    // The provider rotates its signing key: Janua fetches the new JWKS and carries on.
    provider.rotate_keys();
    let again = json(sign_in(&app, "google").await).await;
    assert_eq!(again["user"]["id"], first["user"]["id"]);

    let events = app.outbox_events("auth").await;
    events.assert_has_with("oauth.linked", "provider", "google");
    assert_eq!(
        events.iter().filter(|(t, p)| t == "user.signed_in" && p["method"] == "oauth:google").count(),
        2
    );
}

#[tokio::test]
async fn github_discord_and_x_sign_in_with_their_user_apis() {
    let (provider, app) = provider_and_stack().await;
    for (name, email) in
        [("github", "octo@example.com"), ("discord", "disco@example.com"), ("twitter", "x@example.com")]
    {
        provider.sign_in_as(ProviderAccount::verified(&format!("{name}-42"), email));
        let resp = sign_in(&app, name).await;
        assert_eq!(resp.status(), 200, "{name}");
        let pair = json(resp).await;
        assert_eq!(pair["user"]["email"], email, "{name}");
        assert_eq!(pair["user"]["email_verified"], true);
    }
    // An address the provider has not verified signs nobody in.
    for name in ["github", "discord", "twitter"] {
        provider.sign_in_as(ProviderAccount::unverified(&format!("{name}-7"), "mallory@example.com"));
        let body = sign_in(&app, name).await.expect_error(403, "FORBIDDEN").await;
        assert_eq!(body["error"]["details"]["reason"], "unverified_email", "{name}");
    }
}

#[tokio::test]
async fn the_token_pair_rides_in_the_fragment_of_an_allow_listed_redirect() {
    let (provider, app) = provider_and_stack().await;
    let mut browser = Browser::new();
    let callback = browser.through_provider(&app, "google", Some("http://localhost:3000/auth/done")).await;
    let resp = browser.get(&callback, None).await;
    assert_eq!(resp.status(), 302);
    let to_app = location(&resp);
    assert!(to_app.starts_with("http://localhost:3000/auth/done#"));
    let tokens = fragment_of(&to_app);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], "900");
    app.get("/api/v1/auth/me", Some(&tokens["access_token"])).await.expect_status(200).await;

    // Refusals also go back to the app, in the fragment.
    provider.deny_next();
    let mut browser = Browser::new();
    let callback = browser.through_provider(&app, "google", Some("http://localhost:3000/auth/done")).await;
    let to_app = location(&browser.get(&callback, None).await);
    let error = fragment_of(&to_app);
    assert_eq!(error["error"], "INVALID_CREDENTIALS");
    assert_eq!(error["reason"], "provider_denied");
    assert!(!error.contains_key("access_token"));

    for bad in [
        "http://localhost:3000/authx",
        "http://localhost:3000.evil.example/auth",
        "https://evil.example/auth",
        "http://localhost:3001/auth",
    ] {
        let resp = Browser::new()
            .get(&app.url(&format!("/api/v1/oauth/google/authorize?redirect_uri={}", urlencode(bad))), None)
            .await;
        let body = resp.expect_error(400, "VALIDATION_ERROR").await;
        assert_eq!(body["error"]["details"]["field"], "redirect_uri", "{bad}");
    }
}

#[tokio::test]
async fn state_is_single_use_and_bound_to_the_browser_that_started_the_flow() {
    let (_provider, app) = provider_and_stack().await;

    // A forged state.
    let mut browser = Browser::new();
    let callback = browser.through_provider(&app, "google", None).await;
    let forged = callback.replace("state=", "state=x");
    let body = browser.get(&forged, None).await.expect_error(400, "VALIDATION_ERROR").await;
    assert_eq!(body["error"]["details"]["field"], "state");
    // The real one still works once, and only once.
    assert_eq!(browser.get(&callback, None).await.status(), 200);
    browser.get(&callback, None).await.expect_refusal(400, "VALIDATION_ERROR", "unknown").await;

    // Login CSRF: the attacker's callback URL opened in the victim's browser (no cookie, or
    // another cookie) is refused.
    let mut attacker = Browser::new();
    let callback = attacker.through_provider(&app, "google", None).await;
    let mut victim = Browser::new();
    victim.get(&callback, None).await.expect_refusal(400, "VALIDATION_ERROR", "browser_mismatch").await;
    // A flow for one provider cannot complete at another's callback.
    let mut browser = Browser::new();
    let callback = browser.through_provider(&app, "google", None).await;
    let elsewhere = callback.replace("/oauth/google/", "/oauth/github/");
    browser.get(&elsewhere, None).await.expect_error(400, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    let (provider, app) = provider_and_stack().await;
    provider.put_nonce_in_id_tokens(Some("a-nonce-from-another-flow"));
    sign_in(&app, "google").await.expect_refusal(401, "INVALID_CREDENTIALS", "nonce_mismatch").await;
    let events = app.outbox_events("auth").await;
    events.assert_has_with("user.signin_failed", "reason", "nonce_mismatch");
}

#[tokio::test]
async fn emails_match_accounts_only_when_both_sides_verified_them() {
    let (provider, app) = provider_and_stack().await;
    // Someone registers the victim's address with a password and never verifies it.
    let squatter = app.signup("ada@example.com", PASSWORD).await;
    // The real owner signs in with Google: no way into the squatter's account.
    sign_in(&app, "google").await.expect_refusal(409, "CONFLICT", "account_exists").await;

    // Once the account's address is verified, the same sign-in links and enters it.
    app.verify_email("ada@example.com", 0).await;
    let pair = json(sign_in(&app, "google").await).await;
    assert_eq!(pair["user"]["id"], squatter["user"]["id"]);

    // An unverified provider address neither creates nor matches anything.
    provider.sign_in_as(ProviderAccount::unverified("someone-else", "ada@example.com"));
    sign_in(&app, "google").await.expect_refusal(403, "FORBIDDEN", "unverified_email").await;
}

#[tokio::test]
async fn microsoft_addresses_need_xms_edov() {
    let (provider, app) = provider_and_stack().await;
    // Entra ID puts whatever a tenant admin typed in `email`; `email_verified` means nothing.
    provider.sign_in_as(ProviderAccount::verified("ms-1", "ceo@example.com"));
    sign_in(&app, "microsoft").await.expect_refusal(403, "FORBIDDEN", "unverified_email").await;
    let mut owner = ProviderAccount::verified("ms-2", "cto@example.com");
    owner.extra = json!({"xms_edov": true});
    provider.sign_in_as(owner);
    assert_eq!(sign_in(&app, "microsoft").await.status(), 200);
}

#[tokio::test]
async fn a_signed_in_user_links_and_unlinks_a_provider() {
    let (provider, app) = provider_and_stack().await;
    let ada = app.signup("ada@example.com", PASSWORD).await;
    let token = ada["access_token"].as_str();
    provider.sign_in_as(ProviderAccount::unverified("gh-1", "ada-personal@example.net"));

    let (mut browser, callback) = start_linking(&app, "github", token).await;
    let linked = browser.get(&callback, None).await.expect_status(200).await;
    assert_eq!(linked["linked"], true);
    assert_eq!(linked["provider"], "github");

    // Linked accounts sign in whatever their email says.
    let pair = json(sign_in(&app, "github").await).await;
    assert_eq!(pair["user"]["id"], ada["user"]["id"]);

    // One account per provider; and a provider account belongs to one user.
    let again = app.post("/api/v1/oauth/github/link", &json!({}), token).await;
    again.expect_error(409, "CONFLICT").await;
    let bob = app.signup("bob@example.com", PASSWORD).await;
    let (mut browser, callback) = start_linking(&app, "github", bob["access_token"].as_str()).await;
    browser.get(&callback, None).await.expect_refusal(409, "CONFLICT", "linked_elsewhere").await;

    let unlink = app.delete("/api/v1/oauth/github/unlink", token).await;
    assert_eq!(unlink.status(), 204);
    let again = app.delete("/api/v1/oauth/github/unlink", token).await;
    again.expect_error(404, "NOT_FOUND").await;
    let events = app.outbox_events("auth").await;
    events.assert_has_with("oauth.linked", "how", "user");
    assert!(events.has("oauth.unlinked"), "{events:?}");
    // Unlinked: the provider account is a stranger again (and its email is unverified).
    sign_in(&app, "github").await.expect_error(403, "FORBIDDEN").await;
}

#[tokio::test]
async fn the_last_way_to_sign_in_cannot_be_unlinked() {
    let (_provider, app) = provider_and_stack().await;
    let pair = json(sign_in(&app, "google").await).await;
    let token = pair["access_token"].as_str();
    let resp = app.delete("/api/v1/oauth/google/unlink", token).await;
    resp.expect_refusal(409, "CONFLICT", "last_sign_in_method").await;
}

#[tokio::test]
async fn a_user_with_totp_still_gives_the_second_factor() {
    let (_provider, app) = provider_and_stack().await;
    let pair = json(sign_in(&app, "google").await).await;
    let token = pair["access_token"].as_str();
    app.enable_totp(token.unwrap()).await;
    let challenge = json(sign_in(&app, "google").await).await;
    assert_eq!(challenge["mfa_required"], true);
    assert!(challenge["mfa_token"].is_string() && challenge.get("access_token").is_none());
}

#[tokio::test]
async fn providers_that_are_not_configured_answer_404() {
    let app = TestStack::spawn().await;
    for path in [
        "/api/v1/oauth/google/authorize",
        "/api/v1/oauth/myspace/authorize",
        "/api/v1/oauth/github/callback?code=x&state=y",
    ] {
        let resp = Browser::new().get(&app.url(path), None).await;
        resp.expect_error(404, "NOT_FOUND").await;
    }
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let resp = app.post("/api/v1/oauth/google/link", &json!({}), pair["access_token"].as_str()).await;
    resp.expect_error(404, "NOT_FOUND").await;
    let _: Value = json!(null);
}

/// Providers go through the one guarded outbound client: on an address the operator did not
/// allow, discovery and the token exchange are never attempted and the answer says only that.
#[tokio::test]
async fn providers_at_refused_addresses_are_never_contacted() {
    let provider = OAuthProvider::start().await;
    let app = stack_with(&provider, |s| s.outbound.allowed_networks = String::new()).await;
    let mut browser = Browser::new();
    // OpenID Connect: discovery is refused before the browser goes anywhere.
    let resp = browser.get(&app.url("/api/v1/oauth/google/authorize"), None).await;
    resp.expect_refusal(503, "SERVICE_UNAVAILABLE", "provider_not_allowed").await;
    // OAuth 2.0: the consent happens at the provider, the code exchange does not.
    let callback = browser.through_provider(&app, "github", None).await;
    let resp = browser.get(&callback, None).await;
    resp.expect_refusal(503, "SERVICE_UNAVAILABLE", "provider_not_allowed").await;
    assert_eq!(provider.token_requests(), 0);
}

/// OpenID Connect Core 5.3, 5.4: a conforming provider (panva's oidc-provider with its
/// defaults) keeps scope-requested claims such as `email` and `email_verified` out of the ID
/// token of the code flow and answers them at UserInfo. Sign-in reads both.
#[tokio::test]
async fn a_provider_that_answers_claims_only_at_userinfo_signs_users_in() {
    use janua_testkit::oidc_provider::{OidcClient, OidcProvider};
    let conforming = OidcProvider::start(&[]).await;
    let issuer = conforming.issuer();
    let app = TestStack::spawn_with(move |s| {
        s.oauth.google.client_id = Some("janua-social".into());
        s.oauth.google.client_secret = Some("social-secret".to_string().into());
        s.oauth.google.issuer = Some(issuer);
    })
    .await;
    conforming
        .add_client(&OidcClient::basic(
            "janua-social",
            "social-secret",
            &app.url("/api/v1/oauth/google/callback"),
        ))
        .await;
    conforming
        .set_account(
            json!({"sub": "g-1", "email": "grace@example.com", "email_verified": true, "name": "Grace"}),
        )
        .await;
    let mut browser = Browser::new();
    let resp = browser.get(&app.url("/api/v1/oauth/google/authorize"), None).await;
    assert_eq!(resp.status(), 302);
    let callback = conforming.authorize(&location(&resp)).await;
    let resp = browser.get(callback.as_str(), None).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let pair = json(resp).await;
    assert_eq!(pair["user"]["email"], "grace@example.com");
    assert_eq!(pair["user"]["email_verified"], true);
    assert_eq!(pair["user"]["name"], "Grace");
}
