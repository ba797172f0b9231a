-- Recently revoked sessions are read back into Redis's revocation set if Redis loses it;
-- expired sessions are deleted by housekeeping.
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_expires_at ON sessions (expires_at);
