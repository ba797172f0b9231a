-- Organizations and who belongs to them.
CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    slug        text        NOT NULL UNIQUE,
    description text,
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_by  uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL,
    role            text        NOT NULL,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id, joined_at);
CREATE INDEX memberships_org_joined ON memberships (organization_id, joined_at, user_id);

-- The org service's read model of identity's users (from identity's events): what member
-- lists show, without reading identity's tables.
CREATE TABLE users (
    id         uuid PRIMARY KEY,
    email      text        NOT NULL,
    name       text,
    status     text        NOT NULL,
    updated_at timestamptz NOT NULL
);
