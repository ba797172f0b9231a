DROP INDEX one_time_tokens_unused_user;
ALTER TABLE one_time_tokens ALTER COLUMN email DROP NOT NULL;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_owner CHECK (user_id IS NOT NULL OR email IS NOT NULL);
