-- What an organization's mail looks like: its default language and its logo; an invitation
-- may name the language of its mail.
ALTER TABLE organizations ADD COLUMN locale TEXT, ADD COLUMN logo_url TEXT;
ALTER TABLE invitations ADD COLUMN locale TEXT;
