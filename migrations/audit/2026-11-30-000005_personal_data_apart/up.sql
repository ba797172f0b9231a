-- Personal data in audit entries kept apart from the hashed record (see the audit service's
-- `pii` module): an entry with personal data commits to it with a keyed hash
-- (`pii_commitment`, covered by the entry's hash); the data itself lives in `audit_pii` with
-- the commitment's salt, so erasure or a retention limit deletes it and the chain still
-- verifies. Entries recorded before keep theirs inline (their `ip`, `user_agent`, `data`).
ALTER TABLE audit_entries ADD COLUMN pii_commitment bytea;

CREATE TABLE audit_pii (
    entry_id    uuid        PRIMARY KEY REFERENCES audit_entries (id) ON DELETE CASCADE,
    salt        bytea       NOT NULL,
    ip          text,
    user_agent  text,
    fields      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX audit_pii_recorded ON audit_pii (recorded_at);

-- People erased (GDPR Art. 17): their events still on the way arrive without personal data.
-- Addresses only as keyed MACs.
CREATE TABLE erased_people (
    user_id      uuid        PRIMARY KEY,
    address_macs bytea[]     NOT NULL DEFAULT '{}',
    erased_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX erased_people_addresses ON erased_people USING gin (address_macs);
