package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// UploadFile is the raw file an upload carried, kept with its SHA-256 so
// that every stored value can be traced to its file (observations carry
// the upload id and the line).
type UploadFile struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Dialect is what the reader detected, as JSON.
	Dialect json.RawMessage `json:"dialect,omitempty"`
	// Lang is the language the file's messages were given in.
	Lang locale.Lang `json:"lang,omitempty"`
	// Content is the file's bytes, read once while the upload is stored.
	Content io.Reader `json:"-"`
}

// FileSource returns the file an import read. The import calls it after
// the last row, inside its transaction, so the file has been read whole
// and its dialect is known.
type FileSource func() (UploadFile, error)

// fileChunkSize is how many of a file's bytes one stored chunk holds: it
// bounds the memory a file takes while it is stored or served.
const fileChunkSize = 1 << 20

// fileGzip is the encoding of files whose chunks are each a gzip member of
// their bytes (migration 00009 on PostgreSQL, 00008 on SQLite); files kept
// before have an empty encoding and chunks of the bytes as they are.
const fileGzip = "gzip"

// keepFile records the upload's file inside the import transaction: the
// upload row gets the file's hash, size, dialect and language, and the
// bytes are stored once per distinct content (the same file uploaded again
// adds nothing), in chunks.
func (s *Store) keepFile(ctx context.Context, tx *sqlx.Tx, up domain.Upload, src FileSource) error {
	f, err := src()
	if err != nil {
		return err
	}
	dialect := string(f.Dialect)
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET sha256 = ?, size = ?, dialect = ?, lang = ? WHERE id = ?`),
		f.SHA256, f.Size, dialect, f.Lang, up.ID); err != nil {
		return fmt.Errorf("store: keep file: upload row: %w", err)
	}
	return storeFile(ctx, tx, f, up.CreatedAt)
}

// storeFile stores a file's bytes once per distinct content (the same file
// uploaded again adds nothing), in chunks, checking the announced hash.
//
// Each chunk is stored gzip-compressed, compressed here while earlier
// chunks are being written. A CSV shrinks four- to sixfold, and the
// database's own compression of the chunks (lz4 or pglz) and its writing
// of every byte are what made keeping a big file cost a tenth of its
// import, at the end of the transaction with little else running.
func storeFile(ctx context.Context, tx *sqlx.Tx, f UploadFile, at time.Time) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO upload_files (sha256, size, chunks, created_at, encoding) VALUES (?, ?, 0, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`), f.SHA256, f.Size, at, fileGzip)
	if err != nil {
		return fmt.Errorf("store: keep file: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // these bytes are kept already
	}
	ins, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO upload_file_chunks (sha256, seq, data) VALUES (?, ?, ?)`))
	if err != nil {
		return fmt.Errorf("store: keep file: prepare: %w", err)
	}
	defer ins.Close()
	gz := gzipChunks(f.Content, f.Size)
	defer gz.stop()
	seq := 0
	for c := range gz.chunks {
		_, err := ins.ExecContext(ctx, f.SHA256, seq, c.Bytes())
		gz.free <- c
		if err != nil {
			return fmt.Errorf("store: keep file: chunk %d: %w", seq, err)
		}
		seq++
	}
	sum, size, err := gz.result()
	if err != nil {
		return fmt.Errorf("store: keep file: read: %w", err)
	}
	// The hash names the content for good: never let a wrong one in.
	if sum != f.SHA256 || size != f.Size {
		return fmt.Errorf("store: keep file: content is %s (%d bytes), announced %s (%d bytes)", sum, size, f.SHA256, f.Size)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE upload_files SET chunks = ? WHERE sha256 = ?`), seq, f.SHA256); err != nil {
		return fmt.Errorf("store: keep file: %w", err)
	}
	return nil
}

// fileCompressors is how many chunks are compressed at once.
const fileCompressors = 2

// chunkCompressor reads a file in chunks of fileChunkSize and compresses
// each into a gzip member of its own, on fileCompressors goroutines, ahead
// of the one that stores them.
type chunkCompressor struct {
	// chunks are the compressed chunks in file order; closed after the
	// last one or on a read error. Each goes back to free once stored.
	chunks chan *bytes.Buffer
	free   chan *bytes.Buffer
	done   chan struct{} // closed by stop
	// Set when chunks is closed: the bytes' SHA-256, their count, and the
	// read error.
	sum  string
	size int64
	err  error
}

// gzipWriters keeps compressors between files (each holds about a
// megabyte of tables).
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// gzipChunks starts compressing r's chunks; size is the file's announced
// size, which only sizes the buffers (a small file takes small ones). The
// caller ranges over chunks and calls stop when done, early or not.
func gzipChunks(r io.Reader, size int64) *chunkCompressor {
	chunks := max(1, (size+fileChunkSize-1)/fileChunkSize)
	ahead := int(min(fileCompressors+2, chunks)) // chunks read, compressed or waiting
	c := &chunkCompressor{chunks: make(chan *bytes.Buffer, ahead), free: make(chan *bytes.Buffer, ahead), done: make(chan struct{})}
	for range ahead {
		c.free <- new(bytes.Buffer)
	}
	type job struct {
		raw  []byte
		out  *bytes.Buffer
		done chan struct{}
	}
	raws := make(chan []byte, ahead)
	for range ahead {
		// One byte more than a file smaller than a chunk, so that its one
		// read ends at its end.
		raws <- make([]byte, min(fileChunkSize, size+1))
	}
	jobs, order := make(chan *job, ahead), make(chan *job, ahead)
	for range min(fileCompressors, ahead) {
		go func() {
			w := gzipWriters.Get().(*gzip.Writer)
			defer gzipWriters.Put(w)
			for j := range jobs {
				w.Reset(j.out)
				w.Write(j.raw) // a bytes.Buffer takes every write
				w.Close()
				raws <- j.raw[:cap(j.raw)]
				close(j.done)
			}
		}()
	}
	// The reader: chunks in order, hashed as they are read.
	go func() {
		defer close(jobs)
		defer close(order)
		h := sha256.New()
		defer func() { c.sum = hex.EncodeToString(h.Sum(nil)) }()
		for {
			var raw []byte
			var out *bytes.Buffer
			select {
			case raw = <-raws:
			case <-c.done:
				return
			}
			select {
			case out = <-c.free:
			case <-c.done:
				return
			}
			n, err := io.ReadFull(r, raw)
			if n > 0 {
				h.Write(raw[:n])
				c.size += int64(n)
				out.Reset()
				j := &job{raw: raw[:n], out: out, done: make(chan struct{})}
				jobs <- j
				order <- j
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				c.err = err
				return
			}
		}
	}()
	// Compressed chunks leave in the order they were read.
	go func() {
		defer close(c.chunks)
		for j := range order {
			<-j.done
			select {
			case c.chunks <- j.out:
			case <-c.done:
				for range order {
				}
				return
			}
		}
	}()
	return c
}

// result returns the file's hash and size once chunks is closed.
func (c *chunkCompressor) result() (string, int64, error) { return c.sum, c.size, c.err }

// stop ends the compression early; harmless after the last chunk.
func (c *chunkCompressor) stop() {
	select {
	case <-c.done:
	default:
		close(c.done)
	}
}

// UploadDetail is an upload with the file it carried.
type UploadDetail struct {
	domain.Upload
	SHA256  string          `json:"sha256" db:"sha256"`
	Size    int64           `json:"size" db:"size"`
	Dialect json.RawMessage `json:"dialect,omitempty" db:"-"`
	Lang    locale.Lang     `json:"lang,omitempty" db:"lang"`
	// HasFile says whether the file's bytes are kept (uploads made from
	// rows rather than a file have none).
	HasFile bool `json:"has_file" db:"has_file"`
	// Submission, ReviewedBy and ReviewedAt say, for an upload that went
	// through review, which submission it published and who published it.
	Submission *int64     `json:"submission,omitempty" db:"submission_id"`
	ReviewedBy *string    `json:"reviewed_by,omitempty" db:"reviewed_by"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty" db:"reviewed_at"`
}

// UploadDetail returns one upload with its file's hash, size and dialect.
func (s *Store) UploadDetail(ctx context.Context, id int64) (UploadDetail, error) {
	var row struct {
		UploadDetail
		DialectText string `db:"dialect"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT u.id, u.kind, u.agency_code, u.filename, u.created_by, u.created_at, u.rows_new,
		u.rows_changed, u.rows_unchanged, u.rows_missing, u.rows_rejected, u.sha256, u.size, u.dialect, u.lang,
		EXISTS (SELECT 1 FROM upload_files f WHERE f.sha256 = u.sha256) AS has_file,
		s.id AS submission_id, s.reviewed_by, s.reviewed_at
		FROM uploads u LEFT JOIN submissions s ON s.upload_id = u.id WHERE u.id = ?`), id)
	if err != nil {
		return UploadDetail{}, notFound(err, "upload %d not found", id)
	}
	d := row.UploadDetail
	if row.DialectText != "" {
		d.Dialect = json.RawMessage(row.DialectText)
	}
	return d, nil
}

// CopyUploadFile writes the kept bytes of the file with the given hash to
// w, chunk by chunk. ErrNotFound when no such file is kept.
func (s *Store) CopyUploadFile(ctx context.Context, sha string, w io.Writer) error {
	var file struct {
		Chunks   int    `db:"chunks"`
		Encoding string `db:"encoding"`
	}
	if err := s.db.GetContext(ctx, &file, s.db.Rebind(`SELECT chunks, encoding FROM upload_files WHERE sha256 = ?`), sha); err != nil {
		return notFound(err, "file %s not found", sha)
	}
	// One chunk per query: a cursor over all of them would hold a
	// connection (and, on SQLite, a read snapshot) for as long as the
	// client takes to download. A gzip chunk is decompressed straight into
	// w, so that a download holds a small buffer, not a chunk's bytes.
	var buf []byte
	var zr *gzip.Reader
	out := &writeRecorder{w: w}
	copyBuf := make([]byte, 32<<10)
	for seq := 0; seq < file.Chunks; seq++ {
		buf = buf[:0]
		if err := s.db.QueryRowContext(ctx, s.db.Rebind(`SELECT data FROM upload_file_chunks WHERE sha256 = ? AND seq = ?`), sha, seq).Scan(&buf); err != nil {
			return fmt.Errorf("store: file %s chunk %d: %w", sha, seq, err)
		}
		if file.Encoding != fileGzip {
			if _, err := out.Write(buf); err != nil {
				return fmt.Errorf("store: file %s: write: %w", sha, err)
			}
			continue
		}
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(bytes.NewReader(buf))
		} else {
			err = zr.Reset(bytes.NewReader(buf))
		}
		if err == nil {
			_, err = io.CopyBuffer(out, zr, copyBuf)
		}
		if out.err != nil {
			return fmt.Errorf("store: file %s: write: %w", sha, out.err)
		}
		if err != nil {
			return fmt.Errorf("store: file %s: chunk %d is damaged: %w", sha, seq, err)
		}
	}
	return nil
}

// writeRecorder keeps the error of a failed Write, so that a copy's error
// says whose it was: the reader's (a damaged chunk) or the writer's.
type writeRecorder struct {
	w   io.Writer
	err error
}

func (r *writeRecorder) Write(p []byte) (int, error) {
	n, err := r.w.Write(p)
	if err != nil {
		r.err = err
	}
	return n, err
}

// UploadFileSize returns the size of the kept file with this hash;
// ErrNotFound when no such file is kept.
func (s *Store) UploadFileSize(ctx context.Context, sha string) (int64, error) {
	var size int64
	if err := s.db.GetContext(ctx, &size, s.db.Rebind(`SELECT size FROM upload_files WHERE sha256 = ?`), sha); err != nil {
		return 0, notFound(err, "file %s not found", sha)
	}
	return size, nil
}

// UploadFileBytes returns a kept file whole; for tests and small files.
func (s *Store) UploadFileBytes(ctx context.Context, sha string) ([]byte, error) {
	var b bytes.Buffer
	err := s.CopyUploadFile(ctx, sha, &b)
	return b.Bytes(), err
}

// Upload returns one upload by id.
func (s *Store) Upload(ctx context.Context, id int64) (domain.Upload, error) {
	var u domain.Upload
	err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT id, kind, agency_code, filename, created_by, created_at, rows_new, rows_changed,
		rows_unchanged, rows_missing, rows_rejected FROM uploads WHERE id = ?`), id)
	if err != nil {
		return u, notFound(err, "upload %d not found", id)
	}
	return u, nil
}
