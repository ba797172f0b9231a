-- When the user last proved a factor in the session (OpenID Connect `auth_time`): set at
-- sign-in and by re-authentication, never by a refresh.
ALTER TABLE sessions ADD COLUMN auth_time timestamptz;
UPDATE sessions SET auth_time = created_at;
ALTER TABLE sessions ALTER COLUMN auth_time SET NOT NULL;
ALTER TABLE sessions ALTER COLUMN auth_time SET DEFAULT now();
