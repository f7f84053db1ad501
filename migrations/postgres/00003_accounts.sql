-- +goose Up
-- People's accounts. Passwords are kept as bcrypt hashes. failed_logins
-- counts consecutive failures; after a few, locked_until holds further
-- attempts off for a time that doubles with each failure.
CREATE TABLE users (
    id                  BIGSERIAL PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL DEFAULT '',
    role                TEXT NOT NULL CHECK (role IN ('admin', 'uploader', 'planner')),
    agency_code         TEXT REFERENCES agencies (code),
    password_hash       TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMPTZ,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE
);

-- Server-side sessions. The cookie carries 32 random bytes; only their
-- SHA-256 is kept, so a copy of the database opens no session. csrf is the
-- synchronizer token the session's forms must carry.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Every write: who (principal, and the user or token behind it), when,
-- from where (IP, request id), what (action, object, detail) and how it
-- ended (status). Rows are only ever inserted.
CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    principal  TEXT NOT NULL,
    user_id    BIGINT,
    token_id   BIGINT,
    ip         TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    method     TEXT NOT NULL DEFAULT '',
    route      TEXT NOT NULL DEFAULT '',
    status     INTEGER NOT NULL DEFAULT 0,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);

-- Revoked tokens stay listed (with who revoked them, and when).
ALTER TABLE tokens ADD COLUMN revoked_at TIMESTAMPTZ;
ALTER TABLE tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';

-- Publication (walidata review): draft → submitted → published. Uploads
-- made before review existed were public already, hence the default.
ALTER TABLE uploads ADD COLUMN state TEXT NOT NULL DEFAULT 'published';
ALTER TABLE uploads ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN reviewed_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE uploads DROP COLUMN reviewed_at;
ALTER TABLE uploads DROP COLUMN reviewed_by;
ALTER TABLE uploads DROP COLUMN state;
ALTER TABLE tokens DROP COLUMN revoked_by;
ALTER TABLE tokens DROP COLUMN revoked_at;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
