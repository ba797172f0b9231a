-- Data-subject requests (GDPR Art. 12, 15-21): received, worked on, and closed within a month
-- of receipt, or within up to two months more once extended with a reason.
CREATE TABLE data_subject_requests (
    id                uuid        PRIMARY KEY,
    type              text        NOT NULL CHECK (type IN ('access', 'portability', 'erasure', 'rectification', 'restriction', 'objection')),
    status            text        NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'in_progress', 'completed', 'rejected', 'cancelled')),
    subject_id        uuid        NOT NULL,
    filed_by          uuid        NOT NULL,
    description       text,
    received_at       timestamptz NOT NULL DEFAULT now(),
    due_at            timestamptz NOT NULL,
    extended_at       timestamptz,
    extension_reason  text,
    resolution        text,
    closed_at         timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_subject_requests_subject ON data_subject_requests (subject_id, id);
CREATE INDEX data_subject_requests_open ON data_subject_requests (due_at) WHERE status IN ('received', 'in_progress');
