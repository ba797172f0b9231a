DROP INDEX deliveries_settled;
