-- The audit log: one append-only hash chain. `seq` numbers the chain without gaps; each
-- entry's `hash` is SHA-256 over its canonical encoding, which includes `prev_hash` (the
-- previous entry's hash). `data` keeps the event payload's bytes exactly as hashed.
CREATE TABLE audit_entries (
    seq             bigint      PRIMARY KEY,
    id              uuid        NOT NULL UNIQUE,
    type            text        NOT NULL,
    source          text        NOT NULL,
    outcome         text        NOT NULL,
    actor_id        uuid,
    subject_id      uuid,
    organization_id uuid,
    ip              text,
    user_agent      text,
    request_id      text,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    data            bytea       NOT NULL,
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL
);
CREATE INDEX audit_entries_type ON audit_entries (type, seq);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, seq) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_entries_subject ON audit_entries (subject_id, seq) WHERE subject_id IS NOT NULL;
CREATE INDEX audit_entries_organization ON audit_entries (organization_id, seq) WHERE organization_id IS NOT NULL;
CREATE INDEX audit_entries_occurred ON audit_entries (occurred_at);

-- The chain's head: appends lock this row, so the chain has one order however many replicas
-- write. `mac` (HMAC with a key derived from the operator's encryption key) seals the head, so
-- rewriting the chain's tail, or the whole chain, is detected too.
CREATE TABLE audit_chain_head (
    chain      text        PRIMARY KEY,
    seq        bigint      NOT NULL,
    hash       bytea       NOT NULL,
    mac        bytea,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO audit_chain_head (chain, seq, hash) VALUES ('main', 0, decode(repeat('00', 32), 'hex'));
