-- SCIM bearer tokens (RFC 7644 §2): one organization each, shown once at creation and kept
-- only as their SHA-256, so a database leak yields no usable token. A revoked token stays for
-- the record and never authenticates again.
CREATE TABLE scim_tokens (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL,
    token_hash      bytea       NOT NULL UNIQUE,
    description     text,
    created_by      uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- Written at most once a minute, so a busy provisioning client does not write on every call.
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX scim_tokens_organization ON scim_tokens (organization_id, created_at, id)
    WHERE revoked_at IS NULL;
