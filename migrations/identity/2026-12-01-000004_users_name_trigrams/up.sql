-- Substring search on the name (ILIKE '%q%').
-- CONCURRENTLY: an upgrade builds it without blocking sign-ups (so outside a transaction,
-- one statement per migration).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_trigrams ON users USING gin (name public.gin_trgm_ops);
