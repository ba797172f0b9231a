-- Custom roles: a named set of catalogued permissions, platform-wide (no organization) or
-- for one organization. The built-in roles (owner, admin, member) live in code, read-only.
CREATE TABLE roles (
    id              uuid PRIMARY KEY,
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    description     text,
    permissions     text[]      NOT NULL,
    created_by      uuid        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roles_name_per_scope
    ON roles (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
CREATE INDEX roles_listing ON roles (created_at, id);

-- Who holds which custom role (in the role's organization, if it has one).
CREATE TABLE role_assignments (
    user_id     uuid        NOT NULL,
    role_id     uuid        NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    assigned_by uuid        NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX role_assignments_role ON role_assignments (role_id);
