diesel::table! {
    scim_tokens (id) {
        id -> Uuid,
        organization_id -> Uuid,
        token_hash -> Bytea,
        description -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    scim_users (id) {
        id -> Uuid,
        organization_id -> Uuid,
        user_name -> Text,
        external_id -> Nullable<Text>,
        emails -> Array<Text>,
        resource -> Jsonb,
        active -> Bool,
        version -> Int8,
        pending -> Bool,
        has_account -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    scim_groups (id) {
        id -> Uuid,
        organization_id -> Uuid,
        display_name -> Text,
        external_id -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    scim_group_members (group_id, user_id) {
        group_id -> Uuid,
        user_id -> Uuid,
        display -> Nullable<Text>,
    }
}

diesel::joinable!(scim_group_members -> scim_groups (group_id));
diesel::allow_tables_to_appear_in_same_query!(scim_users, scim_groups, scim_group_members);

diesel::table! {
    sso_configurations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        name -> Text,
        protocol -> Text,
        enabled -> Bool,
        default_role -> Text,
        admin_groups -> Array<Text>,
        attribute_mapping -> Jsonb,
        saml_idp_entity_id -> Nullable<Text>,
        saml_idp_sso_url -> Nullable<Text>,
        saml_idp_slo_url -> Nullable<Text>,
        saml_idp_certificates -> Array<Text>,
        saml_idp_metadata_url -> Nullable<Text>,
        saml_allow_idp_initiated -> Bool,
        saml_allow_sha1 -> Bool,
        oidc_issuer -> Nullable<Text>,
        oidc_client_id -> Nullable<Text>,
        oidc_client_secret -> Nullable<Bytea>,
        oidc_scopes -> Array<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sso_domains (configuration_id, domain) {
        configuration_id -> Uuid,
        domain -> Text,
        organization_id -> Uuid,
        verification_token -> Text,
        verified_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sso_flows (state_hash) {
        state_hash -> Bytea,
        configuration_id -> Uuid,
        browser_hash -> Bytea,
        saml_request_id -> Nullable<Text>,
        oidc_nonce -> Nullable<Text>,
        pkce_verifier -> Nullable<Bytea>,
        redirect_uri -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    saml_assertions_used (configuration_id, assertion_id) {
        configuration_id -> Uuid,
        assertion_id -> Text,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    sso_identities (configuration_id, subject) {
        configuration_id -> Uuid,
        subject -> Text,
        user_id -> Uuid,
        organization_id -> Uuid,
        email -> Nullable<Text>,
        created_at -> Timestamptz,
        last_sign_in_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    saml_sessions (session_id) {
        configuration_id -> Uuid,
        subject -> Text,
        session_index -> Nullable<Text>,
        session_id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(sso_domains -> sso_configurations (configuration_id));
diesel::allow_tables_to_appear_in_same_query!(sso_configurations, sso_domains);
