-- +goose Up
-- When each person last logged in, for administrators deciding whether an
-- account is still used. NULL: never (or before this column existed).
ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP;

-- +goose Down
ALTER TABLE users DROP COLUMN last_login_at;
