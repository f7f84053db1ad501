package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// file is an UploadFile source over fixed bytes.
func file(content string) store.FileSource {
	return func() (store.UploadFile, error) {
		h := sha256.Sum256([]byte(content))
		return store.UploadFile{SHA256: hex.EncodeToString(h[:]), Size: int64(len(content)), Dialect: []byte(`{"delimiter":";"}`),
			Lang: "en", Content: strings.NewReader(content)}, nil
	}
}

func TestUploadKeepsFileAndLines(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		// Bigger than one chunk, so chunks are joined in order.
		content := "kode_wilayah;kode_indikator;tahun;nilai\n" + strings.Repeat("#", 3<<20/2) + strings.Repeat("%", 3<<20/2)
		a, b := obs(2023, 0.56), obs(2024, 0.49)
		a.Line, b.Line = 2, 3
		up, err := st.ImportObservations(ctx, domain.Upload{Filename: "a.csv"}, rows(a, b), store.ImportOptions{File: file(content)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.UploadDetail(ctx, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		if d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(content)) || !d.HasFile || d.Lang != "en" || string(d.Dialect) != `{"delimiter":";"}` {
			t.Fatalf("detail = %+v", d)
		}
		got, err := st.UploadFileBytes(ctx, d.SHA256)
		if err != nil || !bytes.Equal(got, []byte(content)) {
			t.Fatalf("file comes back with %d bytes, %v", len(got), err)
		}
		// The same bytes again are kept once; a changed value keeps its
		// old line in the revision and takes the new one.
		b.Value, b.Line = 0.5, 7
		up2, err := st.ImportObservations(ctx, domain.Upload{Filename: "b.csv"}, rows(a, b), store.ImportOptions{File: file(content)})
		if err != nil {
			t.Fatal(err)
		}
		var files, revLine int
		st.DB().Get(&files, `SELECT count(*) FROM upload_files`)
		st.DB().Get(&revLine, `SELECT old_source_line FROM observation_revisions`)
		if files != 1 || revLine != 3 {
			t.Errorf("%d files kept (want 1), revision's old line %d (want 3)", files, revLine)
		}
		s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if err != nil {
			t.Fatal(err)
		}
		lines := map[int][2]int64{}
		for _, o := range s.Observations {
			lines[o.Year] = [2]int64{int64(o.Line), o.UploadID}
		}
		if lines[2023] != [2]int64{2, up.ID} || lines[2024] != [2]int64{7, up2.ID} {
			t.Errorf("lines and uploads = %v", lines)
		}
		// A file whose bytes do not match its hash is refused, and the upload with it.
		bad := func() (store.UploadFile, error) {
			f, _ := file("other")()
			f.Content = strings.NewReader("tampered")
			return f, nil
		}
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2025, 0.4)), store.ImportOptions{File: bad}); err == nil {
			t.Error("a file not matching its hash was kept")
		}
		if _, err := st.UploadFileBytes(ctx, "nope"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("unknown file: %v", err)
		}
	})
}

// bigFile is CSV-like text of n bytes, varied enough that it compresses
// about as real uploads do rather than to nothing.
func bigFile(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "16.%02d;ind%03d;%d;%d,%02d\n", i%97, i*7919%1000, 2000+i%30, i*104729%10007, i%100)
	}
	return b.String()[:n]
}

// TestKeptFileIsCompressedInChunks: a file is kept in chunks of 1 MiB of
// its bytes, each a gzip member of its own (so any chunk reads alone), and
// is served back byte for byte; files kept before compression (an empty
// encoding) are still served.
func TestKeptFileIsCompressedInChunks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		db := st.DB()
		content := bigFile(2<<20 + 600_000)
		up, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.56)), store.ImportOptions{File: file(content)})
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.UploadDetail(ctx, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kept struct {
			Chunks   int    `db:"chunks"`
			Encoding string `db:"encoding"`
		}
		if err := db.GetContext(ctx, &kept, db.Rebind(`SELECT chunks, encoding FROM upload_files WHERE sha256 = ?`), d.SHA256); err != nil {
			t.Fatal(err)
		}
		if kept.Chunks != 3 || kept.Encoding != "gzip" {
			t.Errorf("kept as %+v, want 3 gzip chunks", kept)
		}
		var chunks [][]byte
		if err := db.SelectContext(ctx, &chunks, db.Rebind(`SELECT data FROM upload_file_chunks WHERE sha256 = ? ORDER BY seq`), d.SHA256); err != nil {
			t.Fatal(err)
		}
		stored := 0
		for i, c := range chunks {
			stored += len(c)
			zr, err := gzip.NewReader(bytes.NewReader(c))
			if err != nil {
				t.Fatalf("chunk %d: %v", i, err)
			}
			raw, err := io.ReadAll(zr)
			if want := content[min(i<<20, len(content)):min((i+1)<<20, len(content))]; err != nil || string(raw) != want {
				t.Errorf("chunk %d alone: %d bytes, %v; want the file's bytes %d to %d", i, len(raw), err, i<<20, i<<20+len(want))
			}
		}
		if stored > len(content)/2 {
			t.Errorf("%d bytes stored for a file of %d: not compressed", stored, len(content))
		}
		if got, err := st.UploadFileBytes(ctx, d.SHA256); err != nil || string(got) != content {
			t.Errorf("served %d bytes, %v; want the %d bytes kept", len(got), err, len(content))
		}

		// A file kept before compression: chunks as they are.
		old := "kode_wilayah;tahun;nilai\n16.07;2023;0,56\n"
		h := sha256.Sum256([]byte(old))
		sha := hex.EncodeToString(h[:])
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO upload_files (sha256, size, chunks, created_at) VALUES (?, ?, 2, ?)`),
			sha, len(old), time.Now()); err != nil {
			t.Fatal(err)
		}
		for i, part := range []string{old[:10], old[10:]} {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO upload_file_chunks (sha256, seq, data) VALUES (?, ?, ?)`), sha, i, []byte(part)); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := st.UploadFileBytes(ctx, sha); err != nil || string(got) != old {
			t.Errorf("a file kept uncompressed reads %q, %v", got, err)
		}
	})
}

// failingReader gives n bytes of r, then fails.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk gone")
	}
	p = p[:min(len(p), f.n)]
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

// TestKeptFileReadFails: a file that cannot be read to its end while it is
// kept fails the import (chunks already compressed or stored included),
// and nothing of it or the upload stays.
func TestKeptFileReadFails(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		content := bigFile(5 << 20)
		src := func() (store.UploadFile, error) {
			f, err := file(content)()
			f.Content = &failingReader{r: f.Content, n: 3<<20 + 1000}
			return f, err
		}
		_, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.56)), store.ImportOptions{File: src})
		if err == nil || !strings.Contains(err.Error(), "disk gone") {
			t.Fatalf("import with an unreadable file: %v", err)
		}
		var files, chunks, uploads int
		st.DB().Get(&files, `SELECT count(*) FROM upload_files`)
		st.DB().Get(&chunks, `SELECT count(*) FROM upload_file_chunks`)
		st.DB().Get(&uploads, `SELECT count(*) FROM uploads`)
		if files+chunks+uploads != 0 {
			t.Errorf("left behind: %d files, %d chunks, %d uploads", files, chunks, uploads)
		}
	})
}
