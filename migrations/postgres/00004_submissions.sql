-- +goose Up
-- Publication (walidata review). An upload that needs review is a
-- submission: its file is checked and kept, but nothing of it reaches the
-- public tables until a data steward publishes it. Publishing reads the
-- kept file again, against the data and catalogue of that moment, and
-- makes an ordinary upload: so upload ids stay the data versions the public
-- saw, in the order it saw them, and a chart pinned to a version never
-- changes afterwards.
--
-- The state columns 00003 put on uploads are dropped: an upload is public
-- by definition now, and review lives here.
ALTER TABLE uploads DROP COLUMN reviewed_at;
ALTER TABLE uploads DROP COLUMN reviewed_by;
ALTER TABLE uploads DROP COLUMN state;

CREATE TABLE submissions (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT NOT NULL,
    -- The agency the upload is limited to ('' for an administrator's).
    agency_code    TEXT NOT NULL DEFAULT '',
    filename       TEXT NOT NULL DEFAULT '',
    submitted_by   TEXT NOT NULL,
    submitted_at   TIMESTAMPTZ NOT NULL,
    sha256         TEXT COLLATE "C" NOT NULL REFERENCES upload_files (sha256),
    size           BIGINT NOT NULL,
    lang           TEXT NOT NULL DEFAULT '',
    -- How the file is to be read (JSON: indicator, region, plan, decimal,
    -- encoding), so that publishing reads it exactly as the check did.
    options        TEXT NOT NULL DEFAULT '{}',
    -- The counts when it was submitted; publishing records its own.
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_changed   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_missing   INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL DEFAULT 'submitted'
                   CHECK (state IN ('submitted', 'published', 'returned', 'withdrawn')),
    reviewed_by    TEXT NOT NULL DEFAULT '',
    reviewed_at    TIMESTAMPTZ,
    review_note    TEXT NOT NULL DEFAULT '',
    -- The upload (data version) its publication made.
    upload_id      BIGINT REFERENCES uploads (id)
);
CREATE INDEX submissions_state ON submissions (state, id);
CREATE INDEX submissions_agency ON submissions (agency_code, id);

-- The conversation about a submission: planners, the walidata and the
-- agency. Comments are only ever added.
CREATE TABLE submission_comments (
    id            BIGSERIAL PRIMARY KEY,
    submission_id BIGINT NOT NULL REFERENCES submissions (id),
    at            TIMESTAMPTZ NOT NULL,
    author        TEXT NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX submission_comments_submission ON submission_comments (submission_id, id);

-- +goose Down
DROP TABLE submission_comments;
DROP TABLE submissions;
ALTER TABLE uploads ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
ALTER TABLE uploads ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN reviewed_at TIMESTAMPTZ;
