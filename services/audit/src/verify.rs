//! Recomputes the chain from its first entry to the head and reports the first broken link;
//! personal data kept apart from an entry is checked against the entry's commitment while it
//! is there (erased, the entry still verifies).

use crate::chain::{self, HeadSeal};
use crate::store;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

const PAGE: i64 = 1000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub valid: bool,
    /// Entries recomputed.
    pub entries_checked: i64,
    /// The head the check ran up to (entries appended meanwhile are checked next time).
    pub head_seq: i64,
    /// Hex SHA-256 of the last entry.
    pub head_hash: String,
    pub first_broken: Option<BrokenLink>,
    pub checked_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrokenLink {
    /// Position in the chain where verification first failed.
    pub seq: i64,
    /// The entry found there (absent when it is missing).
    pub id: Option<Uuid>,
    /// `hash_mismatch` (the entry was changed), `prev_hash_mismatch` (an entry before it was
    /// replaced or the chain was spliced), `missing_entry` (deleted), `head_mismatch` (the
    /// tail was cut or rewritten), `head_seal_invalid` (the head was forged),
    /// `personal_data_mismatch` (the personal data kept apart from the entry was changed; its
    /// erasure is not a fault).
    pub reason: &'static str,
    pub message: String,
}

pub async fn run(conn: &mut AsyncPgConnection, seal: &HeadSeal) -> Result<Report, diesel::result::Error> {
    let head = store::head(conn).await?;
    let mut expected_seq = 1i64;
    let mut prev = chain::GENESIS.to_vec();
    let mut broken = None;
    'pages: while expected_seq <= head.seq {
        let rows = store::chain_slice(conn, expected_seq, head.seq, PAGE).await?;
        if rows.is_empty() {
            broken = Some(BrokenLink {
                seq: expected_seq,
                id: None,
                reason: "missing_entry",
                message: format!("entry {expected_seq} is missing"),
            });
            break;
        }
        let altered = crate::pii::first_mismatch(conn, &rows, seal).await?.map(|(seq, _)| seq);
        for entry in rows {
            if entry.seq != expected_seq {
                broken = Some(BrokenLink {
                    seq: expected_seq,
                    id: None,
                    reason: "missing_entry",
                    message: format!("entry {expected_seq} is missing"),
                });
                break 'pages;
            }
            let fault = if entry.prev_hash != prev {
                Some(("prev_hash_mismatch", "does not link to the entry before it"))
            } else if chain::hash(&entry.fields()).as_slice() != entry.hash.as_slice() {
                Some(("hash_mismatch", "was changed after it was recorded"))
            } else if altered == Some(entry.seq) {
                Some(("personal_data_mismatch", "has personal data it was not recorded with"))
            } else {
                None
            };
            if let Some((reason, what)) = fault {
                broken = Some(BrokenLink {
                    seq: entry.seq,
                    id: Some(entry.event.id),
                    reason,
                    message: format!("entry {} {what}", entry.seq),
                });
                break 'pages;
            }
            prev = entry.hash;
            expected_seq += 1;
        }
    }
    if broken.is_none() {
        if prev != head.hash {
            broken = Some(BrokenLink {
                seq: head.seq,
                id: None,
                reason: "head_mismatch",
                message: "the chain does not end where its head says".into(),
            });
        } else if head.seq > 0 && !head.mac.as_deref().is_some_and(|m| seal.verify(head.seq, &head.hash, m)) {
            broken = Some(BrokenLink {
                seq: head.seq,
                id: None,
                reason: "head_seal_invalid",
                message: "the chain head's seal does not verify: the chain was rewritten".into(),
            });
        }
    }
    Ok(Report {
        valid: broken.is_none(),
        entries_checked: expected_seq - 1,
        head_seq: head.seq,
        head_hash: hex::encode(&head.hash),
        first_broken: broken,
        checked_at: chrono::Utc::now(),
    })
}
