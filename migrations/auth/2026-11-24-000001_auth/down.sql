DROP TABLE outgoing_emails;
DROP TABLE signing_keys;
DROP TABLE one_time_tokens;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE credentials;
