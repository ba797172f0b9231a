diesel::table! {
    outbox (id) {
        id -> Uuid,
        event_type -> Text,
        payload -> Bytea,
        created_at -> Timestamptz,
        published_at -> Nullable<Timestamptz>,
        attempts -> Int4,
    }
}

diesel::table! {
    inbox (event_id) {
        event_id -> Uuid,
        consumer -> Text,
        processed_at -> Timestamptz,
    }
}
