-- +goose Up
-- Reads by region alone (the completeness matrix's presences of a region
-- and its children, the catalogue's check that a region has no data
-- before removing it) had only the series key (indicator, region,
-- disaggregation) to go by, whose first column they do not name: a scan of
-- every series, 783,000 of them at national scale (issue 17). With this
-- index each region is one index range.
CREATE INDEX series_region ON series (region_code);

-- +goose Down
DROP INDEX series_region;
