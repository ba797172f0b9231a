-- Substring search on users (the admin list's `q`) through trigram indexes, so it stays fast
-- with a million accounts. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension.
-- In `public`, where a database usually has it already, so the indexes can name its operator
-- class wherever the service's own schema is.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
