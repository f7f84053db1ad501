-- +goose Up
-- Administrative boundaries, one shape per region, as WKB (a MultiPolygon
-- in WGS 84 longitude/latitude, orb's encoding/wkb): decoded without
-- parsing text, and two thirds the size of the GeoJSON it came from. Each
-- shape keeps where it came from (source, licence: the notice that must
-- travel with it) and the upload (uploads.kind = 'boundaries') that set it,
-- which is also the data version that the web's caches follow.
CREATE TABLE boundaries (
    region_code TEXT PRIMARY KEY REFERENCES regions (code),
    geometry    BLOB NOT NULL,
    source      TEXT NOT NULL DEFAULT '',
    licence     TEXT NOT NULL DEFAULT '',
    upload_id   INTEGER NOT NULL REFERENCES uploads (id),
    updated_at  TIMESTAMP NOT NULL
);

-- A re-import that changes a shape (or its source or licence) keeps the
-- one it replaced, with the upload that had set it and the one that
-- replaced it, as observation_revisions does for values.
CREATE TABLE boundary_revisions (
    region_code   TEXT NOT NULL REFERENCES regions (code),
    upload_id     INTEGER NOT NULL REFERENCES uploads (id),
    old_geometry  BLOB NOT NULL,
    old_source    TEXT NOT NULL,
    old_licence   TEXT NOT NULL,
    old_upload_id INTEGER NOT NULL REFERENCES uploads (id),
    changed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (region_code, upload_id)
);

-- +goose Down
DROP TABLE boundary_revisions;
DROP TABLE boundaries;
