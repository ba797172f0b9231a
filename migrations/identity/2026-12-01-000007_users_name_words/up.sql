-- Search: the words of the name, each term a word's start ('ada lov' finds Ada Lovelace).
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_words ON users USING gin (to_tsvector('simple'::regconfig, coalesce(name, '')));
