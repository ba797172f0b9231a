-- Passkeys (WebAuthn credentials). `passkey` is webauthn-rs's serialised credential (public
-- key, counter, backup flags); the columns beside it mirror what lists and checks need.
CREATE TABLE passkeys (
    id              uuid PRIMARY KEY,
    user_id         uuid        NOT NULL,
    credential_id   bytea       NOT NULL UNIQUE,
    name            text        NOT NULL,
    passkey         jsonb       NOT NULL,
    counter         bigint      NOT NULL DEFAULT 0,
    backup_eligible boolean     NOT NULL DEFAULT false,
    backup_state    boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id, created_at);

-- A begun registration or authentication: the challenge and what completing it needs, kept
-- here (never sent to the browser), usable once, until `expires_at`.
CREATE TABLE webauthn_ceremonies (
    id         uuid PRIMARY KEY,
    purpose    text        NOT NULL CHECK (purpose IN ('register', 'authenticate', 'discover')),
    -- The registering user, or the user named by an email hint.
    user_id    uuid,
    -- An email hint that matched no passkey: options were answered so as not to tell, and
    -- no credential can complete this ceremony.
    decoy      boolean     NOT NULL DEFAULT false,
    name       text,
    state      jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);
