DROP INDEX one_time_tokens_expiry;
DROP INDEX outgoing_emails_sent;
DROP INDEX sessions_expires_at;
DROP INDEX sessions_revoked_at;
