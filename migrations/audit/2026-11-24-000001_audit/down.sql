DROP TABLE audit_chain_head;
DROP TABLE audit_entries;
