-- The admin list pages in sign-up order (keyset on created_at, id).
-- CONCURRENTLY: an upgrade builds it without blocking sign-ups (so outside a transaction,
-- one statement per migration).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_by_signup ON users (created_at, id);
