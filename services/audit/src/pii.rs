//! Personal data in audit entries, kept apart from the hashed record so that erasing a person
//! (GDPR Art. 17) or a retention limit (`audit.pii_retention_days`) removes it while the chain
//! still verifies.
//!
//! On its way into the chain an entry's personal data is taken out: the request's address and
//! user agent, and in the payload every email address, and the values of keys that name a
//! person (`name` beside an address, `display_name`, `given_name`, ...). The payload keeps
//! [`PLACEHOLDER`] where they were; they go to `audit_pii` with a random salt, and the entry's
//! hash covers `HMAC(key, salt || personal data)` instead. Reading an entry puts them back;
//! once erased it says [`ERASED`]. With the salt gone nothing can be tested against the
//! commitment, even by someone holding the key. Events about a person erased already arrive
//! with their personal data dropped on the way in (`erased_people`, by id and keyed address).

use crate::chain::HeadSeal;
use crate::store::{Entry, Pending, audit_entries};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

diesel::table! {
    audit_pii (entry_id) {
        entry_id -> Uuid,
        salt -> Bytea,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        fields -> Jsonb,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    erased_people (user_id) {
        user_id -> Uuid,
        address_macs -> Array<Bytea>,
        erased_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(audit_pii, audit_entries);

/// What stands in the stored payload where personal data was.
pub const PLACEHOLDER: &str = "[personal data]";
/// What an entry shows once its personal data is gone.
pub const ERASED: &str = "[erased]";

/// Keys whose string values name a person wherever they appear.
const PERSON_KEYS: [&str; 14] = [
    "email",
    "previous_email",
    "display_name",
    "displayName",
    "given_name",
    "givenName",
    "family_name",
    "familyName",
    "formatted",
    "user_name",
    "userName",
    "invited_by_name",
    "phone_number",
    "avatar_url",
];

/// An entry's personal data, as kept apart.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_pii)]
pub struct Personal {
    pub entry_id: Uuid,
    pub salt: Vec<u8>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON pointer into the payload -> the value taken from there.
    pub fields: Value,
    pub recorded_at: DateTime<Utc>,
}

impl Personal {
    /// The bytes committed to: fixed-order JSON (fields sorted by pointer), so the same data
    /// commits the same however the database returns it.
    pub fn canonical(&self) -> Vec<u8> {
        let fields: BTreeMap<&str, &Value> = self
            .fields
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        serde_json::to_vec(
            &serde_json::json!({ "ip": self.ip, "user_agent": self.user_agent, "fields": fields }),
        )
        .unwrap_or_default()
    }

    /// The email addresses among the fields.
    fn addresses(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(map) = self.fields.as_object() {
            for v in map.values() {
                if let Some(s) = v.as_str().filter(|s| looks_like_address(s)) {
                    out.push(s.to_lowercase());
                }
            }
        }
        out
    }
}

pub fn looks_like_address(s: &str) -> bool {
    s.len() <= 320
        && !s.contains(char::is_whitespace)
        && s.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether `key` (with its siblings) names a person.
fn names_a_person(key: &str, siblings: &Map<String, Value>) -> bool {
    PERSON_KEYS.contains(&key)
        || (key == "name"
            && ["email", "emails", "userName", "user_name", "given_name", "givenName"]
                .iter()
                .any(|k| siblings.contains_key(*k)))
}

/// Takes personal data out of `v`, recording each value under its JSON pointer.
fn extract(v: &mut Value, pointer: &str, personal: bool, out: &mut Map<String, Value>) {
    match v {
        Value::String(s) if personal || looks_like_address(s) => {
            out.insert(pointer.to_owned(), Value::String(std::mem::replace(s, PLACEHOLDER.to_owned())));
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                extract(item, &format!("{pointer}/{i}"), personal, out);
            }
        }
        Value::Object(map) => {
            let flags: Vec<(String, bool)> =
                map.keys().map(|k| (k.clone(), personal || names_a_person(k, map))).collect();
            for (key, flag) in flags {
                if let Some(child) = map.get_mut(&key) {
                    extract(child, &format!("{pointer}/{}", escape(&key)), flag, out);
                }
            }
        }
        _ => {}
    }
}

/// Takes the personal data out of an event on its way into the chain and commits the entry to
/// it; `None` when it holds none.
pub fn split(event: &mut Pending, keys: &HeadSeal, recorded_at: DateTime<Utc>) -> Option<Personal> {
    let mut fields = Map::new();
    if let Ok(mut data) = serde_json::from_slice::<Value>(&event.data) {
        extract(&mut data, "", false, &mut fields);
        if !fields.is_empty() {
            event.data = serde_json::to_vec(&data).unwrap_or_else(|_| event.data.clone());
        }
    }
    let (ip, user_agent) = (event.ip.take(), event.user_agent.take());
    if fields.is_empty() && ip.is_none() && user_agent.is_none() {
        return None;
    }
    let personal = Personal {
        entry_id: event.id,
        salt: janua_core::crypto::random_bytes(16),
        ip,
        user_agent,
        fields: Value::Object(fields),
        recorded_at,
    };
    event.pii_commitment = Some(keys.commit(&personal.salt, &personal.canonical()));
    Some(personal)
}

/// Keeps the personal data of the new entries, except of people erased already (their events
/// may still be on the way): theirs is dropped, and the entry says [`ERASED`].
pub async fn keep(
    conn: &mut AsyncPgConnection, rows: Vec<(Personal, [Option<Uuid>; 2])>, keys: &HeadSeal,
) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = rows.iter().flat_map(|(_, people)| people.iter().flatten().copied()).collect();
    let macs: Vec<Vec<u8>> =
        rows.iter().flat_map(|(p, _)| p.addresses()).map(|a| keys.address_mac(&a)).collect();
    let erased: Vec<(Uuid, Vec<Vec<u8>>)> = erased_people::table
        .filter(erased_people::user_id.eq_any(&ids).or(erased_people::address_macs.overlaps_with(&macs)))
        .select((erased_people::user_id, erased_people::address_macs))
        .load(conn)
        .await?;
    let erased_ids: HashSet<Uuid> = erased.iter().map(|(id, _)| *id).collect();
    let erased_macs: HashSet<&Vec<u8>> = erased.iter().flat_map(|(_, m)| m).collect();
    let kept: Vec<Personal> = rows
        .into_iter()
        .filter(|(p, people)| {
            !people.iter().flatten().any(|id| erased_ids.contains(id))
                && !p.addresses().iter().any(|a| erased_macs.contains(&keys.address_mac(a)))
        })
        .map(|(p, _)| p)
        .collect();
    diesel::insert_into(audit_pii::table).values(&kept).execute(conn).await.map(|_| ())
}

/// The personal data still kept for `entries`, by entry id (only entries that committed to
/// some are looked up).
async fn kept_for(conn: &mut AsyncPgConnection, entries: &[Entry]) -> QueryResult<HashMap<Uuid, Personal>> {
    let ids: Vec<Uuid> =
        entries.iter().filter(|e| e.event.pii_commitment.is_some()).map(|e| e.event.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(audit_pii::table
        .filter(audit_pii::entry_id.eq_any(&ids))
        .select(Personal::as_select())
        .load(conn)
        .await?
        .into_iter()
        .map(|p| (p.entry_id, p))
        .collect())
}

/// Puts entries' personal data back where it was taken from (or [`ERASED`] once it is gone).
pub async fn attach(conn: &mut AsyncPgConnection, mut entries: Vec<Entry>) -> QueryResult<Vec<Entry>> {
    let found = kept_for(conn, &entries).await?;
    for entry in entries.iter_mut().filter(|e| e.event.pii_commitment.is_some()) {
        restore(entry, found.get(&entry.event.id));
    }
    Ok(entries)
}

/// Makes one entry whole again for reading (never for hashing).
pub fn restore(entry: &mut Entry, personal: Option<&Personal>) {
    let event = &mut entry.event;
    let Ok(mut data) = serde_json::from_slice::<Value>(&event.data) else { return };
    if let Some(p) = personal {
        event.ip = p.ip.clone();
        event.user_agent = p.user_agent.clone();
        if let Some(fields) = p.fields.as_object() {
            for (pointer, value) in fields {
                if let Some(slot) = data.pointer_mut(pointer) {
                    *slot = value.clone();
                }
            }
        }
    }
    mark_erased(&mut data);
    event.data = serde_json::to_vec(&data).unwrap_or_default();
}

fn mark_erased(v: &mut Value) {
    match v {
        Value::String(s) if s == PLACEHOLDER => *s = ERASED.to_owned(),
        Value::Array(items) => items.iter_mut().for_each(mark_erased),
        Value::Object(map) => map.values_mut().for_each(mark_erased),
        _ => {}
    }
}

/// Whether the kept personal data of `entries` (as stored, not restored) matches their
/// commitments; answers the first entry whose does not.
pub async fn first_mismatch(
    conn: &mut AsyncPgConnection, entries: &[Entry], keys: &HeadSeal,
) -> QueryResult<Option<(i64, Uuid)>> {
    let found = kept_for(conn, entries).await?;
    for entry in entries {
        if let (Some(p), Some(commitment)) =
            (found.get(&entry.event.id), entry.event.pii_commitment.as_deref())
            && !janua_core::crypto::constant_time_eq(&keys.commit(&p.salt, &p.canonical()), commitment)
        {
            return Ok(Some((entry.seq, entry.event.id)));
        }
    }
    Ok(None)
}

/// Erases a person's personal data from the log: every entry where they act or are the
/// subject, and every entry naming one of their `addresses`; and remembers them (by id and
/// keyed address) so their events still on the way arrive without it. Answers how many
/// entries lost personal data.
pub async fn erase(
    conn: &mut AsyncPgConnection, user: Uuid, addresses: &[String], keys: &HeadSeal,
) -> QueryResult<usize> {
    let theirs = audit_entries::table
        .filter(audit_entries::actor_id.eq(user).or(audit_entries::subject_id.eq(user)))
        .select(audit_entries::id);
    let mut erased =
        diesel::delete(audit_pii::table.filter(audit_pii::entry_id.eq_any(theirs))).execute(conn).await?;
    let lowered: Vec<String> = addresses.iter().map(|a| a.trim().to_lowercase()).collect();
    if !lowered.is_empty() {
        erased += janua_db::prepared::sql(
            "DELETE FROM audit_pii p WHERE EXISTS (
                 SELECT 1 FROM jsonb_each_text(p.fields) f WHERE lower(f.value) = ANY($1))",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(&lowered)
        .execute(conn)
        .await?;
    }
    let macs: Vec<Vec<u8>> = lowered.iter().map(|a| keys.address_mac(a)).collect();
    diesel::insert_into(erased_people::table)
        .values((
            erased_people::user_id.eq(user),
            erased_people::address_macs.eq(&macs),
            erased_people::erased_at.eq(Utc::now()),
        ))
        .on_conflict(erased_people::user_id)
        .do_update()
        .set(erased_people::address_macs.eq(&macs))
        .execute(conn)
        .await?;
    Ok(erased)
}

/// Removes personal data kept longer than `days` (the entries stay, and still verify).
pub async fn expire(conn: &mut AsyncPgConnection, days: u32) -> QueryResult<usize> {
    let cutoff = Utc::now() - chrono::Duration::days(i64::from(days));
    diesel::delete(audit_pii::table.filter(audit_pii::recorded_at.lt(cutoff))).execute(conn).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(data: Value, ip: Option<&str>) -> Pending {
        Pending {
            id: Uuid::from_u128(9),
            event_type: "user.created".into(),
            source: "identity".into(),
            outcome: "success".into(),
            actor_id: None,
            subject_id: None,
            organization_id: None,
            ip: ip.map(str::to_owned),
            user_agent: None,
            request_id: None,
            occurred_at: Utc::now(),
            data: serde_json::to_vec(&data).unwrap(),
            pii_commitment: None,
        }
    }

    #[test]
    fn addresses_and_names_go_apart_and_come_back() {
        let keys = HeadSeal::new("key");
        let original = serde_json::json!({
            "user_id": "u1",
            "email": "Ada@Example.com",
            "user": { "email": "ada@example.com", "name": "Ada Lovelace", "locale": "en" },
            "organization_name": "Acme",
            "role": { "name": "auditor" },
            "note": "invited carol@example.org",
            "emails": ["ada@work.example"],
        });
        let mut event = pending(original.clone(), Some("203.0.113.9"));
        let personal = split(&mut event, &keys, Utc::now()).expect("personal data");
        let stored = String::from_utf8(event.data.clone()).unwrap();
        for gone in ["Ada@Example.com", "Ada Lovelace", "ada@work.example", "203.0.113.9"] {
            assert!(!stored.contains(gone), "{gone} in {stored}");
        }
        assert!(stored.contains("Acme") && stored.contains("auditor") && stored.contains("invited carol"));
        assert_eq!(event.ip, None);
        assert_eq!(event.pii_commitment, Some(keys.commit(&personal.salt, &personal.canonical())));

        let mut entry = Entry {
            seq: 1,
            event: event.clone(),
            recorded_at: Utc::now(),
            prev_hash: vec![0; 32],
            hash: vec![],
        };
        restore(&mut entry, Some(&personal));
        assert_eq!(serde_json::from_slice::<Value>(&entry.event.data).unwrap(), original);
        assert_eq!(entry.event.ip.as_deref(), Some("203.0.113.9"));

        let mut erased =
            Entry { seq: 1, event, recorded_at: Utc::now(), prev_hash: vec![0; 32], hash: vec![] };
        restore(&mut erased, None);
        let shown: Value = serde_json::from_slice(&erased.event.data).unwrap();
        assert_eq!(shown["email"], ERASED);
        assert_eq!(shown["user"]["name"], ERASED);
        assert_eq!(shown["user"]["locale"], "en");
    }

    #[test]
    fn an_event_without_personal_data_is_left_as_it_is() {
        let mut event = pending(serde_json::json!({ "organization_id": "o1", "name": "Acme" }), None);
        let before = event.data.clone();
        assert!(split(&mut event, &HeadSeal::new("key"), Utc::now()).is_none());
        assert_eq!(event.data, before);
        assert_eq!(event.pii_commitment, None);
    }
}
