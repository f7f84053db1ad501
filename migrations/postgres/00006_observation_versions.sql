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
--
-- A version's time is its upload's (uploads.created_at): the views join it
-- rather than every row repeating it, which would cost a tenth of a COPY.
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
    source_line    INTEGER
);
CREATE UNIQUE INDEX observation_versions_key ON observation_versions (indicator_code, region_code, disagg, year, upload_id DESC) WITH (fillfactor = 50);

-- Every current value, and every value a revision replaced (set by its
-- old_upload_id).
INSERT INTO observation_versions (indicator_code, region_code, disagg, year, upload_id, value, status, series_break, note, source_line)
SELECT indicator_code, region_code, disagg, year, upload_id, value, status, series_break, note, source_line
FROM observations
UNION ALL
SELECT indicator_code, region_code, disagg, year, old_upload_id, old_value, old_status, old_break, old_note, old_source_line
FROM observation_revisions
ORDER BY 1, 2, 3, 4, 5;

-- Every version's time comes from its upload from now on. Every import
-- writes its upload row, so none should be missing; a value whose upload
-- row is missing (written by hand, say) gets one, with the time it had.
INSERT INTO uploads (id, kind, created_at)
SELECT upload_id, 'observations', MIN(updated_at) FROM (
    SELECT upload_id, updated_at FROM observations
    UNION ALL
    SELECT old_upload_id, changed_at FROM observation_revisions
) t
WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = t.upload_id)
GROUP BY upload_id;
-- The newest version of a key is the one with the greatest upload id, so
-- later uploads must get greater ids than any of those rows: an id ahead of
-- the sequence would otherwise outrank the imports made after it (and
-- collide with one of them).
SELECT setval(pg_get_serial_sequence('uploads', 'id'), t.m)
FROM (SELECT MAX(id) AS m FROM uploads) t, uploads_id_seq s
WHERE t.m >= s.last_value;

DROP TABLE observation_revisions;
DROP TABLE observations;

-- The newest version of each key. Conditions on the key columns are pushed
-- into the DISTINCT ON, so a series reads only its own index range. The
-- time is looked up only by queries that ask for it (an export does not).
CREATE VIEW observations AS
SELECT c.indicator_code, c.region_code, c.disagg, c.year, c.value, c.status, c.series_break, c.note, c.upload_id,
    (SELECT u.created_at FROM uploads u WHERE u.id = c.upload_id) AS updated_at, c.source_line
FROM (
    SELECT DISTINCT ON (indicator_code, region_code, disagg, year)
        indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, source_line
    FROM observation_versions
    ORDER BY indicator_code, region_code, disagg, year, upload_id DESC
) c;

-- Each version that replaced another, with the one it replaced: one index
-- probe per version (the newest older one).
CREATE VIEW observation_revisions AS
SELECT n.indicator_code, n.region_code, n.disagg, n.year, o.value AS old_value, o.status AS old_status, o.series_break AS old_break,
    o.note AS old_note, o.upload_id AS old_upload_id, n.value AS new_value, n.status AS new_status, n.upload_id,
    (SELECT u.created_at FROM uploads u WHERE u.id = n.upload_id) AS changed_at, o.source_line AS old_source_line
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
SELECT c.indicator_code, c.region_code, c.disagg, c.year, c.value, c.status, c.series_break, c.note, c.upload_id, u.created_at, c.source_line
FROM (
    SELECT DISTINCT ON (indicator_code, region_code, disagg, year)
        indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, source_line
    FROM observation_versions
    ORDER BY indicator_code, region_code, disagg, year, upload_id DESC
) c JOIN uploads u ON u.id = c.upload_id;
INSERT INTO observation_revisions
SELECT n.indicator_code, n.region_code, n.disagg, n.year, o.value, o.status, o.series_break, o.note, o.upload_id, n.value, n.status,
    n.upload_id, u.created_at, o.source_line
FROM observation_versions n
JOIN uploads u ON u.id = n.upload_id
CROSS JOIN LATERAL (
    SELECT p.value, p.status, p.series_break, p.note, p.upload_id, p.source_line
    FROM observation_versions p
    WHERE p.indicator_code = n.indicator_code AND p.region_code = n.region_code AND p.disagg = n.disagg AND p.year = n.year
        AND p.upload_id < n.upload_id
    ORDER BY p.upload_id DESC LIMIT 1
) o;
DROP TABLE observation_versions;
