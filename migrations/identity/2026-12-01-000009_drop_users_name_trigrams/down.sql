CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_trigrams ON users USING gin (name public.gin_trgm_ops);
