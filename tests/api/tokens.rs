use crate::json;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use janua_testkit::{ExpectStatus, TestStack, eventually};
use serde_json::{Value, json};
use std::time::Duration;

use janua_testkit::PASSWORD;

fn parts(token: &str) -> (Value, Value) {
    let p: Vec<&str> = token.split('.').collect();
    let dec = |s: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(s).unwrap()).unwrap();
    (dec(p[0]), dec(p[1]))
}

fn enc(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

async fn reason(resp: reqwest::Response) -> String {
    resp.expect_error(401, "UNAUTHORIZED").await["error"]["details"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn access_tokens_are_eddsa_jwts_with_the_contract_claims_and_a_published_kid() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let (header, claims) = parts(pair["access_token"].as_str().unwrap());
    assert_eq!(header["alg"], "EdDSA");
    for claim in ["iss", "sub", "sid", "aud", "iat", "exp", "jti"] {
        assert!(claims.get(claim).is_some(), "missing {claim}");
    }
    assert_eq!(claims["sub"], pair["user"]["id"]);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);
    for path in ["/.well-known/jwks.json", "/api/v1/auth/.well-known/jwks.json"] {
        let jwks = json(app.get(path, None).await).await;
        let keys = jwks["keys"].as_array().unwrap();
        assert!(keys.iter().any(|k| k["kid"] == header["kid"] && k["kty"] == "OKP" && k["crv"] == "Ed25519"));
        assert!(keys.iter().all(|k| k.get("d").is_none()), "no private key material");
    }
}

#[tokio::test]
async fn tampered_unsigned_and_confused_tokens_are_refused() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap();
    let (header, mut claims) = parts(token);
    let sig = token.rsplit('.').next().unwrap();

    // Another subject under the original signature.
    claims["sub"] = json!(uuid::Uuid::now_v7());
    let tampered = format!("{}.{}.{}", enc(&header), enc(&claims), sig);
    assert_eq!(reason(app.get("/api/v1/auth/me", Some(&tampered)).await).await, "token_invalid");

    // alg: none.
    let (_, claims) = parts(token);
    let none = format!("{}.{}.", enc(&json!({"alg":"none","kid":header["kid"]})), enc(&claims));
    assert_eq!(reason(app.get("/api/v1/auth/me", Some(&none)).await).await, "token_invalid");

    // HS256 "signed" with the public key as the HMAC secret.
    let jwks = json(app.get("/.well-known/jwks.json", None).await).await;
    let public = jwks["keys"][0].clone();
    let hs_header = json!({"alg":"HS256","typ":"JWT","kid":header["kid"]});
    let signing_input = format!("{}.{}", enc(&hs_header), enc(&claims));
    for secret in
        [public.to_string().into_bytes(), URL_SAFE_NO_PAD.decode(public["x"].as_str().unwrap()).unwrap()]
    {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
        mac.update(signing_input.as_bytes());
        let forged = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
        assert_eq!(reason(app.get("/api/v1/auth/me", Some(&forged)).await).await, "token_invalid");
        // Directly against identity as well: the service does not rely on the gateway.
        let direct = app
            .http
            .get(format!("{}/api/v1/auth/me", app.identity_url))
            .bearer_auth(&forged)
            .send()
            .await
            .unwrap();
        assert_eq!(reason(direct).await, "token_invalid");
    }
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestStack::spawn_with(|s| s.tokens.access_ttl_secs = 1).await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let token = pair["access_token"].as_str().unwrap().to_string();
    let reason = eventually("the token to expire", Duration::from_secs(10), || {
        let app = &app;
        let token = token.clone();
        async move {
            let resp = app.get("/api/v1/auth/me", Some(&token)).await;
            if resp.status() == 401 { Some(reason(resp).await) } else { None }
        }
    })
    .await;
    assert_eq!(reason, "token_expired");
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_until_their_key_is_retired() {
    let app = TestStack::spawn().await;
    let old = app.signup("ada@example.com", PASSWORD).await;
    let old_token = old["access_token"].as_str().unwrap();
    let (old_header, _) = parts(old_token);
    let internal = |path: &str| {
        app.http
            .post(format!("{}/internal/v1/keys/{path}", app.auth_url))
            .header("x-janua-service-token", janua_testkit::service_token(&app.settings))
            .send()
    };
    assert_eq!(internal("rotate").await.unwrap().status(), 200);

    let new = json(app.signin("ada@example.com", PASSWORD).await).await;
    let (new_header, _) = parts(new["access_token"].as_str().unwrap());
    assert_ne!(new_header["kid"], old_header["kid"]);
    let jwks = json(app.get("/.well-known/jwks.json", None).await).await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2, "old key still published during the overlap");
    // Overlap: the old token still works, at the gateway and in the services.
    assert_eq!(app.get("/api/v1/auth/me", Some(old_token)).await.status(), 200);
    assert_eq!(app.get("/api/v1/auth/me", new["access_token"].as_str()).await.status(), 200);

    // The old key's verification window ends: its tokens fail.
    use diesel_async::RunQueryDsl;
    let mut conn = app.db("auth").await;
    diesel::sql_query("UPDATE signing_keys SET verify_until = now() WHERE kid = $1")
        .bind::<diesel::sql_types::Text, _>(old_header["kid"].as_str().unwrap())
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(internal("reload").await.unwrap().status(), 200);
    let jwks = json(app.get("/.well-known/jwks.json", None).await).await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    // auth itself verifies the signout token against its own, reloaded keys.
    let direct = app
        .http
        .post(format!("{}/api/v1/auth/signout", app.auth_url))
        .bearer_auth(old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(reason(direct).await, "token_invalid");
    // And the internal routes are invisible without the service token.
    let probe = app.http.post(format!("{}/internal/v1/keys/rotate", app.auth_url)).send().await.unwrap();
    probe.expect_error(404, "NOT_FOUND").await;
}

/// Clients cannot drive key fetches: a flood of well-formed tokens signed by keys nobody
/// published (each a new `kid`) is refused at once, at the gateway and in the services, and
/// the genuine token keeps working throughout (its verified entry is not emptied by reloads).
#[tokio::test]
async fn tokens_naming_unknown_keys_are_refused_without_disturbing_genuine_ones() {
    let app = TestStack::spawn().await;
    let pair = app.signup("ada@example.com", PASSWORD).await;
    let genuine = pair["access_token"].as_str().unwrap().to_string();
    let (_, claims) = parts(&genuine);
    let claims: janua_tokens::Claims = serde_json::from_value(claims).unwrap();
    let forged: Vec<String> = (0..40)
        .map(|_| {
            let key = janua_tokens::SigningKey::generate().unwrap();
            let mut ring = janua_tokens::KeyRing::new(&claims.iss, &claims.aud);
            ring.set_signer(&key.private_jwk).unwrap();
            ring.sign(&claims).unwrap()
        })
        .collect();
    let answers = futures::future::join_all(forged.iter().map(|t| app.get("/api/v1/auth/me", Some(t)))).await;
    for resp in answers {
        assert_eq!(reason(resp).await, "token_invalid");
    }
    // Directly at a service too (identity verifies with its own key cache).
    let resp = app
        .http
        .get(format!("{}/api/v1/auth/me", app.identity_url))
        .bearer_auth(&forged[0])
        .send()
        .await
        .unwrap();
    assert_eq!(reason(resp).await, "token_invalid");
    assert_eq!(app.get("/api/v1/auth/me", Some(&genuine)).await.status(), 200);
}
