-- +goose Up
-- The catalogue as data (issue 15): what a real catalogue carries beyond
-- the demo's fields, the instance's own settings, and the history of every
-- catalogue change.

-- An indicator's English definition and its progress settings. The
-- defaults are the constants internal/progress used before (sdg-build's
-- thresholds 0.95, 0.6 and 0; base year 0 = the year before the plan starts).
ALTER TABLE indicators ADD COLUMN definition_en TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN progress_assess BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE indicators ADD COLUMN progress_base_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE indicators ADD COLUMN progress_substantial REAL NOT NULL DEFAULT 0.95;
ALTER TABLE indicators ADD COLUMN progress_moderate REAL NOT NULL DEFAULT 0.6;
ALTER TABLE indicators ADD COLUMN progress_limited REAL NOT NULL DEFAULT 0;

-- A plan's kind (RPJMN, RPJMD, RKPD, Renstra), legal basis (the Perpres or
-- Perda), status (draft or final) and the plan it amends. amends has no
-- foreign key: SQLite cannot drop a column that has one, and both engines
-- check it the same way, in the catalogue import (which also refuses a cycle).
ALTER TABLE plans ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN status TEXT NOT NULL DEFAULT 'final';
ALTER TABLE plans ADD COLUMN amends TEXT NOT NULL DEFAULT '';

-- Pemekaran: the years a region existed (0 = open) and the regions it was
-- split into or merged into.
ALTER TABLE regions ADD COLUMN valid_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE regions ADD COLUMN valid_to INTEGER NOT NULL DEFAULT 0;
CREATE TABLE region_successors (
    region_code    TEXT NOT NULL REFERENCES regions (code),
    successor_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (region_code, successor_code)
);

-- One row: the government this instance serves. prepared_by says how it
-- was prepared ('init' or 'demo'); a database without the row was never
-- prepared, and serve says what to run instead of guessing.
CREATE TABLE instance_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    home_region TEXT NOT NULL REFERENCES regions (code),
    prepared_by TEXT NOT NULL,
    prepared_at TIMESTAMP NOT NULL
);

-- One catalogue import (a file or directory, or the starter catalogue of
-- init): who, when, what it changed.
CREATE TABLE catalog_imports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    filename   TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    added      INTEGER NOT NULL DEFAULT 0,
    changed    INTEGER NOT NULL DEFAULT 0,
    removed    INTEGER NOT NULL DEFAULT 0,
    unchanged  INTEGER NOT NULL DEFAULT 0
);

-- Every catalogue change, old → new as JSON ('' for an entry added or
-- removed), by the import that made it.
CREATE TABLE catalog_revisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id  INTEGER NOT NULL REFERENCES catalog_imports (id),
    kind       TEXT NOT NULL,
    code       TEXT NOT NULL,
    action     TEXT NOT NULL,
    old_value  TEXT NOT NULL DEFAULT '',
    new_value  TEXT NOT NULL DEFAULT '',
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX catalog_revisions_entry ON catalog_revisions (kind, code);

-- Before this migration Pantau could hold only its demo: a database with
-- the demo's regency plan was prepared by the demo, for Banyuasin.
INSERT INTO instance_settings (id, home_region, prepared_by, prepared_at)
SELECT 1, '16.07', 'demo', CURRENT_TIMESTAMP
WHERE EXISTS (SELECT 1 FROM plans WHERE code = 'rpjmd-banyuasin-2025-2029' AND region_code = '16.07');

-- +goose Down
DROP TABLE catalog_revisions;
DROP TABLE catalog_imports;
DROP TABLE instance_settings;
DROP TABLE region_successors;
ALTER TABLE regions DROP COLUMN valid_to;
ALTER TABLE regions DROP COLUMN valid_from;
ALTER TABLE plans DROP COLUMN amends;
ALTER TABLE plans DROP COLUMN status;
ALTER TABLE plans DROP COLUMN legal_basis;
ALTER TABLE plans DROP COLUMN kind;
ALTER TABLE indicators DROP COLUMN progress_limited;
ALTER TABLE indicators DROP COLUMN progress_moderate;
ALTER TABLE indicators DROP COLUMN progress_substantial;
ALTER TABLE indicators DROP COLUMN progress_base_year;
ALTER TABLE indicators DROP COLUMN progress_assess;
ALTER TABLE indicators DROP COLUMN definition_en;
