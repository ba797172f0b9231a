DROP INDEX sessions_expires_at;
DROP INDEX sessions_revoked_at;
