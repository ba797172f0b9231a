-- Key material a service keeps across encryption-key rotations (the audit chain's MAC keys,
-- auth's device-token key), sealed with the operator's encryption key like every secret, so
-- `janua keys reseal` moves it to a new key and MACs made before still verify after.
CREATE TABLE service_keys (
    name       text        PRIMARY KEY,
    sealed     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
