-- Housekeeping deletes settled deliveries (and their attempts) by age.
CREATE INDEX deliveries_settled ON deliveries (updated_at) WHERE status IN ('succeeded', 'failed');
-- The W3C trace context of the event a delivery carries: its attempts join that trace.
ALTER TABLE deliveries ADD COLUMN traceparent text;
