-- Housekeeping deletes used SAML assertion ids once they could no longer be replayed.
CREATE INDEX saml_assertions_used_expiry ON saml_assertions_used (expires_at);
