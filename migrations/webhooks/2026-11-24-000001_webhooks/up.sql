-- Webhook endpoints: where events go, which ones, for which organization (NULL: platform-wide,
-- every event). Signing secrets are sealed with the operator's encryption key; after a
-- rotation the previous one keeps signing until previous_secret_expires_at, so receivers can
-- switch without losing deliveries.
CREATE TABLE endpoints (
    id                         uuid PRIMARY KEY,
    created_by                 uuid        NOT NULL,
    organization_id            uuid,
    url                        text        NOT NULL,
    description                text,
    event_types                text[]      NOT NULL,
    enabled                    boolean     NOT NULL DEFAULT true,
    disabled_reason            text,
    secret                     bytea       NOT NULL,
    previous_secret            bytea,
    previous_secret_expires_at timestamptz,
    -- Set by the first failed delivery after a success; an endpoint failing for long is disabled.
    failing_since              timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX endpoints_organization ON endpoints (organization_id, created_at, id);
CREATE INDEX endpoints_created_by ON endpoints (created_by, created_at, id);
CREATE INDEX endpoints_created ON endpoints (created_at, id);
-- Which endpoints want an event: `event_types && ARRAY[type, 'prefix.*', ..., '*']`.
CREATE INDEX endpoints_event_types ON endpoints USING gin (event_types);

-- One delivery per event and endpoint (a redelivered event adds nothing), with the exact bytes
-- sent on every attempt.
CREATE TABLE deliveries (
    id              uuid PRIMARY KEY,
    endpoint_id     uuid        NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    body            bytea       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    -- When pending: when to try next. When delivering: when the claim lapses (a replica that
    -- died mid-attempt gives its deliveries back this way).
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    response_status integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
-- The dispatcher's scan: due work only, oldest first.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
    WHERE status IN ('pending', 'delivering');
-- An endpoint's deliveries, newest first.
CREATE INDEX deliveries_endpoint_created ON deliveries (endpoint_id, created_at DESC, id DESC);

-- Every attempt of a delivery, as the receiver answered it.
CREATE TABLE delivery_attempts (
    id               uuid PRIMARY KEY,
    delivery_id      uuid        NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt          integer     NOT NULL,
    started_at       timestamptz NOT NULL,
    latency_ms       integer     NOT NULL,
    response_status  integer,
    error            text,
    response_excerpt text
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, attempt);
