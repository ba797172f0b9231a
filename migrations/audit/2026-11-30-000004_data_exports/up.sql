-- Data exports (GDPR Art. 15 and 20): requested (pending), assembled by audit's worker from
-- every service's part and sealed (ready, its single-use link mailed to the subject's verified
-- address), then downloaded once or removed when its time is up (expired), or given up on
-- (failed). Only the SHA-256 of the link's token is kept.
CREATE TABLE data_exports (
    id              uuid        PRIMARY KEY,
    subject_id      uuid        NOT NULL,
    requested_by    uuid        NOT NULL,
    request_id      uuid        REFERENCES data_subject_requests (id),
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'ready', 'downloaded', 'expired', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    error           text,
    archive_sealed  bytea,
    size_bytes      bigint,
    link_hash       bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    ready_at        timestamptz,
    expires_at      timestamptz,
    downloaded_at   timestamptz
);
CREATE INDEX data_exports_pending ON data_exports (created_at) WHERE status = 'pending';
CREATE INDEX data_exports_ready ON data_exports (expires_at) WHERE status = 'ready';
CREATE INDEX data_exports_subject ON data_exports (subject_id, id);
