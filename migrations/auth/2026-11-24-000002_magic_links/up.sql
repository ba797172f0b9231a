-- A magic link for an email without an account (sign-up by link) names the email, not a user.
ALTER TABLE one_time_tokens ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE one_time_tokens ADD COLUMN email text;
ALTER TABLE one_time_tokens ADD CONSTRAINT one_time_tokens_owner CHECK (user_id IS NOT NULL OR email IS NOT NULL);
