-- Every emailed token is bound to the address it was sent to (`email`): it proves only that
-- address, and dies when the account's address changes. Tokens sent before this binding
-- existed name no address; they are spent rather than trusted.
UPDATE one_time_tokens SET used_at = now() WHERE email IS NULL AND used_at IS NULL;
DELETE FROM one_time_tokens WHERE email IS NULL;
ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_owner;
ALTER TABLE one_time_tokens ALTER COLUMN email SET NOT NULL;
CREATE INDEX one_time_tokens_unused_user ON one_time_tokens (user_id) WHERE used_at IS NULL;
