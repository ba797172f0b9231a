//! The loopback OpenID Provider (panva's oidc-provider) behaves as a Relying Party expects:
//! code flow with PKCE S256, state and nonce round-trips, ID tokens signed by a key its JWKS
//! publishes, key rotation, refusals.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use janua_testkit::oidc_provider::{OidcClient, OidcProvider};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CLIENT_ID: &str = "janua-rp";
const CLIENT_SECRET: &str = "janua-rp-secret";
// Nothing listens there: `authorize` answers the redirect without following it.
const REDIRECT_URI: &str = "http://127.0.0.1:9/sso/callback";

async fn provider() -> OidcProvider {
    let provider = OidcProvider::start(&[OidcClient::basic(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)]).await;
    provider
        .set_account(json!({
            "sub": "user-42",
            "email": "ada@example.com",
            "email_verified": true,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "groups": ["engineering", "admins"],
        }))
        .await;
    provider
}

async fn get_json(url: &str) -> Value {
    let resp = reqwest::get(url).await.expect(url);
    assert_eq!(resp.status(), 200, "{url}");
    resp.json().await.expect("a JSON body")
}

async fn discovery(provider: &OidcProvider) -> Value {
    get_json(&format!("{}/.well-known/openid-configuration", provider.issuer())).await
}

struct Authorization {
    url: String,
    state: String,
    nonce: String,
    verifier: String,
}

/// An authorization URL as an RP builds it (RFC 7636 S256 challenge).
fn authorization(config: &Value, with_pkce: bool) -> Authorization {
    let verifier = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let state = uuid::Uuid::new_v4().simple().to_string();
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut url = url::Url::parse(config["authorization_endpoint"].as_str().unwrap()).unwrap();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", CLIENT_ID)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("scope", "openid email profile")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce);
        if with_pkce {
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            query.append_pair("code_challenge", &challenge).append_pair("code_challenge_method", "S256");
        }
    }
    Authorization { url: url.to_string(), state, nonce, verifier }
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The token endpoint's answer to a code exchange (client_secret_basic).
async fn exchange(config: &Value, code: &str, verifier: &str) -> Value {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("code_verifier", verifier)
        .finish();
    let resp = reqwest::Client::new()
        .post(config["token_endpoint"].as_str().unwrap())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the token endpoint");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("a token response")
}

/// Whether the ID token's RS256 signature verifies with the JWKS key its header names.
async fn signature_verifies(config: &Value, id_token: &str) -> bool {
    let jwks = get_json(config["jwks_uri"].as_str().unwrap()).await;
    let kid = jwt_part(id_token, 0)["kid"].clone();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .expect("the header's kid in the JWKS");
    let jwk = josekit::jwk::Jwk::from_bytes(key.to_string()).expect("an RSA JWK");
    let verifier = josekit::jws::RS256.verifier_from_jwk(&jwk).expect("an RS256 verifier");
    josekit::jwt::decode_with_verifier(id_token, &verifier).is_ok()
}

fn jwt_part(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).expect("a compact JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

fn published_kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .expect("a JWKS")
        .iter()
        .map(|k| k["kid"].as_str().expect("a kid").to_string())
        .collect()
}

/// Runs the whole code flow and answers the ID token.
async fn sign_in(provider: &OidcProvider, config: &Value) -> String {
    let auth = authorization(config, true);
    let redirect = provider.authorize(&auth.url).await;
    let code = param(&redirect, "code").unwrap_or_else(|| panic!("a code in {redirect}"));
    let tokens = exchange(config, &code, &auth.verifier).await;
    tokens["id_token"].as_str().expect("an id_token").to_string()
}

#[tokio::test]
async fn code_flow_with_pkce_yields_an_id_token_signed_by_a_published_key() {
    let provider = provider().await;
    let config = discovery(&provider).await;
    assert_eq!(config["issuer"], provider.issuer());
    assert_eq!(config["code_challenge_methods_supported"], json!(["S256"]));

    let auth = authorization(&config, true);
    let redirect = provider.authorize(&auth.url).await;
    assert_eq!(redirect.as_str().split('?').next(), Some(REDIRECT_URI));
    assert_eq!(param(&redirect, "state"), Some(auth.state.clone()));
    assert_eq!(param(&redirect, "iss"), Some(provider.issuer()));
    let code = param(&redirect, "code").expect("a code");

    let tokens = exchange(&config, &code, &auth.verifier).await;
    let id_token = tokens["id_token"].as_str().expect("an id_token");
    let header = jwt_part(id_token, 0);
    assert_eq!(header["alg"], "RS256");
    let jwks = get_json(config["jwks_uri"].as_str().unwrap()).await;
    assert!(published_kids(&jwks).contains(&header["kid"].as_str().unwrap().to_string()));
    let claims = jwt_part(id_token, 1);
    assert_eq!(claims["iss"], provider.issuer());
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(claims["sub"], "user-42");
    assert_eq!(claims["nonce"], auth.nonce.as_str());
    // The provider's defaults (Core 5.4): scope-requested claims are not in the ID token of
    // the code flow; UserInfo has them.
    assert!(claims.get("email").is_none(), "{claims}");
    assert!(claims.get("email_verified").is_none(), "{claims}");

    let userinfo = reqwest::Client::new()
        .get(config["userinfo_endpoint"].as_str().unwrap())
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 200);
    let userinfo: Value = userinfo.json().await.unwrap();
    assert_eq!(userinfo["sub"], "user-42");
    assert_eq!(userinfo["email"], "ada@example.com");
    assert_eq!(userinfo["email_verified"], true);
    assert_eq!(userinfo["groups"], json!(["engineering", "admins"]));

    let requests = provider.requests().await;
    let seen = &requests.as_array().expect("a list")[0];
    assert_eq!(seen["code_challenge_method"], "S256");
    assert_eq!(seen["state"], auth.state.as_str());
    assert_eq!(seen["nonce"], auth.nonce.as_str());
}

#[tokio::test]
async fn an_authorization_without_code_challenge_is_refused() {
    let provider = provider().await;
    let config = discovery(&provider).await;
    let auth = authorization(&config, false);
    let redirect = provider.authorize(&auth.url).await;
    assert_eq!(param(&redirect, "error").as_deref(), Some("invalid_request"));
    assert_eq!(param(&redirect, "state"), Some(auth.state));
    assert_eq!(param(&redirect, "code"), None);
}

#[tokio::test]
async fn without_a_signed_in_account_the_authorization_is_denied() {
    let provider = provider().await;
    provider.clear_account().await;
    let config = discovery(&provider).await;
    let redirect = provider.authorize(&authorization(&config, true).url).await;
    assert_eq!(param(&redirect, "error").as_deref(), Some("access_denied"));
}

#[tokio::test]
async fn rotated_keys_sign_new_id_tokens_and_the_jwks_follows() {
    let provider = provider().await;
    let config = discovery(&provider).await;
    let jwks_uri = config["jwks_uri"].as_str().unwrap().to_string();
    let first = jwt_part(&sign_in(&provider, &config).await, 0)["kid"].clone();

    provider.rotate_keys(true).await;
    let second = jwt_part(&sign_in(&provider, &config).await, 0)["kid"].clone();
    assert_ne!(first, second);
    let kids = published_kids(&get_json(&jwks_uri).await);
    assert!(kids.contains(&first.as_str().unwrap().to_string()));
    assert!(kids.contains(&second.as_str().unwrap().to_string()));

    provider.rotate_keys(false).await;
    let third = jwt_part(&sign_in(&provider, &config).await, 0)["kid"].clone();
    assert_eq!(published_kids(&get_json(&jwks_uri).await), vec![third.as_str().unwrap().to_string()]);
}

#[tokio::test]
async fn options_tamper_with_the_id_token() {
    let provider = provider().await;
    let config = discovery(&provider).await;
    provider
        .set_options(json!({
            "id_token_audience_override": "someone-else",
            "issuer_override": "http://evil.example",
            "nonce_override": "not-your-nonce",
            "expired_id_token": true,
        }))
        .await;
    let claims = jwt_part(&sign_in(&provider, &config).await, 1);
    assert_eq!(claims["aud"], "someone-else");
    assert_eq!(claims["iss"], "http://evil.example");
    assert_eq!(claims["nonce"], "not-your-nonce");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(claims["exp"].as_u64().unwrap() < now);

    provider.set_options(json!({})).await;
    let honest = sign_in(&provider, &config).await;
    assert_eq!(jwt_part(&honest, 1)["aud"], CLIENT_ID);
    assert!(signature_verifies(&config, &honest).await);

    provider.set_options(json!({ "foreign_signature": true })).await;
    let forged = sign_in(&provider, &config).await;
    assert_eq!(jwt_part(&forged, 0)["kid"], jwt_part(&honest, 0)["kid"]);
    assert!(!signature_verifies(&config, &forged).await);
}

#[tokio::test]
async fn client_secret_post_clients_authenticate_in_the_body() {
    let client = OidcClient {
        auth_method: "client_secret_post",
        ..OidcClient::basic(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    };
    let provider = OidcProvider::start(&[client]).await;
    provider.set_account(json!({ "sub": "user-7" })).await;
    let config = discovery(&provider).await;
    let auth = authorization(&config, true);
    let redirect = provider.authorize(&auth.url).await;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &param(&redirect, "code").expect("a code"))
        .append_pair("redirect_uri", REDIRECT_URI)
        .append_pair("code_verifier", &auth.verifier)
        .append_pair("client_id", CLIENT_ID)
        .append_pair("client_secret", CLIENT_SECRET)
        .finish();
    let resp = reqwest::Client::new()
        .post(config["token_endpoint"].as_str().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let tokens: Value = resp.json().await.unwrap();
    let claims = jwt_part(tokens["id_token"].as_str().unwrap(), 1);
    assert_eq!(claims["sub"], "user-7");
    assert_eq!(claims["nonce"], auth.nonce.as_str());
    assert!(claims.get("groups").is_none());
}
