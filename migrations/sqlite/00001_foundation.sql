-- +goose Up
CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code)
);
CREATE INDEX regions_parent ON regions (parent_code);

-- BPS and Kemendagri codes diverge, so BPS codes are mapped, never derived.
-- A region may have had several BPS codes; "current" marks the one in use.
CREATE TABLE region_bps_codes (
    bps_code    TEXT PRIMARY KEY,
    region_code TEXT NOT NULL REFERENCES regions (code),
    current     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX region_bps_codes_region ON region_bps_codes (region_code);

CREATE TABLE indicators (
    code          TEXT PRIMARY KEY,
    name_id       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL,
    polarity      TEXT NOT NULL,
    band_low      REAL,
    band_high     REAL,
    min_value     REAL,
    max_value     REAL,
    decimals      INTEGER NOT NULL DEFAULT 2,
    source        TEXT NOT NULL DEFAULT '',
    definition    TEXT NOT NULL DEFAULT '',
    frequency     TEXT NOT NULL DEFAULT 'tahunan',
    sdg_code      TEXT NOT NULL DEFAULT '',
    national_code TEXT NOT NULL DEFAULT '',
    agency_code   TEXT REFERENCES agencies (code)
);

CREATE TABLE plans (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    level        TEXT NOT NULL,
    region_code  TEXT NOT NULL REFERENCES regions (code),
    start_year   INTEGER NOT NULL,
    end_year     INTEGER NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    illustrative INTEGER NOT NULL DEFAULT 0
);

-- An upload's id is the data version: every accepted upload advances it.
CREATE TABLE uploads (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    agency_code    TEXT NOT NULL DEFAULT '',
    filename       TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_changed   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_missing   INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0
);

--
-- No foreign keys here, on purpose: per-row foreign-key triggers cost more
-- than half of a million-row import. Every row is checked against the
-- catalogue by the import path inside the same transaction, and catalogue
-- entries are never deleted (they are revised).
CREATE TABLE observations (
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
    PRIMARY KEY (indicator_code, region_code, disagg, year)
) WITHOUT ROWID;

-- The value an observation had before an upload changed it. An upload names
-- a key once, so (key, upload_id) identifies a revision and upload_id orders
-- a key's history.
CREATE TABLE observation_revisions (
    indicator_code TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    disagg         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    old_value      REAL NOT NULL,
    old_status     TEXT NOT NULL,
    old_break      INTEGER NOT NULL,
    old_note       TEXT NOT NULL,
    old_upload_id  INTEGER NOT NULL,
    new_value      REAL NOT NULL,
    new_status     TEXT NOT NULL,
    upload_id      INTEGER NOT NULL,
    changed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_code, region_code, disagg, year, upload_id)
) WITHOUT ROWID;

CREATE TABLE targets (
    plan_code      TEXT NOT NULL REFERENCES plans (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    region_code    TEXT NOT NULL REFERENCES regions (code),
    disagg         TEXT NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    low            REAL NOT NULL,
    high           REAL NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    upload_id      INTEGER NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_code, indicator_code, region_code, disagg, year)
);
CREATE INDEX targets_series ON targets (indicator_code, region_code);

CREATE TABLE target_revisions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_code      TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    disagg         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    old_low        REAL NOT NULL,
    old_high       REAL NOT NULL,
    old_note       TEXT NOT NULL,
    old_upload_id  INTEGER NOT NULL,
    new_low        REAL NOT NULL,
    new_high       REAL NOT NULL,
    upload_id      INTEGER NOT NULL,
    changed_at     TIMESTAMP NOT NULL
);
CREATE INDEX target_revisions_key ON target_revisions (plan_code, indicator_code, region_code, disagg, year);

-- +goose Down
DROP TABLE target_revisions;
DROP TABLE targets;
DROP TABLE observation_revisions;
DROP TABLE observations;
DROP TABLE uploads;
DROP TABLE plans;
DROP TABLE indicators;
DROP TABLE region_bps_codes;
DROP TABLE regions;
DROP TABLE agencies;
