-- +goose Up
-- Where an agency's token or uploader account may write (issue 21.9):
-- territory is the region codes it reports for, separated by spaces, each
-- covering the region and those below it ('16.07' covers '16.07.01');
-- plans is the plan codes whose targets it may write. Empty territory: no
-- limit on the regions of values (the agency's indicators still bound
-- them); empty plans: the plans whose region lies in its territory, or in
-- the instance's home region.
ALTER TABLE tokens ADD COLUMN territory TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN plans TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN territory TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN plans TEXT NOT NULL DEFAULT '';

-- Failed logins per account and source (issue 21.10): failures from one
-- address lock that address out of that account for a growing time, and
-- leave the owner, elsewhere, free to log in. source is the client's
-- address (an IPv6 address's /64).
CREATE TABLE login_failures (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    last_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, source)
);

-- +goose Down
DROP TABLE login_failures;
ALTER TABLE users DROP COLUMN plans;
ALTER TABLE users DROP COLUMN territory;
ALTER TABLE tokens DROP COLUMN plans;
ALTER TABLE tokens DROP COLUMN territory;
