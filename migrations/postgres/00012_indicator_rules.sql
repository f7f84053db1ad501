-- +goose Up
-- An indicator's validation rules (domain.Rule), one per line, as the
-- catalogue writes them: checked on every upload.
ALTER TABLE indicators ADD COLUMN rules TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE indicators DROP COLUMN rules;
