diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        email_verified -> Bool,
        name -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        locale -> Text,
        status -> Text,
        mfa_enabled -> Bool,
        metadata -> Jsonb,
        roles -> Array<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    translation_keys (key) {
        key -> Text,
        namespace -> Text,
        description -> Text,
        variables -> Array<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    translations (id) {
        id -> Uuid,
        organization_id -> Nullable<Uuid>,
        locale -> Text,
        key -> Text,
        message -> Text,
        updated_by -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    revoked_users (user_id) {
        user_id -> Uuid,
        until -> Timestamptz,
    }
}
