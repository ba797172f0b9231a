DROP INDEX inbox_processed;
DROP INDEX outbox_published;
