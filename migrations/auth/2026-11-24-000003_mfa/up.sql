-- TOTP (RFC 6238): the shared secret sealed with the operator's key. `enabled_at` is set
-- once the user proved a code; `last_step` refuses a code's replay inside its window.
CREATE TABLE totp_secrets (
    user_id       uuid PRIMARY KEY,
    secret_sealed bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    enabled_at    timestamptz,
    last_step     bigint
);

-- Single-use backup codes, stored as SHA-256.
CREATE TABLE backup_codes (
    user_id    uuid        NOT NULL,
    code_hash  bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
