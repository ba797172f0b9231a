-- Substring search on the address (ILIKE '%q%').
-- CONCURRENTLY: an upgrade builds it without blocking sign-ups (so outside a transaction,
-- one statement per migration).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_trigrams ON users USING gin (email public.gin_trgm_ops);
