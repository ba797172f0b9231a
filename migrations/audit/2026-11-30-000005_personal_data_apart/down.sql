DROP TABLE erased_people;
DROP TABLE audit_pii;
ALTER TABLE audit_entries DROP COLUMN pii_commitment;
