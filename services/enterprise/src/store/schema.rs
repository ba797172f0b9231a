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
