-- Deleted accounts whose access tokens may still be unexpired: the source of truth for their
-- block in Redis, written back if Redis loses it. Rows go once `until` passes (housekeeping).
CREATE TABLE revoked_users (
    user_id uuid PRIMARY KEY,
    until   timestamptz NOT NULL
);
CREATE INDEX revoked_users_until ON revoked_users (until);
