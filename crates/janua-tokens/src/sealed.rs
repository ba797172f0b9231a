//! AES-256-GCM sealing of secrets at rest (signing keys, TOTP and SSO secrets, webhook
//! secrets, queued mail) with the operator's encryption keys.
//!
//! Several keys may be configured: the newest (`secrets.encryption_key`) seals, every one
//! (`secrets.previous_encryption_keys` too) opens. A sealed value names the key that sealed it:
//! `0x01 || key id (4 bytes) || nonce (12) || ciphertext+tag`, the first five bytes
//! authenticated as associated data. The key id is the first four bytes of SHA-256 over a
//! label and the key, so it says nothing about the key. Values sealed before key ids
//! (`nonce || ciphertext+tag`) still open with any configured key; `janua keys reseal` moves
//! everything to the newest key, after which older keys can be removed.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;

const VERSION: u8 = 1;
const HEADER: usize = 1 + 4;
const NONCE: usize = 12;
const TAG: usize = 16;

#[derive(Clone)]
struct Key {
    id: [u8; 4],
    cipher: Aes256Gcm,
}

#[derive(Clone)]
pub struct SecretBox {
    /// The newest first: it seals.
    keys: Vec<Key>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the encryption key must be base64 of exactly 32 bytes")]
    BadKey,
    #[error("sealed value is corrupt or was sealed with a key that is not configured")]
    Open,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

/// The id of a key: what a sealed value carries to say which key opens it.
pub fn key_id(key: &[u8]) -> [u8; 4] {
    let digest = janua_core::crypto::sha256(&[b"janua.seal.key-id.v1\n".as_slice(), key].concat());
    [digest[0], digest[1], digest[2], digest[3]]
}

fn decode(key: &str) -> Result<Vec<u8>, SealError> {
    let key = key.trim();
    let bytes = URL_SAFE_NO_PAD
        .decode(key.trim_end_matches('='))
        .or_else(|_| STANDARD.decode(key))
        .map_err(|_| SealError::BadKey)?;
    if bytes.len() != 32 {
        return Err(SealError::BadKey);
    }
    Ok(bytes)
}

impl SecretBox {
    /// `key` is base64 (standard or url-safe, padded or not) of 32 bytes.
    pub fn from_base64(key: &str) -> Result<SecretBox, SealError> {
        SecretBox::from_keys(key, "")
    }

    /// The keys of `secrets.encryption_key` (seals) and `secrets.previous_encryption_keys`.
    pub fn from_settings(secrets: &janua_core::config::SecretSettings) -> Result<SecretBox, SealError> {
        use secrecy::ExposeSecret;
        SecretBox::from_keys(
            secrets.encryption_key.expose_secret(),
            secrets.previous_encryption_keys.expose_secret(),
        )
    }

    /// `current` seals; `previous` (comma-separated, may be empty) only open.
    pub fn from_keys(current: &str, previous: &str) -> Result<SecretBox, SealError> {
        let mut keys = Vec::new();
        for encoded in std::iter::once(current).chain(previous.split(',').filter(|k| !k.trim().is_empty())) {
            let bytes = decode(encoded)?;
            let id = key_id(&bytes);
            if keys.iter().any(|k: &Key| k.id == id) {
                continue;
            }
            keys.push(Key { id, cipher: Aes256Gcm::new_from_slice(&bytes).map_err(|_| SealError::BadKey)? });
        }
        Ok(SecretBox { keys })
    }

    /// The sealing key's id, hex.
    pub fn current_key_id(&self) -> String {
        hex(&self.keys[0].id)
    }

    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let key = &self.keys[0];
        let mut nonce_bytes = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce_bytes);
        let mut out = Vec::with_capacity(HEADER + NONCE + plaintext.len() + TAG);
        out.push(VERSION);
        out.extend_from_slice(&key.id);
        let payload = Payload { msg: plaintext, aad: &out[..HEADER] };
        // Encryption with a valid key and in-memory buffers cannot fail.
        let ciphertext = key.cipher.encrypt(&Nonce::from(nonce_bytes), payload).unwrap_or_default();
        out.extend_from_slice(&nonce_bytes);
        out.extend(ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if let Some(key) = self.named_key(sealed) {
            let (header, rest) = sealed.split_at(HEADER);
            let (nonce, ciphertext) = rest.split_at(NONCE);
            let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| SealError::Open)?;
            let payload = Payload { msg: ciphertext, aad: header };
            if let Ok(plain) = key.cipher.decrypt(&Nonce::from(nonce), payload) {
                return Ok(plain);
            }
        }
        // Sealed before key ids (or a legacy nonce that happens to look like a header): any key.
        if sealed.len() < NONCE + TAG {
            return Err(SealError::Open);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().map_err(|_| SealError::Open)?;
        self.keys
            .iter()
            .find_map(|key| key.cipher.decrypt(&Nonce::from(nonce), ciphertext).ok())
            .ok_or(SealError::Open)
    }

    /// The first bytes of every value the current key seals (version and key id).
    pub fn current_header(&self) -> Vec<u8> {
        let mut header = vec![VERSION];
        header.extend_from_slice(&self.keys[0].id);
        header
    }

    /// Whether `sealed` is sealed with the current key (nothing for `janua keys reseal` to do).
    pub fn is_current(&self, sealed: &[u8]) -> bool {
        self.named_key(sealed).is_some_and(|key| key.id == self.keys[0].id) && self.open(sealed).is_ok()
    }

    /// `sealed` opened and sealed again with the current key; `None` when it already is.
    pub fn reseal(&self, sealed: &[u8]) -> Result<Option<Vec<u8>>, SealError> {
        if self.is_current(sealed) {
            return Ok(None);
        }
        Ok(Some(self.seal(&self.open(sealed)?)))
    }

    fn named_key(&self, sealed: &[u8]) -> Option<&Key> {
        if sealed.len() < HEADER + NONCE + TAG || sealed[0] != VERSION {
            return None;
        }
        self.keys.iter().find(|key| key.id == sealed[1..HEADER])
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

    const NEW: &str = "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE";

    /// A value sealed as before key ids: nonce || ciphertext+tag.
    fn legacy_seal(key: &str, plaintext: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new_from_slice(&decode(key).unwrap()).unwrap();
        let nonce = [7u8; 12];
        let mut out = nonce.to_vec();
        out.extend(cipher.encrypt(&Nonce::from(nonce), plaintext).unwrap());
        out
    }

    #[test]
    fn the_newest_key_seals_every_key_opens_and_reseal_moves_to_the_newest() {
        let old = SecretBox::from_base64(KEY).unwrap();
        let both = SecretBox::from_keys(NEW, KEY).unwrap();
        let new_only = SecretBox::from_base64(NEW).unwrap();
        let by_old = old.seal(b"totp");
        assert_eq!(by_old[0], VERSION);
        assert_eq!(both.open(&by_old).unwrap(), b"totp");
        assert!(new_only.open(&by_old).is_err());
        assert!(!both.is_current(&by_old));
        let moved = both.reseal(&by_old).unwrap().expect("resealed");
        assert!(both.is_current(&moved));
        assert_eq!(both.reseal(&moved).unwrap(), None);
        assert_eq!(new_only.open(&moved).unwrap(), b"totp");
        assert_ne!(old.current_key_id(), new_only.current_key_id());
    }

    #[test]
    fn values_sealed_before_key_ids_open_with_any_key_and_are_resealed() {
        let legacy = legacy_seal(KEY, b"webhook secret");
        let both = SecretBox::from_keys(NEW, &format!(" {KEY} ,")).unwrap();
        assert_eq!(both.open(&legacy).unwrap(), b"webhook secret");
        assert!(!both.is_current(&legacy));
        let moved = both.reseal(&legacy).unwrap().unwrap();
        assert_eq!(SecretBox::from_base64(NEW).unwrap().open(&moved).unwrap(), b"webhook secret");
    }

    #[test]
    fn the_key_id_is_authenticated() {
        let both = SecretBox::from_keys(NEW, KEY).unwrap();
        let mut sealed = both.seal(b"x");
        sealed[1] ^= 1;
        assert!(both.open(&sealed).is_err());
    }
}
