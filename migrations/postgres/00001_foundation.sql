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
    current     BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX region_bps_codes_region ON region_bps_codes (region_code);

CREATE TABLE indicators (
    code          TEXT PRIMARY KEY,
    name_id       TEXT NOT NULL,
    name_en       TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL,
    polarity      TEXT NOT NULL,
    band_low      DOUBLE PRECISION,
    band_high     DOUBLE PRECISION,
    min_value     DOUBLE PRECISION,
    max_value     DOUBLE PRECISION,
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
    illustrative BOOLEAN NOT NULL DEFAULT FALSE
);

-- An upload's id is the data version: every accepted upload advances it.
CREATE TABLE uploads (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT NOT NULL,
    agency_code    TEXT NOT NULL DEFAULT '',
    filename       TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_changed   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_missing   INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0
);

-- fillfactor leaves room on each page so that a re-import of changed values
-- updates rows in place (HOT) instead of rewriting the index.
--
-- Codes are ASCII identifiers: the "C" collation compares them bytewise,
-- which is what they mean and several times cheaper than a locale's rules
-- when a million keys are sorted or indexed.
--
-- No foreign keys here, on purpose: per-row foreign-key triggers cost more
-- than half of a million-row import. Every row is checked against the
-- catalogue by the import path inside the same transaction, and catalogue
-- entries are never deleted (they are revised).
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
    PRIMARY KEY (indicator_code, region_code, disagg, year)
) WITH (fillfactor = 80);

-- The value an observation had before an upload changed it. An upload names
-- a key once, so (key, upload_id) identifies a revision and upload_id orders
-- a key's history.
CREATE TABLE observation_revisions (
    indicator_code TEXT COLLATE "C" NOT NULL,
    region_code    TEXT COLLATE "C" NOT NULL,
    disagg         TEXT COLLATE "C" NOT NULL,
    year           INTEGER NOT NULL,
    old_value      DOUBLE PRECISION NOT NULL,
    old_status     TEXT NOT NULL,
    old_break      BOOLEAN NOT NULL,
    old_note       TEXT NOT NULL,
    old_upload_id  BIGINT NOT NULL,
    new_value      DOUBLE PRECISION NOT NULL,
    new_status     TEXT NOT NULL,
    upload_id      BIGINT NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (indicator_code, region_code, disagg, year, upload_id)
);

CREATE TABLE targets (
    plan_code      TEXT NOT NULL REFERENCES plans (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    region_code    TEXT NOT NULL REFERENCES regions (code),
    disagg         TEXT NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    low            DOUBLE PRECISION NOT NULL,
    high           DOUBLE PRECISION NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    upload_id      BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plan_code, indicator_code, region_code, disagg, year)
);
CREATE INDEX targets_series ON targets (indicator_code, region_code);

CREATE TABLE target_revisions (
    id             BIGSERIAL PRIMARY KEY,
    plan_code      TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    disagg         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    old_low        DOUBLE PRECISION NOT NULL,
    old_high       DOUBLE PRECISION NOT NULL,
    old_note       TEXT NOT NULL,
    old_upload_id  BIGINT NOT NULL,
    new_low        DOUBLE PRECISION NOT NULL,
    new_high       DOUBLE PRECISION NOT NULL,
    upload_id      BIGINT NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL
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
