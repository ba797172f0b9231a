use uuid::Uuid;

/// A new time-ordered identifier (UUIDv7), used for every entity and event.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
