-- Search: the address's domain from its start (everyone at example.com).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_domain_prefix ON users (split_part(email, '@', 2) text_pattern_ops);
