-- +goose Up
-- How a kept file's chunks are stored: '' as the bytes are (files kept
-- before this migration), 'gzip' each chunk a gzip member of its bytes,
-- compressed by the import while earlier chunks are written.
ALTER TABLE upload_files ADD COLUMN encoding TEXT NOT NULL DEFAULT '';

-- +goose Down
-- SQL cannot decompress the chunks: going down is refused while any file
-- is kept compressed (the named CHECK fails), rather than leaving files no
-- reader understands.
CREATE TEMP TABLE down_to_7 (files INTEGER CONSTRAINT upload_files_are_kept_gzip_compressed CHECK (files = 0));
INSERT INTO down_to_7 SELECT count(*) FROM upload_files WHERE encoding <> '';
DROP TABLE down_to_7;
ALTER TABLE upload_files DROP COLUMN encoding;
