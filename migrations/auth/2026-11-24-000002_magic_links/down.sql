ALTER TABLE one_time_tokens DROP CONSTRAINT one_time_tokens_owner;
ALTER TABLE one_time_tokens DROP COLUMN email;
DELETE FROM one_time_tokens WHERE user_id IS NULL;
ALTER TABLE one_time_tokens ALTER COLUMN user_id SET NOT NULL;
