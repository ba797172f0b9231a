-- Search: the address from its start (LIKE 'q%'), case folded already (emails are stored
-- lower-case). CONCURRENTLY: an upgrade builds it without blocking sign-ups (so outside a
-- transaction, one statement per migration).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_prefix ON users (email text_pattern_ops);
