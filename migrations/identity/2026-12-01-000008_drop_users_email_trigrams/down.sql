CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_trigrams ON users USING gin (email public.gin_trgm_ops);
