ALTER TABLE invitations DROP COLUMN locale;
ALTER TABLE organizations DROP COLUMN locale, DROP COLUMN logo_url;
