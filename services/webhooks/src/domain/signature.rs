//! Standard Webhooks signatures (<https://www.standardwebhooks.com/>, "Signature scheme"):
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>`,
//! several space-separated when more than one key signs (during a secret rotation). The
//! secret a receiver is shown is `whsec_` followed by the base64 of the key bytes, which is
//! what the Standard Webhooks and Svix libraries take.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};

pub const SECRET_PREFIX: &str = "whsec_";
/// 256-bit keys; the scheme allows 24 to 64 bytes.
const KEY_BYTES: usize = 32;

/// An endpoint's signing key. Not `Debug`-printable, never logged.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    pub fn generate() -> SigningKey {
        SigningKey(janua_core::crypto::random_bytes(KEY_BYTES))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> SigningKey {
        SigningKey(bytes)
    }

    /// `whsec_<base64>` (the prefix is optional, as the reference libraries have it).
    pub fn parse(secret: &str) -> Option<SigningKey> {
        let b64 = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
        STANDARD.decode(b64).ok().filter(|k| !k.is_empty()).map(SigningKey)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as the receiver is shown it, once.
    pub fn reveal(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// One `v1,<signature>` entry.
    pub fn sign(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(msg_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The `webhook-signature` header value: one signature per key, space-separated.
pub fn signature_header(keys: &[SigningKey], msg_id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter().map(|k| k.sign(msg_id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks reference vector: reproducing it is what says a receiver's library
    /// will accept what we send (a round trip through our own code would not).
    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn generated_secrets_round_trip_and_differ() {
        let a = SigningKey::generate();
        let b = SigningKey::generate();
        assert_ne!(a.as_bytes(), b.as_bytes());
        let shown = a.reveal();
        assert!(shown.starts_with("whsec_"));
        assert_eq!(SigningKey::parse(&shown).unwrap().as_bytes(), a.as_bytes());
        assert_eq!(format!("{a:?}"), "SigningKey(..)");
    }

    #[test]
    fn two_keys_give_two_space_separated_signatures() {
        let (a, b) = (SigningKey::generate(), SigningKey::generate());
        let header = signature_header(&[a.clone(), b.clone()], "id", 1, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts, vec![a.sign("id", 1, b"{}"), b.sign("id", 1, b"{}")]);
    }
}
