CREATE TABLE users (
    id             uuid PRIMARY KEY,
    email          text        NOT NULL UNIQUE,
    email_verified boolean     NOT NULL DEFAULT false,
    name           text,
    avatar_url     text,
    locale         text        NOT NULL DEFAULT 'en',
    status         text        NOT NULL DEFAULT 'active',
    mfa_enabled    boolean     NOT NULL DEFAULT false,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- Platform roles ("admin"). Organization roles live in the org service.
    roles          text[]      NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_lower CHECK (email = lower(email)),
    CONSTRAINT users_status CHECK (status IN ('active', 'suspended', 'deleted'))
);
