-- +goose Up
-- The raw bytes of every accepted upload, so that any stored value can be
-- traced to its file and line. Files are content-addressed: the same bytes
-- uploaded twice are kept once. The content is split into chunks so that
-- neither writing nor serving a 50 MB file holds it whole in memory.
CREATE TABLE upload_files (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    chunks     INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE upload_file_chunks (
    sha256 TEXT NOT NULL REFERENCES upload_files (sha256),
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, seq)
);

-- What the reader detected (JSON), in which language its messages were
-- given, and which file the upload carried ('' for uploads made before
-- files were kept, or from code that passed rows rather than a file).
ALTER TABLE uploads ADD COLUMN sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN dialect TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN lang TEXT NOT NULL DEFAULT '';

-- The line of the upload's file a value came from (NULL when it did not
-- come from a file). Nullable without a default: no table rewrite.
ALTER TABLE observations ADD COLUMN source_line INTEGER;
ALTER TABLE observation_revisions ADD COLUMN old_source_line INTEGER;

-- Agency bearer tokens. Only a SHA-256 of the token is kept: tokens are 32
-- random bytes, so a fast unsalted hash is enough (nothing to brute-force).
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_code  TEXT NOT NULL REFERENCES agencies (code),
    hash         TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

-- +goose Down
DROP TABLE tokens;
ALTER TABLE observation_revisions DROP COLUMN old_source_line;
ALTER TABLE observations DROP COLUMN source_line;
ALTER TABLE uploads DROP COLUMN lang;
ALTER TABLE uploads DROP COLUMN dialect;
ALTER TABLE uploads DROP COLUMN size;
ALTER TABLE uploads DROP COLUMN sha256;
DROP TABLE upload_file_chunks;
DROP TABLE upload_files;
