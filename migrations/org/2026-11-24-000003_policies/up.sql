-- Attribute-based policies (evaluated by janua-authz): platform-wide (no organization) or
-- scoped to one organization.
CREATE TABLE policies (
    id              uuid PRIMARY KEY,
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    description     text,
    effect          text        NOT NULL CHECK (effect IN ('allow', 'deny')),
    actions         text[]      NOT NULL,
    resources       text[]      NOT NULL,
    conditions      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    priority        integer     NOT NULL DEFAULT 0,
    created_by      uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX policies_listing ON policies (created_at, id);
CREATE INDEX policies_org ON policies (organization_id);
