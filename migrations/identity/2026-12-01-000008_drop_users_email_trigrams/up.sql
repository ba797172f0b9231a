-- Substring search gave way to the prefix and word indexes: a trigram index reads the posting
-- list of every common trigram of the term (a shared domain is in every address), which grew
-- with the number of users.
DROP INDEX CONCURRENTLY IF EXISTS users_email_trigrams;
