-- +goose Up
-- The change feed (/api/v1/changes) lists changes in data-version order,
-- a page at a time. Values and revisions were keyed by series and year
-- only, so its first page sorted every value after since: 92–169 s at
-- national scale (7.56 million values, issue 17). These indexes keep
-- them in change order, (upload, series, year): a page is one index range
-- per kind of change, merged, whatever the table's size.
--   values by the upload that set them: a value never revised is its
--   key's first ("new");
--   revisions by the upload that made them ("revised");
--   revisions by the upload they replaced: the first revision of a key
--   holds its first value.
CREATE INDEX observation_values_change ON observation_values (upload_id, series_id, year);
CREATE INDEX observation_revision_values_change ON observation_revision_values (upload_id, series_id, year);
CREATE INDEX observation_revision_values_replaced ON observation_revision_values (old_upload_id, series_id, year);

-- +goose Down
DROP INDEX observation_revision_values_replaced;
DROP INDEX observation_revision_values_change;
DROP INDEX observation_values_change;
