ALTER TABLE deliveries DROP COLUMN traceparent;
DROP INDEX deliveries_settled;
