-- Recently revoked sessions are read back into Redis's revocation set if Redis loses it;
-- housekeeping deletes sessions, sent mail and one-time tokens by age.
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX outgoing_emails_sent ON outgoing_emails (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX one_time_tokens_expiry ON one_time_tokens (expires_at);
