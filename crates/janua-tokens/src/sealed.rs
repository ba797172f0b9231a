//! AES-256-GCM sealing of secrets at rest (signing keys, TOTP and SSO secrets) with the
//! operator's encryption key. Layout: 12-byte random nonce || ciphertext+tag.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the encryption key must be base64 of exactly 32 bytes")]
    BadKey,
    #[error("sealed value is corrupt or was sealed with another key")]
    Open,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// `key` is base64 (standard or url-safe, padded or not) of 32 bytes.
    pub fn from_base64(key: &str) -> Result<SecretBox, SealError> {
        let key = key.trim();
        let bytes = URL_SAFE_NO_PAD
            .decode(key.trim_end_matches('='))
            .or_else(|_| STANDARD.decode(key))
            .map_err(|_| SealError::BadKey)?;
        if bytes.len() != 32 {
            return Err(SealError::BadKey);
        }
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| SealError::BadKey)?;
        Ok(SecretBox { cipher })
    }

    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce_bytes = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let nonce = Nonce::from(nonce_bytes);
        let mut out = nonce_bytes.to_vec();
        // Encryption with a valid key and in-memory buffers cannot fail.
        out.extend(self.cipher.encrypt(&nonce, plaintext).unwrap_or_default());
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() < 12 + 16 {
            return Err(SealError::Open);
        }
        let (nonce, ciphertext) = sealed.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| SealError::Open)?;
        self.cipher.decrypt(&Nonce::from(nonce), ciphertext).map_err(|_| SealError::Open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";

    #[test]
    fn seal_and_open_round_trip_with_fresh_nonces() {
        let b = SecretBox::from_base64(KEY).unwrap();
        let a1 = b.seal(b"secret");
        let a2 = b.seal(b"secret");
        assert_ne!(a1, a2);
        assert_eq!(b.open(&a1).unwrap(), b"secret");
    }

    #[test]
    fn tampering_or_another_key_fails() {
        let b = SecretBox::from_base64(KEY).unwrap();
        let mut sealed = b.seal(b"secret");
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(b.open(&sealed).is_err());
        let other = SecretBox::from_base64("MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE").unwrap();
        assert!(other.open(&b.seal(b"x")).is_err());
        assert!(SecretBox::from_base64("c2hvcnQ").is_err());
    }
}
