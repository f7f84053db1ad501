-- +goose Up
-- The change feed (/api/v1/changes) lists changes in data-version order,
-- a page at a time. Every version is one change, but versions were keyed
-- by (series, year, upload) only, so the feed's first page sorted every
-- version after since (7.56 million at national scale, issue 17). This
-- index keeps them in change order, (upload, series, year): a page is
-- one index range whatever the table's size.
CREATE INDEX observation_versions_change ON observation_versions (upload_id, series_id, year);

-- +goose Down
DROP INDEX observation_versions_change;
