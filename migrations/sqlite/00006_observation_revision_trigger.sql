-- +goose Up
-- A changed observation keeps its old value as a revision, whatever
-- statement changed it. The import path upserts each row with one
-- statement (see upsertObservations); the history is written here, inside
-- that statement, rather than by a second statement per row.
-- +goose StatementBegin
CREATE TRIGGER observation_revision AFTER UPDATE ON observations
BEGIN
    INSERT INTO observation_revisions (indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note,
        old_upload_id, old_source_line, new_value, new_status, upload_id, changed_at)
    VALUES (OLD.indicator_code, OLD.region_code, OLD.disagg, OLD.year, OLD.value, OLD.status, OLD.series_break, OLD.note,
        OLD.upload_id, OLD.source_line, NEW.value, NEW.status, NEW.upload_id, NEW.updated_at);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER observation_revision;
