-- Erasure requests (GDPR Art. 17): the account is deactivated at once; the person may cancel
-- until `scheduled_for` (`privacy.deletion_grace_days` later), then every service erases
-- them. Their addresses are kept sealed only until then; the cancel link's token as its
-- SHA-256. Steps that reach a sibling are retried until they succeed (`deactivated_at`,
-- `mailed_at`, `restored_at` say which are done).
CREATE TABLE data_deletions (
    id                uuid        PRIMARY KEY,
    subject_id        uuid        NOT NULL,
    requested_by      uuid        NOT NULL,
    request_id        uuid        REFERENCES data_subject_requests (id),
    status            text        NOT NULL DEFAULT 'scheduled'
                      CHECK (status IN ('scheduled', 'cancelled', 'completed')),
    previous_status   text        NOT NULL,
    addresses_sealed  bytea,
    cancel_hash       bytea,
    scheduled_for     timestamptz NOT NULL,
    attempts          integer     NOT NULL DEFAULT 0,
    error             text,
    erased            jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    deactivated_at    timestamptz,
    mailed_at         timestamptz,
    cancelled_at      timestamptz,
    restored_at       timestamptz,
    completed_at      timestamptz
);
-- One erasure in flight per person.
CREATE UNIQUE INDEX data_deletions_one_scheduled ON data_deletions (subject_id) WHERE status = 'scheduled';
CREATE INDEX data_deletions_due ON data_deletions (scheduled_for) WHERE status = 'scheduled';
