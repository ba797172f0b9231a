-- Search: the words of the name, each term a word's start ('ada lov' finds Ada Lovelace).
-- fastupdate off: a sign-up writes its few words into the index at once, where a pending list
-- (up to 4 MB after a bulk load) would be read through by every search until vacuumed.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_words ON users USING gin (to_tsvector('simple'::regconfig, coalesce(name, ''))) WITH (fastupdate = off);
