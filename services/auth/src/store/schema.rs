diesel::table! {
    credentials (user_id) {
        user_id -> Uuid,
        password_hash -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
        auth_method -> Text,
        auth_time -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        created_at -> Timestamptz,
        spent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    one_time_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Nullable<Uuid>,
        purpose -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        email -> Text,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        private_jwk_sealed -> Bytea,
        public_jwk -> Jsonb,
        created_at -> Timestamptz,
        signing_until -> Timestamptz,
        verify_until -> Timestamptz,
    }
}

diesel::table! {
    outgoing_emails (id) {
        id -> Uuid,
        recipient -> Text,
        subject -> Text,
        body_sealed -> Nullable<Bytea>,
        created_at -> Timestamptz,
        next_attempt_at -> Timestamptz,
        attempts -> Int4,
        sent_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, refresh_tokens);

diesel::table! {
    totp_secrets (user_id) {
        user_id -> Uuid,
        secret_sealed -> Bytea,
        created_at -> Timestamptz,
        enabled_at -> Nullable<Timestamptz>,
        last_step -> Nullable<Int8>,
    }
}

diesel::table! {
    backup_codes (user_id, code_hash) {
        user_id -> Uuid,
        code_hash -> Bytea,
        created_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    user_profiles (id) {
        id -> Uuid,
        profile -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Uuid,
        user_id -> Uuid,
        credential_id -> Bytea,
        name -> Text,
        passkey -> Jsonb,
        counter -> Int8,
        backup_eligible -> Bool,
        backup_state -> Bool,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webauthn_ceremonies (id) {
        id -> Uuid,
        purpose -> Text,
        user_id -> Nullable<Uuid>,
        decoy -> Bool,
        name -> Nullable<Text>,
        state -> Jsonb,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    oauth_links (id) {
        id -> Uuid,
        user_id -> Uuid,
        provider -> Text,
        subject -> Text,
        email -> Nullable<Text>,
        email_verified -> Bool,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    oauth_flows (state_hash) {
        state_hash -> Bytea,
        provider -> Text,
        purpose -> Text,
        user_id -> Nullable<Uuid>,
        browser_hash -> Bytea,
        verifier_sealed -> Bytea,
        nonce -> Text,
        redirect_uri -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}
