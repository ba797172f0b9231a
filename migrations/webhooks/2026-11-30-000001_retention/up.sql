-- Housekeeping deletes settled deliveries (and their attempts) by age.
CREATE INDEX deliveries_settled ON deliveries (updated_at) WHERE status IN ('succeeded', 'failed');
