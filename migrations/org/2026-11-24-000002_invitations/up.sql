-- Accepting an invitation needs a verified address.
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
CREATE INDEX users_email ON users (email);

-- Invitations to join an organization, by email. One pending invitation per address and
-- organization; `expired` is set when a new one replaces a lapsed one.
CREATE TABLE invitations (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text        NOT NULL,
    role            text        NOT NULL,
    invited_by      uuid        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    accepted_by     uuid,
    revoked_at      timestamptz,
    sent_count      integer     NOT NULL DEFAULT 1,
    last_sent_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX invitations_one_pending ON invitations (organization_id, email) WHERE status = 'pending';
CREATE INDEX invitations_org ON invitations (organization_id, created_at, id);
