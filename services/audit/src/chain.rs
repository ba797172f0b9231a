//! The hash chain. Each entry's hash is SHA-256 over a canonical encoding of everything the
//! entry says, including the previous entry's hash; changing, inserting or removing any entry
//! breaks every link after it. The encoding is fixed-order and length-prefixed (no JSON
//! re-serialisation, so the same bytes hash the same forever): a domain tag, then each field
//! as a 4-byte big-endian length and its bytes (absent: length `0xFFFFFFFF`), integers
//! big-endian, UUIDs as 16 bytes, times as RFC 3339 with microseconds (PostgreSQL's
//! precision), and the event payload's bytes exactly as received.
//!
//! The head (last sequence number and hash) is sealed with an HMAC whose key is derived from
//! the operator's encryption key, so someone who can write the database but does not hold the
//! key cannot rewrite the chain and its head consistently.

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const GENESIS: [u8; 32] = [0; 32];
const DOMAIN: &[u8] = b"janua.audit.v1\n";
/// Entries whose personal data is kept apart (see [`crate::pii`]): the hash covers the keyed
/// commitment to it instead of the data itself.
const DOMAIN_V2: &[u8] = b"janua.audit.v2\n";

/// What one entry says, as hashed.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    pub seq: i64,
    pub id: Uuid,
    pub event_type: &'a str,
    pub source: &'a str,
    pub outcome: &'a str,
    pub actor_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub data: &'a [u8],
    pub prev_hash: &'a [u8],
    /// The keyed commitment to the entry's personal data, kept elsewhere (erasable).
    pub pii_commitment: Option<&'a [u8]>,
}

fn field(h: &mut Sha256, bytes: Option<&[u8]>) {
    match bytes {
        Some(b) => {
            h.update((b.len() as u32).to_be_bytes());
            h.update(b);
        }
        None => h.update(u32::MAX.to_be_bytes()),
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn hash(f: &Fields<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(if f.pii_commitment.is_some() { DOMAIN_V2 } else { DOMAIN });
    h.update(f.seq.to_be_bytes());
    field(&mut h, Some(f.prev_hash));
    field(&mut h, Some(f.id.as_bytes()));
    field(&mut h, Some(f.event_type.as_bytes()));
    field(&mut h, Some(f.source.as_bytes()));
    field(&mut h, Some(f.outcome.as_bytes()));
    for id in [f.actor_id, f.subject_id, f.organization_id] {
        field(&mut h, id.as_ref().map(|u| u.as_bytes().as_slice()));
    }
    for text in [f.ip, f.user_agent, f.request_id] {
        field(&mut h, text.map(str::as_bytes));
    }
    field(&mut h, Some(time(f.occurred_at).as_bytes()));
    field(&mut h, Some(time(f.recorded_at).as_bytes()));
    field(&mut h, Some(f.data));
    if let Some(commitment) = f.pii_commitment {
        field(&mut h, Some(commitment));
    }
    h.finalize().into()
}

/// Times are kept to the microsecond (what PostgreSQL stores), so a hash computed before the
/// insert matches one recomputed from the row.
pub fn to_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// The chain's keys, derived from the operator's encryption key: one seals and checks the
/// head; one commits to the personal data kept apart from entries and names erased addresses
/// (see [`crate::pii`]).
#[derive(Clone)]
pub struct HeadSeal {
    key: [u8; 32],
    pii_key: [u8; 32],
}

impl std::fmt::Debug for HeadSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeadSeal(..)")
    }
}

type HmacSha256 = hmac::Hmac<Sha256>;

impl HeadSeal {
    pub fn new(encryption_key: &str) -> HeadSeal {
        let mut mac =
            HmacSha256::new_from_slice(encryption_key.as_bytes()).expect("HMAC takes any key length");
        mac.update(b"janua.audit.head.v1");
        let key = mac.finalize().into_bytes().into();
        let mut mac =
            HmacSha256::new_from_slice(encryption_key.as_bytes()).expect("HMAC takes any key length");
        mac.update(b"janua.audit.pii.v1");
        HeadSeal { key, pii_key: mac.finalize().into_bytes().into() }
    }

    /// The MAC keys kept in the schema (`service_keys`), first derived from the encryption key
    /// as before they were kept, so the chain's seals and commitments verify across rotations
    /// of the encryption key.
    pub async fn kept(
        conn: &mut diesel_async::AsyncPgConnection, secrets: &janua_core::config::SecretSettings,
    ) -> anyhow::Result<HeadSeal> {
        let sealer = janua_tokens::SecretBox::from_settings(secrets)?;
        let first = HeadSeal::new(secrecy::ExposeSecret::expose_secret(&secrets.encryption_key));
        let key = janua_service::sealed::kept_key(conn, &sealer, "audit.head", || first.key).await?;
        let pii_key = janua_service::sealed::kept_key(conn, &sealer, "audit.pii", || first.pii_key).await?;
        Ok(HeadSeal { key, pii_key })
    }

    /// The keyed commitment to an entry's personal data (`salt` is the entry's own, erased
    /// with the data, so nothing can be tested against the commitment afterwards).
    pub fn commit(&self, salt: &[u8], personal: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.pii_key).expect("HMAC takes any key length");
        mac.update(b"entry\n");
        mac.update(&(salt.len() as u32).to_be_bytes());
        mac.update(salt);
        mac.update(personal);
        mac.finalize().into_bytes().to_vec()
    }

    /// Names an erased address without keeping it.
    pub fn address_mac(&self, address: &str) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.pii_key).expect("HMAC takes any key length");
        mac.update(b"address\n");
        mac.update(address.trim().to_lowercase().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn seal(&self, seq: i64, hash: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(&seq.to_be_bytes());
        mac.update(hash);
        mac.finalize().into_bytes().to_vec()
    }

    pub fn verify(&self, seq: i64, hash: &[u8], seal: &[u8]) -> bool {
        janua_core::crypto::constant_time_eq(&self.seal(seq, hash), seal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(data: &'a [u8], prev: &'a [u8]) -> Fields<'a> {
        Fields {
            seq: 1,
            id: Uuid::from_u128(7),
            event_type: "user.created",
            source: "identity",
            outcome: "success",
            actor_id: Some(Uuid::from_u128(1)),
            subject_id: Some(Uuid::from_u128(1)),
            organization_id: None,
            ip: Some("127.0.0.1"),
            user_agent: None,
            request_id: Some("req"),
            occurred_at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(),
            recorded_at: DateTime::from_timestamp_micros(1_700_000_000_223_456).unwrap(),
            data,
            prev_hash: prev,
            pii_commitment: None,
        }
    }

    #[test]
    fn every_field_counts() {
        let base = hash(&fields(b"{}", &GENESIS));
        let mut f = fields(b"{}", &GENESIS);
        f.seq = 2;
        assert_ne!(hash(&f), base);
        let mut f = fields(b"{}", &GENESIS);
        f.ip = None;
        assert_ne!(hash(&f), base);
        let mut f = fields(b"{}", &GENESIS);
        f.organization_id = Some(Uuid::from_u128(1));
        assert_ne!(hash(&f), base);
        assert_ne!(hash(&fields(b"{ }", &GENESIS)), base);
        assert_ne!(hash(&fields(b"{}", &[1; 32])), base);
        assert_eq!(hash(&fields(b"{}", &GENESIS)), base);
    }

    #[test]
    fn absent_and_empty_differ() {
        let mut a = fields(b"{}", &GENESIS);
        a.user_agent = Some("");
        let b = fields(b"{}", &GENESIS);
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn neighbouring_fields_cannot_trade_bytes() {
        let mut a = fields(b"{}", &GENESIS);
        a.ip = Some("1.2.3.4x");
        a.user_agent = Some("y");
        let mut b = fields(b"{}", &GENESIS);
        b.ip = Some("1.2.3.4");
        b.user_agent = Some("xy");
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn a_commitment_to_personal_data_is_hashed_in_its_place() {
        let base = hash(&fields(b"{}", &GENESIS));
        let mut a = fields(b"{}", &GENESIS);
        a.pii_commitment = Some(&[1; 32]);
        let mut b = fields(b"{}", &GENESIS);
        b.pii_commitment = Some(&[2; 32]);
        assert_ne!(hash(&a), base);
        assert_ne!(hash(&a), hash(&b));
        let keys = HeadSeal::new("key one");
        assert_ne!(keys.commit(b"salt one", b"ada"), keys.commit(b"salt two", b"ada"));
        assert_ne!(keys.commit(b"salt", b"ada"), HeadSeal::new("key two").commit(b"salt", b"ada"));
        assert_eq!(keys.address_mac(" Ada@Example.com"), keys.address_mac("ada@example.com"));
    }

    #[test]
    fn the_head_seal_depends_on_the_key() {
        let seal = HeadSeal::new("key one").seal(3, &[9; 32]);
        assert!(HeadSeal::new("key one").verify(3, &[9; 32], &seal));
        assert!(!HeadSeal::new("key two").verify(3, &[9; 32], &seal));
        assert!(!HeadSeal::new("key one").verify(4, &[9; 32], &seal));
    }
}
