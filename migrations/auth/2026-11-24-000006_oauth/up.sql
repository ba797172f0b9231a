-- Accounts at social providers linked to Janua users. A provider account (provider, subject)
-- belongs to at most one user, and a user links at most one account per provider.
CREATE TABLE oauth_links (
    id             uuid PRIMARY KEY,
    user_id        uuid        NOT NULL,
    provider       text        NOT NULL,
    subject        text        NOT NULL,
    email          text,
    email_verified boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    UNIQUE (provider, subject),
    UNIQUE (user_id, provider)
);

-- A started authorization-code flow: looked up by the SHA-256 of its `state`, bound to the
-- browser that started it (a cookie's SHA-256), usable once, until `expires_at`. The PKCE
-- verifier is sealed with the operator's key.
CREATE TABLE oauth_flows (
    state_hash      bytea PRIMARY KEY,
    provider        text        NOT NULL,
    purpose         text        NOT NULL CHECK (purpose IN ('signin', 'link')),
    user_id         uuid,
    browser_hash    bytea       NOT NULL,
    verifier_sealed bytea       NOT NULL,
    nonce           text        NOT NULL,
    redirect_uri    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX oauth_flows_expiry ON oauth_flows (expires_at);
