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
