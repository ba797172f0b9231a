-- Localization: keys added by operators (the built-in ones ship with the code) and overrides
-- of messages, for the platform (organization_id NULL) or one organization.
CREATE TABLE translation_keys (
    key TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    variables TEXT[] NOT NULL DEFAULT '{}',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE translations (
    id UUID PRIMARY KEY,
    organization_id UUID,
    locale TEXT NOT NULL,
    key TEXT NOT NULL,
    message TEXT NOT NULL,
    updated_by UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT translations_one_per_scope UNIQUE NULLS NOT DISTINCT (organization_id, locale, key)
);
CREATE INDEX translations_by_scope ON translations (organization_id, locale);
