-- +goose Up
-- Kept upload files are stored in 256 KiB chunks that TOAST compresses.
-- pglz, the default, costs about half a second for a 30 MB file inside the
-- import's transaction; lz4 compresses CSV nearly as well several times
-- faster. lz4 needs PostgreSQL 14 built with it (Debian's and the official
-- images are): elsewhere the chunks keep pglz.
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE 'ALTER TABLE upload_file_chunks ALTER COLUMN data SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'upload_file_chunks keeps pglz: %', SQLERRM;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    EXECUTE 'ALTER TABLE upload_file_chunks ALTER COLUMN data SET COMPRESSION pglz';
EXCEPTION WHEN OTHERS THEN
    NULL;
END
$$;
-- +goose StatementEnd
