-- Auth's read model of identity's users, built from identity's events: what auth shows in a
-- token pair and puts in token claims, without asking identity on every refresh.
CREATE TABLE user_profiles (
    id         uuid PRIMARY KEY,
    profile    jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);
