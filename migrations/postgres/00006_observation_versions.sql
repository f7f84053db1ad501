-- +goose Up
-- Observations become append-only: every value an upload set is one row,
-- keyed by its series key and the upload (the data version) that set it.
-- A re-import then writes only its new and changed values, with one COPY,
-- instead of updating each changed row in place and copying its old value
-- to a revision table (three writes per changed value, the update non-HOT).
-- The current value of a key is its newest version; a revision is a pair of
-- consecutive versions. Both are views with the columns of the tables they
-- replace, so reads stay as they were.
--
-- An upload names a key once, so (key, upload_id) is unique. The unique
-- index (a primary key cannot order a column descending) keeps a key's
-- versions adjacent, newest first: reading the index forward gives every
-- key's current version first, in key order, so "observations" is a scan
-- with neither a sort nor a second look per key.
-- No foreign keys, as before: the import path checks every row against the
-- catalogue in the same transaction.
CREATE TABLE observation_versions (
    indicator_code TEXT COLLATE "C" NOT NULL,
    region_code    TEXT COLLATE "C" NOT NULL,
    disagg         TEXT COLLATE "C" NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    upload_id      BIGINT NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    status         TEXT NOT NULL DEFAULT 'final',
    series_break   BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMPTZ NOT NULL,
    source_line    INTEGER
);
CREATE UNIQUE INDEX observation_versions_key ON observation_versions (indicator_code, region_code, disagg, year, upload_id DESC) WITH (fillfactor = 50);

-- Every current value, and every value a revision replaced (set by its
-- old_upload_id, at that upload's time).
INSERT INTO observation_versions (indicator_code, region_code, disagg, year, upload_id, value, status, series_break, note,
    updated_at, source_line)
SELECT indicator_code, region_code, disagg, year, upload_id, value, status, series_break, note, updated_at, source_line
FROM observations
UNION ALL
SELECT r.indicator_code, r.region_code, r.disagg, r.year, r.old_upload_id, r.old_value, r.old_status, r.old_break, r.old_note,
    COALESCE(u.created_at, r.changed_at), r.old_source_line
FROM observation_revisions r LEFT JOIN uploads u ON u.id = r.old_upload_id
ORDER BY 1, 2, 3, 4, 5;

DROP TABLE observation_revisions;
DROP TABLE observations;

-- The newest version of each key. Conditions on the key columns are pushed
-- into the DISTINCT ON, so a series reads only its own index range.
CREATE VIEW observations AS
SELECT DISTINCT ON (indicator_code, region_code, disagg, year)
    indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at, source_line
FROM observation_versions
ORDER BY indicator_code, region_code, disagg, year, upload_id DESC;

-- Each version that replaced another, with the one it replaced: one index
-- probe per version (the newest older one).
CREATE VIEW observation_revisions AS
SELECT n.indicator_code, n.region_code, n.disagg, n.year, o.value AS old_value, o.status AS old_status, o.series_break AS old_break,
    o.note AS old_note, o.upload_id AS old_upload_id, n.value AS new_value, n.status AS new_status, n.upload_id,
    n.updated_at AS changed_at, o.source_line AS old_source_line
FROM observation_versions n
CROSS JOIN LATERAL (
    SELECT p.value, p.status, p.series_break, p.note, p.upload_id, p.source_line
    FROM observation_versions p
    WHERE p.indicator_code = n.indicator_code AND p.region_code = n.region_code AND p.disagg = n.disagg AND p.year = n.year
        AND p.upload_id < n.upload_id
    ORDER BY p.upload_id DESC LIMIT 1
) o;

-- +goose Down
DROP VIEW observation_revisions;
DROP VIEW observations;
CREATE TABLE observations (
    indicator_code TEXT COLLATE "C" NOT NULL,
    region_code    TEXT COLLATE "C" NOT NULL,
    disagg         TEXT COLLATE "C" NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    status         TEXT NOT NULL DEFAULT 'final',
    series_break   BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT NOT NULL DEFAULT '',
    upload_id      BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    source_line    INTEGER,
    PRIMARY KEY (indicator_code, region_code, disagg, year)
) WITH (fillfactor = 80);
CREATE TABLE observation_revisions (
    indicator_code  TEXT COLLATE "C" NOT NULL,
    region_code     TEXT COLLATE "C" NOT NULL,
    disagg          TEXT COLLATE "C" NOT NULL,
    year            INTEGER NOT NULL,
    old_value       DOUBLE PRECISION NOT NULL,
    old_status      TEXT NOT NULL,
    old_break       BOOLEAN NOT NULL,
    old_note        TEXT NOT NULL,
    old_upload_id   BIGINT NOT NULL,
    new_value       DOUBLE PRECISION NOT NULL,
    new_status      TEXT NOT NULL,
    upload_id       BIGINT NOT NULL,
    changed_at      TIMESTAMPTZ NOT NULL,
    old_source_line INTEGER,
    PRIMARY KEY (indicator_code, region_code, disagg, year, upload_id)
);
INSERT INTO observations
SELECT DISTINCT ON (indicator_code, region_code, disagg, year)
    indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at, source_line
FROM observation_versions
ORDER BY indicator_code, region_code, disagg, year, upload_id DESC;
INSERT INTO observation_revisions
SELECT n.indicator_code, n.region_code, n.disagg, n.year, o.value, o.status, o.series_break, o.note, o.upload_id, n.value, n.status,
    n.upload_id, n.updated_at, o.source_line
FROM observation_versions n
CROSS JOIN LATERAL (
    SELECT p.value, p.status, p.series_break, p.note, p.upload_id, p.source_line
    FROM observation_versions p
    WHERE p.indicator_code = n.indicator_code AND p.region_code = n.region_code AND p.disagg = n.disagg AND p.year = n.year
        AND p.upload_id < n.upload_id
    ORDER BY p.upload_id DESC LIMIT 1
) o;
DROP TABLE observation_versions;
