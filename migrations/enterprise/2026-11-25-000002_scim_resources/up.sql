-- SCIM Users (RFC 7643 §4.1): the SCIM view of accounts an organization's identity provider
-- provisions. The account itself (email, name, status) is identity's; this keeps what only
-- SCIM has (externalId, name parts, phone numbers, the enterprise extension...) and the
-- resource version. `id` is the Janua user id.
--
-- A create writes the row `pending` before asking identity for the account, so a retry after
-- a crash in between finds the same id (identity's create is idempotent by id). A DELETE
-- leaves a tombstone (`deleted_at`): the account is deactivated, not erased, and a later
-- create of the same userName brings the same account back.
CREATE TABLE scim_users (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL,
    user_name       text        NOT NULL,
    external_id     text,
    -- lower-cased `emails.value`s, for `emails.value eq` and `emails[type eq "work"].value eq`
    emails          text[]      NOT NULL DEFAULT '{}',
    resource        jsonb       NOT NULL,
    active          boolean     NOT NULL DEFAULT true,
    version         bigint      NOT NULL DEFAULT 1,
    pending         boolean     NOT NULL DEFAULT true,
    -- Whether the Janua account exists: a Janua account is an email address, so a user sent
    -- without any (only a userName that is not an address) is a directory entry until one
    -- arrives, and gets its account (same id) then.
    has_account     boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
-- userName is unique per organization whatever the case (caseExact false), tombstones
-- included, since the same userName means the same person.
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (organization_id, lower(user_name));
CREATE INDEX scim_users_external_id ON scim_users (organization_id, external_id)
    WHERE external_id IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX scim_users_emails ON scim_users USING gin (emails);
CREATE INDEX scim_users_listing ON scim_users (organization_id, created_at, id)
    WHERE deleted_at IS NULL AND NOT pending;

-- SCIM Groups (RFC 7643 §4.2). Each is also a role of the organization in the org service
-- (same id), so a group's members hold that role's permissions; admins grant the role its
-- permissions in Janua (`PUT /api/v1/rbac/roles/{id}`).
CREATE TABLE scim_groups (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL,
    display_name    text        NOT NULL,
    external_id     text,
    version         bigint      NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (organization_id, lower(display_name));
CREATE INDEX scim_groups_external_id ON scim_groups (organization_id, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX scim_groups_listing ON scim_groups (organization_id, created_at, id);

CREATE TABLE scim_group_members (
    group_id uuid NOT NULL REFERENCES scim_groups (id) ON DELETE CASCADE,
    user_id  uuid NOT NULL,
    -- The member's `display` as the client sent it; none: the user's own name is shown.
    display  text,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX scim_group_members_user ON scim_group_members (user_id);
