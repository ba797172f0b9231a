//! An OAuth 2.0 authorization server and OpenID provider on loopback, for tests: discovery,
//! JWKS, the authorization endpoint (consent is given at once for the account set with
//! [`OAuthProvider::sign_in_as`]), the token endpoint (client authentication, single-use
//! codes, redirect URI and PKCE S256 checks) and RS256-signed ID tokens. It also answers the
//! user-info APIs of GitHub (`/user`, `/user/emails`), Discord (`/users/@me`) and X
//! (`/2/users/me`) for the same account.

use crate::peer::Peer;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, RS256};
use josekit::jwt::{self, JwtPayload};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "janua-test-client";
pub const CLIENT_SECRET: &str = "janua-test-secret";

/// The account signed in at the provider.
#[derive(Debug, Clone)]
pub struct ProviderAccount {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: String,
    /// More ID-token claims (`tid`, `xms_edov`, ...).
    pub extra: Value,
}

impl ProviderAccount {
    pub fn verified(subject: &str, email: &str) -> Self {
        ProviderAccount {
            subject: subject.into(),
            email: Some(email.into()),
            email_verified: true,
            name: "Provider User".into(),
            extra: json!({}),
        }
    }

    pub fn unverified(subject: &str, email: &str) -> Self {
        ProviderAccount { email_verified: false, ..ProviderAccount::verified(subject, email) }
    }
}

struct Grant {
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    scope: String,
    account: ProviderAccount,
}

struct Inner {
    account: ProviderAccount,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, ProviderAccount>,
    key: Jwk,
    kid: String,
    /// Puts this nonce in ID tokens instead of the one asked for.
    nonce_override: Option<String>,
    /// Answers the next authorization with `error=access_denied`.
    deny: bool,
    token_requests: usize,
}

#[derive(Clone)]
pub struct OAuthProvider {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
    _peer: Peer,
}

fn new_key() -> (Jwk, String) {
    let pair = RS256.generate_key_pair(2048).expect("an RSA key");
    let mut jwk = pair.to_jwk_key_pair();
    let kid = uuid::Uuid::new_v4().to_string();
    jwk.set_key_id(&kid);
    (jwk, kid)
}

fn random() -> String {
    URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

impl OAuthProvider {
    pub async fn start() -> OAuthProvider {
        let (key, kid) = new_key();
        let inner = Arc::new(Mutex::new(Inner {
            account: ProviderAccount::verified("provider-user-1", "ada@example.com"),
            codes: HashMap::new(),
            tokens: HashMap::new(),
            key,
            kid,
            nonce_override: None,
            deny: false,
            token_requests: 0,
        }));
        let shared = inner.clone();
        let peer = Peer::serve_at(move |base| {
            let data = web::Data::new((base.to_owned(), shared));
            move |app: &mut web::ServiceConfig| {
                app.app_data(data.clone())
                    .route("/.well-known/openid-configuration", web::get().to(discovery))
                    .route("/jwks", web::get().to(jwks))
                    .route("/authorize", web::get().to(authorize))
                    .route("/token", web::post().to(token))
                    .route("/userinfo", web::get().to(userinfo))
                    .route("/user", web::get().to(github_user))
                    .route("/user/emails", web::get().to(github_emails))
                    .route("/users/@me", web::get().to(discord_user))
                    .route("/2/users/me", web::get().to(x_user));
            }
        });
        OAuthProvider { base: peer.base().to_owned(), inner, _peer: peer }
    }

    /// The account that the next authorizations consent for.
    pub fn sign_in_as(&self, account: ProviderAccount) {
        self.inner.lock().unwrap().account = account;
    }

    pub fn put_nonce_in_id_tokens(&self, nonce: Option<&str>) {
        self.inner.lock().unwrap().nonce_override = nonce.map(str::to_string);
    }

    pub fn deny_next(&self) {
        self.inner.lock().unwrap().deny = true;
    }

    /// A new signing key; the old one leaves the JWKS at once.
    pub fn rotate_keys(&self) {
        let (key, kid) = new_key();
        let mut inner = self.inner.lock().unwrap();
        inner.key = key;
        inner.kid = kid;
    }

    pub fn token_requests(&self) -> usize {
        self.inner.lock().unwrap().token_requests
    }
}

type Data = web::Data<(String, Arc<Mutex<Inner>>)>;

async fn discovery(data: Data) -> HttpResponse {
    let base = &data.0;
    HttpResponse::Ok().json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"],
    }))
}

async fn jwks(data: Data) -> HttpResponse {
    let inner = data.1.lock().unwrap();
    let mut public = inner.key.to_public_key().unwrap();
    public.set_key_id(&inner.kid);
    let mut value: Value = serde_json::to_value(public.as_ref()).unwrap();
    value["use"] = json!("sig");
    value["alg"] = json!("RS256");
    HttpResponse::Ok().json(json!({ "keys": [value] }))
}

fn oauth_error(status: u16, error: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({ "error": error, "error_description": error }))
}

async fn authorize(data: Data, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let q = query.into_inner();
    let get = |k: &str| q.get(k).cloned();
    if get("client_id").as_deref() != Some(CLIENT_ID) {
        return oauth_error(400, "unauthorized_client");
    }
    let (Some(redirect_uri), Some(state)) = (get("redirect_uri"), get("state")) else {
        return oauth_error(400, "invalid_request");
    };
    let mut target = url::Url::parse(&redirect_uri).unwrap();
    let mut inner = data.1.lock().unwrap();
    if std::mem::take(&mut inner.deny) {
        target.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &state);
        return HttpResponse::Found().insert_header(("location", target.to_string())).finish();
    }
    // PKCE is required, S256 only (RFC 7636; OAuth 2.1).
    if get("response_type").as_deref() != Some("code")
        || get("code_challenge_method").as_deref() != Some("S256")
        || get("code_challenge").is_none()
    {
        return oauth_error(400, "invalid_request");
    }
    let code = random();
    let grant = Grant {
        redirect_uri,
        challenge: get("code_challenge").unwrap(),
        nonce: get("nonce"),
        scope: get("scope").unwrap_or_default(),
        account: inner.account.clone(),
    };
    inner.codes.insert(code.clone(), grant);
    target.query_pairs_mut().append_pair("code", &code).append_pair("state", &state);
    HttpResponse::Found().insert_header(("location", target.to_string())).finish()
}

fn client_authenticated(req: &HttpRequest, form: &HashMap<String, String>) -> bool {
    if let Some(basic) = req
        .headers()
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
    {
        let decoded = STANDARD.decode(basic).ok().and_then(|b| String::from_utf8(b).ok());
        let expected = format!(
            "{}:{}",
            url::form_urlencoded::byte_serialize(CLIENT_ID.as_bytes()).collect::<String>(),
            url::form_urlencoded::byte_serialize(CLIENT_SECRET.as_bytes()).collect::<String>()
        );
        return decoded.as_deref() == Some(expected.as_str());
    }
    form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

async fn token(data: Data, req: HttpRequest, form: web::Form<HashMap<String, String>>) -> HttpResponse {
    let form = form.into_inner();
    let base = data.0.clone();
    let mut inner = data.1.lock().unwrap();
    inner.token_requests += 1;
    if !client_authenticated(&req, &form) {
        return oauth_error(401, "invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(400, "unsupported_grant_type");
    }
    let Some(grant) = form.get("code").and_then(|c| inner.codes.remove(c)) else {
        return oauth_error(400, "invalid_grant");
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return oauth_error(400, "invalid_grant");
    }
    let Some(verifier) = form.get("code_verifier") else {
        return oauth_error(400, "invalid_grant");
    };
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return oauth_error(400, "invalid_grant");
    }
    let access = random();
    inner.tokens.insert(access.clone(), grant.account.clone());
    let mut answer = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": grant.scope,
    });
    if grant.scope.split(' ').any(|s| s == "openid") {
        let account = &grant.account;
        let mut payload = JwtPayload::new();
        payload.set_issuer(&base);
        payload.set_subject(&account.subject);
        payload.set_audience(vec![CLIENT_ID]);
        let now = std::time::SystemTime::now();
        payload.set_issued_at(&now);
        payload.set_expires_at(&(now + std::time::Duration::from_secs(300)));
        let nonce = inner.nonce_override.clone().or(grant.nonce.clone());
        if let Some(n) = nonce {
            payload.set_claim("nonce", Some(json!(n))).unwrap();
        }
        if let Some(e) = &account.email {
            payload.set_claim("email", Some(json!(e))).unwrap();
            payload.set_claim("email_verified", Some(json!(account.email_verified))).unwrap();
        }
        payload.set_claim("name", Some(json!(account.name))).unwrap();
        if let Some(extra) = account.extra.as_object() {
            for (k, v) in extra {
                payload.set_claim(k, Some(v.clone())).unwrap();
            }
        }
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(&inner.kid);
        let signer = RS256.signer_from_jwk(&inner.key).unwrap();
        answer["id_token"] = json!(jwt::encode_with_signer(&payload, &header, &signer).unwrap());
    }
    HttpResponse::Ok().json(answer)
}

fn bearer_account(data: &Data, req: &HttpRequest) -> Option<ProviderAccount> {
    let token = req.headers().get("authorization")?.to_str().ok()?.strip_prefix("Bearer ")?.to_string();
    data.1.lock().unwrap().tokens.get(&token).cloned()
}

async fn userinfo(data: Data, req: HttpRequest) -> HttpResponse {
    let Some(a) = bearer_account(&data, &req) else {
        return oauth_error(401, "invalid_token");
    };
    HttpResponse::Ok()
        .json(json!({"sub": a.subject, "email": a.email, "email_verified": a.email_verified, "name": a.name}))
}

async fn github_user(data: Data, req: HttpRequest) -> HttpResponse {
    let Some(a) = bearer_account(&data, &req) else {
        return oauth_error(401, "bad_credentials");
    };
    let id: i64 = a.subject.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(1);
    // The profile email is whatever the user typed: not a statement of verification.
    HttpResponse::Ok().json(json!({"id": id, "login": "octo", "name": a.name, "email": a.email, "avatar_url": "https://avatars.example/octo.png"}))
}

async fn github_emails(data: Data, req: HttpRequest) -> HttpResponse {
    let Some(a) = bearer_account(&data, &req) else {
        return oauth_error(401, "bad_credentials");
    };
    let mut emails =
        vec![json!({"email": "old@example.org", "primary": false, "verified": true, "visibility": null})];
    if let Some(e) = &a.email {
        emails
            .push(json!({"email": e, "primary": true, "verified": a.email_verified, "visibility": "public"}));
    }
    HttpResponse::Ok().json(emails)
}

async fn discord_user(data: Data, req: HttpRequest) -> HttpResponse {
    let Some(a) = bearer_account(&data, &req) else {
        return oauth_error(401, "unauthorized");
    };
    HttpResponse::Ok().json(json!({"id": a.subject, "username": "ada", "global_name": a.name, "email": a.email, "verified": a.email_verified, "avatar": "abc"}))
}

async fn x_user(data: Data, req: HttpRequest) -> HttpResponse {
    let Some(a) = bearer_account(&data, &req) else {
        return oauth_error(401, "unauthorized");
    };
    let mut user = json!({"id": a.subject, "name": a.name, "username": "ada"});
    let wants_email = req.query_string().contains("confirmed_email");
    if wants_email
        && a.email_verified
        && let Some(e) = &a.email
    {
        user["confirmed_email"] = json!(e);
    }
    HttpResponse::Ok().json(json!({ "data": user }))
}
