//! Signing and verification with a ring of Ed25519 keys. Exactly one key signs; every key
//! that may still have live tokens verifies (rotation with overlap).

use crate::claims::Claims;
use chrono::Utc;
use josekit::jwk::Jwk;
use josekit::jwk::KeyPair as _;
use josekit::jwk::alg::ed::EdCurve;
use josekit::jws::alg::eddsa::{EddsaJwsSigner, EddsaJwsVerifier};
use josekit::jws::{EdDSA, JwsHeader, JwsVerifier};
use josekit::jwt::JwtPayload;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token is malformed")]
    Malformed,
    #[error("token algorithm is not accepted")]
    UnsupportedAlgorithm,
    #[error("token was signed by an unknown key")]
    UnknownKey,
    #[error("token signature is invalid")]
    BadSignature,
    #[error("token has expired")]
    Expired,
    #[error("token issuer or audience is wrong")]
    WrongIssuerOrAudience,
    #[error("token has been revoked")]
    Revoked,
    #[error("token is not valid for this endpoint")]
    WrongScope,
    #[error("no signing key is available")]
    NoSigningKey,
    #[error("key material is invalid")]
    BadKey,
}

impl TokenError {
    /// The `details.reason` clients see.
    pub fn reason(&self) -> &'static str {
        match self {
            TokenError::Expired => "token_expired",
            TokenError::Revoked => "token_revoked",
            TokenError::WrongScope => "token_scope",
            _ => "token_invalid",
        }
    }
}

/// A freshly generated key: the private JWK (to be sealed before storage) and its public half.
pub struct SigningKey {
    pub kid: String,
    pub private_jwk: String,
    pub public_jwk: serde_json::Value,
}

impl SigningKey {
    pub fn generate() -> Result<SigningKey, TokenError> {
        let pair = EdDSA.generate_key_pair(EdCurve::Ed25519).map_err(|_| TokenError::BadKey)?;
        let kid = uuid::Uuid::now_v7().simple().to_string();
        let mut private = pair.to_jwk_private_key();
        private.set_key_id(&kid);
        let mut public = pair.to_jwk_public_key();
        public.set_key_id(&kid);
        public.set_key_use("sig");
        public.set_algorithm("EdDSA");
        let public_jwk = serde_json::Value::Object(public.as_ref().clone());
        Ok(SigningKey { kid, private_jwk: private.to_string(), public_jwk })
    }
}

/// The keys in force. Shared behind an `Arc`; rebuilt (never mutated) on rotation.
pub struct KeyRing {
    issuer: String,
    audience: String,
    signer: Option<(String, EddsaJwsSigner)>,
    verifiers: HashMap<String, EddsaJwsVerifier>,
    public: Vec<serde_json::Value>,
    /// Tokens whose signature this ring has already checked, by SHA-256 of the token. A
    /// signature does not stop being valid, so the gateway and a service need not pay for the
    /// same Ed25519 verification on every request; expiry is still checked each time, and
    /// the cache dies with the ring when the keys change.
    verified: std::sync::Mutex<HashMap<[u8; 32], Claims>>,
}

const VERIFIED_CACHE_MAX: usize = 50_000;

impl KeyRing {
    pub fn new(issuer: &str, audience: &str) -> KeyRing {
        KeyRing {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            signer: None,
            verifiers: HashMap::new(),
            public: Vec::new(),
            verified: std::sync::Mutex::new(HashMap::new()),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// Adds a verifying key from its public JWK.
    pub fn add_public(&mut self, public_jwk: &serde_json::Value) -> Result<(), TokenError> {
        let map = public_jwk.as_object().cloned().ok_or(TokenError::BadKey)?;
        let jwk = Jwk::from_map(map).map_err(|_| TokenError::BadKey)?;
        if jwk.key_type() != "OKP" || jwk.curve() != Some("Ed25519") {
            return Err(TokenError::BadKey);
        }
        let kid = jwk.key_id().ok_or(TokenError::BadKey)?.to_string();
        let verifier = EdDSA.verifier_from_jwk(&jwk).map_err(|_| TokenError::BadKey)?;
        self.verifiers.insert(kid, verifier);
        self.public.push(public_jwk.clone());
        Ok(())
    }

    /// Sets the one signing key from its private JWK.
    pub fn set_signer(&mut self, private_jwk: &str) -> Result<(), TokenError> {
        let jwk = Jwk::from_bytes(private_jwk.as_bytes()).map_err(|_| TokenError::BadKey)?;
        let kid = jwk.key_id().ok_or(TokenError::BadKey)?.to_string();
        let signer = EdDSA.signer_from_jwk(&jwk).map_err(|_| TokenError::BadKey)?;
        self.signer = Some((kid, signer));
        Ok(())
    }

    /// The ids of the verifying keys, sorted.
    pub fn kids(&self) -> Vec<&str> {
        let mut kids: Vec<&str> = self.verifiers.keys().map(String::as_str).collect();
        kids.sort_unstable();
        kids
    }

    pub fn signing_kid(&self) -> Option<&str> {
        self.signer.as_ref().map(|(kid, _)| kid.as_str())
    }

    pub fn has_kid(&self, kid: &str) -> bool {
        self.verifiers.contains_key(kid)
    }

    /// `{"keys":[...]}` with every key that verifies.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": self.public })
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, TokenError> {
        let (kid, signer) = self.signer.as_ref().ok_or(TokenError::NoSigningKey)?;
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(kid);
        let map = match serde_json::to_value(claims) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(TokenError::Malformed),
        };
        let payload = JwtPayload::from_map(map).map_err(|_| TokenError::Malformed)?;
        josekit::jwt::encode_with_signer(&payload, &header, signer).map_err(|_| TokenError::BadKey)
    }

    /// Signs a document that is not a token (a compliance report) as a compact JWS with the
    /// current key, under its own `typ`: access-token verification accepts only `typ: JWT`, so
    /// a signed document can never pass for a token.
    pub fn sign_document(&self, typ: &str, payload: &[u8]) -> Result<String, TokenError> {
        if typ.eq_ignore_ascii_case("JWT") {
            return Err(TokenError::Malformed);
        }
        let (kid, signer) = self.signer.as_ref().ok_or(TokenError::NoSigningKey)?;
        let mut header = JwsHeader::new();
        header.set_token_type(typ);
        header.set_content_type("json");
        header.set_key_id(kid);
        josekit::jws::serialize_compact(payload, &header, signer).map_err(|_| TokenError::BadKey)
    }

    /// Verifies signature, algorithm (only EdDSA: no `none`, no HMAC with a public key),
    /// key id, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        if token.len() > 8192 || token.split('.').count() != 3 {
            return Err(TokenError::Malformed);
        }
        let digest = janua_core::crypto::sha256(token.as_bytes());
        let cached = self.verified.lock().ok().and_then(|c| c.get(&digest).cloned());
        let claims = match cached {
            Some(claims) => claims,
            None => {
                let claims = self.verify_uncached(token)?;
                if let Ok(mut cache) = self.verified.lock() {
                    if cache.len() >= VERIFIED_CACHE_MAX {
                        cache.clear();
                    }
                    cache.insert(digest, claims.clone());
                }
                claims
            }
        };
        if claims.exp <= Utc::now().timestamp() {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    /// The full check without the cache (what a first sighting of a token costs).
    pub fn verify_uncached(&self, token: &str) -> Result<Claims, TokenError> {
        let header = josekit::jwt::decode_header(token).map_err(|_| TokenError::Malformed)?;
        match header.claim("alg").and_then(|v| v.as_str()) {
            Some("EdDSA") => {}
            _ => return Err(TokenError::UnsupportedAlgorithm),
        }
        if header.claim("typ").and_then(|v| v.as_str()).is_some_and(|t| !t.eq_ignore_ascii_case("JWT")) {
            return Err(TokenError::Malformed);
        }
        let kid = header.claim("kid").and_then(|v| v.as_str()).ok_or(TokenError::UnknownKey)?.to_string();
        let verifier = self.verifiers.get(&kid).ok_or(TokenError::UnknownKey)?;
        let (payload, _) = josekit::jwt::decode_with_verifier(token, verifier as &dyn JwsVerifier)
            .map_err(|_| TokenError::BadSignature)?;
        let claims: Claims = serde_json::from_value(serde_json::Value::Object(payload.claims_set().clone()))
            .map_err(|_| TokenError::Malformed)?;
        if claims.iss != self.issuer || claims.aud != self.audience {
            return Err(TokenError::WrongIssuerOrAudience);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use uuid::Uuid;

    #[test]
    fn a_signed_document_never_passes_for_a_token() {
        let (ring, _) = ring_with_key();
        let claims = serde_json::to_vec(&claims(60)).unwrap();
        let document = ring.sign_document("janua-compliance-report+jws", &claims).unwrap();
        assert!(matches!(ring.verify(&document), Err(TokenError::Malformed)));
        assert!(ring.sign_document("JWT", &claims).is_err());
    }

    fn ring_with_key() -> (KeyRing, SigningKey) {
        let key = SigningKey::generate().unwrap();
        let mut ring = KeyRing::new("http://issuer", "janua");
        ring.add_public(&key.public_jwk).unwrap();
        ring.set_signer(&key.private_jwk).unwrap();
        (ring, key)
    }

    fn claims(exp_in: i64) -> Claims {
        let now = Utc::now().timestamp();
        Claims {
            iss: "http://issuer".into(),
            sub: Uuid::now_v7(),
            sid: Uuid::now_v7(),
            aud: "janua".into(),
            iat: now,
            exp: now + exp_in,
            jti: Uuid::now_v7(),
            roles: vec![],
            scope: None,
            auth_time: None,
        }
    }

    #[test]
    fn signed_tokens_verify_and_carry_kid() {
        let (ring, key) = ring_with_key();
        let c = claims(60);
        let token = ring.sign(&c).unwrap();
        assert_eq!(ring.verify(&token).unwrap(), c);
        // Second time from the cache: same answer.
        assert_eq!(ring.verify(&token).unwrap(), c);
        let header = josekit::jwt::decode_header(&token).unwrap();
        assert_eq!(header.claim("kid").and_then(|v| v.as_str()), Some(key.kid.as_str()));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_fail() {
        let (ring, _) = ring_with_key();
        assert_eq!(ring.verify(&ring.sign(&claims(-1)).unwrap()), Err(TokenError::Expired));

        let token = ring.sign(&claims(60)).unwrap();
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        payload["sub"] = serde_json::json!(Uuid::now_v7());
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&payload).unwrap());
        assert_eq!(ring.verify(&parts.join(".")), Err(TokenError::BadSignature));

        let (other, _) = ring_with_key();
        assert_eq!(ring.verify(&other.sign(&claims(60)).unwrap()), Err(TokenError::UnknownKey));
    }

    #[test]
    fn alg_none_is_refused() {
        let (ring, key) = ring_with_key();
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"none","kid":"{}"}}"#, key.kid));
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(60)).unwrap());
        let token = format!("{header}.{payload}.");
        assert_eq!(ring.verify(&token), Err(TokenError::UnsupportedAlgorithm));
    }
}
