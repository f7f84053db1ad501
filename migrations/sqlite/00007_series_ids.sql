-- +goose Up
-- As on PostgreSQL (its migration 00008): a series (indicator, region,
-- disaggregation) gets a small integer id, and values and revisions are
-- keyed by (series id, year) instead of three text columns and a year. A
-- re-import's upsert then finds each row by comparing integers, and binds
-- two numbers per row instead of three texts. A value's time is its
-- upload's (uploads.created_at), as on PostgreSQL, instead of a timestamp
-- text in every row and every revision: rows are about a third smaller.
-- observations and observation_revisions become views with the columns the
-- tables had, so reads stay as they were.
--
-- Only imports write series, values and revisions, inside an immediate
-- transaction (SQLite's write lock): new series get the ids after the
-- greatest one.
CREATE TABLE series (
    id             INTEGER PRIMARY KEY,
    indicator_code TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    disagg         TEXT NOT NULL DEFAULT '',
    UNIQUE (indicator_code, region_code, disagg)
);
INSERT INTO series (id, indicator_code, region_code, disagg)
SELECT row_number() OVER (ORDER BY indicator_code, region_code, disagg), indicator_code, region_code, disagg
FROM (SELECT indicator_code, region_code, disagg FROM observations
    UNION SELECT indicator_code, region_code, disagg FROM observation_revisions);

-- Every value's time comes from its upload from now on. Imports write
-- their upload row, so none should be missing; a value whose upload row is
-- missing (written by hand, say) gets one, with the time it had.
INSERT INTO uploads (id, kind, created_at)
SELECT upload_id, 'observations', MIN(at) FROM (
    SELECT upload_id, updated_at AS at FROM observations
    UNION ALL
    SELECT upload_id, changed_at FROM observation_revisions
) t
WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = t.upload_id)
GROUP BY upload_id;

CREATE TABLE observation_values (
    series_id    INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    value        REAL NOT NULL,
    status       TEXT NOT NULL DEFAULT 'final',
    series_break INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    upload_id    INTEGER NOT NULL,
    source_line  INTEGER,
    PRIMARY KEY (series_id, year)
) WITHOUT ROWID;
INSERT INTO observation_values (series_id, year, value, status, series_break, note, upload_id, source_line)
SELECT s.id, o.year, o.value, o.status, o.series_break, o.note, o.upload_id, o.source_line
FROM observations o JOIN series s ON s.indicator_code = o.indicator_code AND s.region_code = o.region_code AND s.disagg = o.disagg;

CREATE TABLE observation_revision_values (
    series_id       INTEGER NOT NULL,
    year            INTEGER NOT NULL,
    old_value       REAL NOT NULL,
    old_status      TEXT NOT NULL,
    old_break       INTEGER NOT NULL,
    old_note        TEXT NOT NULL,
    old_upload_id   INTEGER NOT NULL,
    old_source_line INTEGER,
    new_value       REAL NOT NULL,
    new_status      TEXT NOT NULL,
    upload_id       INTEGER NOT NULL,
    PRIMARY KEY (series_id, year, upload_id)
) WITHOUT ROWID;
INSERT INTO observation_revision_values (series_id, year, old_value, old_status, old_break, old_note, old_upload_id, old_source_line,
    new_value, new_status, upload_id)
SELECT s.id, r.year, r.old_value, r.old_status, r.old_break, r.old_note, r.old_upload_id, r.old_source_line, r.new_value, r.new_status,
    r.upload_id
FROM observation_revisions r JOIN series s ON s.indicator_code = r.indicator_code AND s.region_code = r.region_code AND s.disagg = r.disagg;

DROP TRIGGER observation_revision;
DROP TABLE observations;
DROP TABLE observation_revisions;

-- The times are the uploads' own columns (a LEFT JOIN on their key, which
-- SQLite leaves out when a query does not ask for the time), so that they
-- keep their declared type and read back as times.
CREATE VIEW observations AS
SELECT s.indicator_code, s.region_code, s.disagg, v.year, v.value, v.status, v.series_break, v.note, v.upload_id,
    u.created_at AS updated_at, v.source_line
FROM observation_values v
JOIN series s ON s.id = v.series_id
LEFT JOIN uploads u ON u.id = v.upload_id;

CREATE VIEW observation_revisions AS
SELECT s.indicator_code, s.region_code, s.disagg, r.year, r.old_value, r.old_status, r.old_break, r.old_note, r.old_upload_id,
    r.new_value, r.new_status, r.upload_id, u.created_at AS changed_at, r.old_source_line
FROM observation_revision_values r
JOIN series s ON s.id = r.series_id
LEFT JOIN uploads u ON u.id = r.upload_id;

-- +goose StatementBegin
CREATE TRIGGER observation_revision AFTER UPDATE ON observation_values
BEGIN
    INSERT INTO observation_revision_values (series_id, year, old_value, old_status, old_break, old_note, old_upload_id, old_source_line,
        new_value, new_status, upload_id)
    VALUES (OLD.series_id, OLD.year, OLD.value, OLD.status, OLD.series_break, OLD.note, OLD.upload_id, OLD.source_line,
        NEW.value, NEW.status, NEW.upload_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER observation_revision;
CREATE TABLE observations_old (
    indicator_code TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    disagg         TEXT NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    value          REAL NOT NULL,
    status         TEXT NOT NULL DEFAULT 'final',
    series_break   INTEGER NOT NULL DEFAULT 0,
    note           TEXT NOT NULL DEFAULT '',
    upload_id      INTEGER NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    source_line    INTEGER,
    PRIMARY KEY (indicator_code, region_code, disagg, year)
) WITHOUT ROWID;
INSERT INTO observations_old SELECT * FROM observations;
CREATE TABLE observation_revisions_old (
    indicator_code  TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    disagg          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    old_value       REAL NOT NULL,
    old_status      TEXT NOT NULL,
    old_break       INTEGER NOT NULL,
    old_note        TEXT NOT NULL,
    old_upload_id   INTEGER NOT NULL,
    new_value       REAL NOT NULL,
    new_status      TEXT NOT NULL,
    upload_id       INTEGER NOT NULL,
    changed_at      TIMESTAMP NOT NULL,
    old_source_line INTEGER,
    PRIMARY KEY (indicator_code, region_code, disagg, year, upload_id)
) WITHOUT ROWID;
INSERT INTO observation_revisions_old SELECT * FROM observation_revisions;
DROP VIEW observations;
DROP VIEW observation_revisions;
DROP TABLE observation_values;
DROP TABLE observation_revision_values;
DROP TABLE series;
ALTER TABLE observations_old RENAME TO observations;
ALTER TABLE observation_revisions_old RENAME TO observation_revisions;
-- +goose StatementBegin
CREATE TRIGGER observation_revision AFTER UPDATE ON observations
BEGIN
    INSERT INTO observation_revisions (indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note,
        old_upload_id, old_source_line, new_value, new_status, upload_id, changed_at)
    VALUES (OLD.indicator_code, OLD.region_code, OLD.disagg, OLD.year, OLD.value, OLD.status, OLD.series_break, OLD.note,
        OLD.upload_id, OLD.source_line, NEW.value, NEW.status, NEW.upload_id, NEW.updated_at);
END;
-- +goose StatementEnd
