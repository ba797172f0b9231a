-- Password credentials (argon2id PHC strings); the user record itself lives in identity.
CREATE TABLE credentials (
    user_id       uuid PRIMARY KEY,
    password_hash text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    id             uuid PRIMARY KEY,
    user_id        uuid        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text,
    user_agent     text,
    ip             text,
    auth_method    text        NOT NULL DEFAULT 'password'
);
CREATE INDEX sessions_user_active ON sessions (user_id) WHERE revoked_at IS NULL;

-- One family per session: every refresh spends the presented token and adds a new one.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    spent_at   timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Single-use tokens sent by email (verify, reset), stored as SHA-256.
CREATE TABLE one_time_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid        NOT NULL,
    purpose    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

-- Ed25519 signing keys, private half sealed with the operator's encryption key.
CREATE TABLE signing_keys (
    kid                text PRIMARY KEY,
    private_jwk_sealed bytea       NOT NULL,
    public_jwk         jsonb       NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    signing_until      timestamptz NOT NULL,
    verify_until       timestamptz NOT NULL
);

-- Mail waiting for the SMTP server; the body (it carries a token link) is sealed and wiped
-- once sent.
CREATE TABLE outgoing_emails (
    id              uuid PRIMARY KEY,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    body_sealed     bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    sent_at         timestamptz,
    last_error      text
);
CREATE INDEX outgoing_emails_pending ON outgoing_emails (next_attempt_at) WHERE sent_at IS NULL;
