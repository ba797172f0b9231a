diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        slug -> Text,
        description -> Nullable<Text>,
        metadata -> Jsonb,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        locale -> Nullable<Text>,
        logo_url -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (organization_id, user_id) {
        organization_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        joined_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        name -> Nullable<Text>,
        status -> Text,
        updated_at -> Timestamptz,
        email_verified -> Bool,
    }
}

diesel::table! {
    invitations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        email -> Text,
        role -> Text,
        invited_by -> Uuid,
        status -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        accepted_by -> Nullable<Uuid>,
        revoked_at -> Nullable<Timestamptz>,
        sent_count -> Int4,
        last_sent_at -> Timestamptz,
        locale -> Nullable<Text>,
    }
}

diesel::joinable!(invitations -> organizations (organization_id));

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    memberships,
    users,
    invitations,
    policies,
    roles,
    role_assignments
);

diesel::table! {
    policies (id) {
        id -> Uuid,
        organization_id -> Nullable<Uuid>,
        name -> Text,
        description -> Nullable<Text>,
        effect -> Text,
        actions -> Array<Text>,
        resources -> Array<Text>,
        conditions -> Jsonb,
        priority -> Int4,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    roles (id) {
        id -> Uuid,
        organization_id -> Nullable<Uuid>,
        name -> Text,
        description -> Nullable<Text>,
        permissions -> Array<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    role_assignments (user_id, role_id) {
        user_id -> Uuid,
        role_id -> Uuid,
        assigned_by -> Uuid,
        assigned_at -> Timestamptz,
    }
}

diesel::joinable!(role_assignments -> roles (role_id));
