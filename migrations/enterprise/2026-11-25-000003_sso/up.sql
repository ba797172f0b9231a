-- Single sign-on configurations of organizations: one identity provider each, SAML 2.0 (Janua
-- is the Service Provider) or OpenID Connect (Janua is the Relying Party).
CREATE TABLE sso_configurations (
    id                       uuid PRIMARY KEY,
    organization_id          uuid        NOT NULL,
    name                     text        NOT NULL,
    protocol                 text        NOT NULL CHECK (protocol IN ('saml', 'oidc')),
    enabled                  boolean     NOT NULL DEFAULT true,
    -- The organization role of users it provisions, and the IdP groups that make them admins.
    default_role             text        NOT NULL DEFAULT 'member' CHECK (default_role IN ('member', 'admin')),
    admin_groups             text[]      NOT NULL DEFAULT '{}',
    -- Where the email, names and groups are in the assertion or ID token.
    attribute_mapping        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- SAML: the IdP (from its metadata, or entered by hand).
    saml_idp_entity_id       text,
    saml_idp_sso_url         text,
    saml_idp_slo_url         text,
    -- PEM certificates the IdP signs with; more than one during a rotation.
    saml_idp_certificates    text[]      NOT NULL DEFAULT '{}',
    saml_idp_metadata_url    text,
    saml_allow_idp_initiated boolean     NOT NULL DEFAULT false,
    saml_allow_sha1          boolean     NOT NULL DEFAULT false,
    -- OIDC: the provider (discovered from the issuer) and Janua's client there. The secret is
    -- sealed with the encryption key.
    oidc_issuer              text,
    oidc_client_id           text,
    oidc_client_secret       bytea,
    oidc_scopes              text[]      NOT NULL DEFAULT '{openid,email,profile}',
    created_by               uuid        NOT NULL,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_configurations_organization ON sso_configurations (organization_id, created_at, id);

-- Email domains a configuration serves. Claimed freely, proven with a DNS TXT record; only a
-- verified domain routes sign-ins and links accounts, and one organization at most holds it.
CREATE TABLE sso_domains (
    configuration_id   uuid        NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    domain             text        NOT NULL,
    organization_id    uuid        NOT NULL,
    verification_token text        NOT NULL,
    verified_at        timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (configuration_id, domain)
);
CREATE UNIQUE INDEX sso_domains_verified ON sso_domains (domain) WHERE verified_at IS NOT NULL;

-- A sign-in under way: the state (OIDC) or RelayState (SAML) names it, stored as its SHA-256;
-- taken once. Bound to the browser that started it by a cookie, also stored as its hash.
CREATE TABLE sso_flows (
    state_hash       bytea PRIMARY KEY,
    configuration_id uuid        NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    browser_hash     bytea       NOT NULL,
    saml_request_id  text,
    oidc_nonce       text,
    pkce_verifier    bytea,
    redirect_uri     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL
);
CREATE INDEX sso_flows_expiry ON sso_flows (expires_at);

-- Assertion ids already used, until they expire: a replayed assertion is refused.
CREATE TABLE saml_assertions_used (
    configuration_id uuid        NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    assertion_id     text        NOT NULL,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (configuration_id, assertion_id)
);

-- Who a subject of an IdP is in Janua. Namespaced by configuration: the same email from two
-- IdPs is two identities, and the same person only when linked.
CREATE TABLE sso_identities (
    configuration_id uuid        NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    subject          text        NOT NULL,
    user_id          uuid        NOT NULL,
    organization_id  uuid        NOT NULL,
    email            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at  timestamptz,
    PRIMARY KEY (configuration_id, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- Janua sessions started by SAML sign-ins, for the IdP's single logout (NameID, SessionIndex).
CREATE TABLE saml_sessions (
    configuration_id uuid        NOT NULL REFERENCES sso_configurations (id) ON DELETE CASCADE,
    subject          text        NOT NULL,
    session_index    text,
    session_id       uuid        NOT NULL,
    user_id          uuid        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id)
);
CREATE INDEX saml_sessions_subject ON saml_sessions (configuration_id, subject);
