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
