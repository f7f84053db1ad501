-- +goose Up
-- How a kept file's chunks are stored: '' as the bytes are (files kept
-- before this migration), 'gzip' each chunk a gzip member of its bytes.
-- Compressing in the import, while earlier chunks are written, costs less
-- than having the database compress and write four to six times the bytes
-- at the end of the import's transaction.
ALTER TABLE upload_files ADD COLUMN encoding TEXT NOT NULL DEFAULT '';

-- +goose Down
-- SQL cannot decompress the chunks: going down is refused while any file
-- is kept compressed, rather than leaving files no reader understands.
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM upload_files WHERE encoding <> '') THEN
        RAISE EXCEPTION 'upload files are kept gzip-compressed (upload_files.encoding): migrating below 9 would leave them unreadable';
    END IF;
END
$$;
-- +goose StatementEnd
ALTER TABLE upload_files DROP COLUMN encoding;
