diesel::table! {
    endpoints (id) {
        id -> Uuid,
        created_by -> Uuid,
        organization_id -> Nullable<Uuid>,
        url -> Text,
        description -> Nullable<Text>,
        event_types -> Array<Text>,
        enabled -> Bool,
        disabled_reason -> Nullable<Text>,
        secret -> Bytea,
        previous_secret -> Nullable<Bytea>,
        previous_secret_expires_at -> Nullable<Timestamptz>,
        failing_since -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Uuid,
        endpoint_id -> Uuid,
        event_id -> Uuid,
        event_type -> Text,
        body -> Bytea,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        response_status -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        traceparent -> Nullable<Text>,
    }
}

diesel::table! {
    delivery_attempts (id) {
        id -> Uuid,
        delivery_id -> Uuid,
        attempt -> Int4,
        started_at -> Timestamptz,
        latency_ms -> Int4,
        response_status -> Nullable<Int4>,
        error -> Nullable<Text>,
        response_excerpt -> Nullable<Text>,
    }
}

diesel::joinable!(deliveries -> endpoints (endpoint_id));
diesel::joinable!(delivery_attempts -> deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(endpoints, deliveries, delivery_attempts);
