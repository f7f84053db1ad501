package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"pantau/internal/indicator"
	"pantau/internal/store"
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
	engines(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		// Bigger than one chunk, so chunks are joined in order.
		content := "kode_wilayah;kode_indikator;tahun;nilai\n" + strings.Repeat("#", 3<<20/2) + strings.Repeat("%", 3<<20/2)
		a, b := obs(2023, 0.56), obs(2024, 0.49)
		a.Line, b.Line = 2, 3
		up, err := st.ImportObservations(ctx, indicator.Upload{Filename: "a.csv"}, rows(a, b), store.ImportOptions{File: file(content)})
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
		up2, err := st.ImportObservations(ctx, indicator.Upload{Filename: "b.csv"}, rows(a, b), store.ImportOptions{File: file(content)})
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
		if _, err := st.ImportObservations(ctx, indicator.Upload{}, rows(obs(2025, 0.4)), store.ImportOptions{File: bad}); err == nil {
			t.Error("a file not matching its hash was kept")
		}
		if _, err := st.UploadFileBytes(ctx, "nope"); !errors.Is(err, indicator.ErrNotFound) {
			t.Errorf("unknown file: %v", err)
		}
	})
}

func TestStoredValuesLoadPerIndicatorYear(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		if _, err := st.ImportObservations(ctx, indicator.Upload{}, rows(obs(2023, 0.56), obs(2024, 0.49)), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		v := st.StoredValues(ctx)
		key := obs(2023, 0).SeriesKey
		for i := 0; i < 3; i++ {
			if got, ok := v.Value(key); !ok || got != 0.56 {
				t.Fatalf("2023 = %v %v", got, ok)
			}
		}
		other := key
		other.RegionCode = "16"
		if _, ok := v.Value(other); ok {
			t.Error("a region without a value has one")
		}
		key.Year = 2022
		if _, ok := v.Value(key); ok {
			t.Error("2022 has a value")
		}
		if v.Queries != 2 || v.Err() != nil {
			t.Errorf("%d queries (want one per indicator-year), err %v", v.Queries, v.Err())
		}
	})
}

func TestTokens(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, _, err := st.CreateToken(ctx, "nope", ""); !errors.Is(err, indicator.ErrNotFound) {
			t.Fatalf("token for an unknown agency: %v", err)
		}
		if err := st.PutAgency(ctx, indicator.Agency{Code: "bps-banyuasin", Name: "BPS Kabupaten Banyuasin"}); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := st.CreateToken(ctx, "bps-banyuasin", "ops")
		if err != nil {
			t.Fatal(err)
		}
		var stored string
		st.DB().Get(&stored, `SELECT hash FROM tokens`)
		if stored == "" || strings.Contains(stored, secret) || strings.Contains(secret, stored) {
			t.Errorf("the table keeps %q for secret %q", stored, secret)
		}
		got, err := st.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || got.AgencyCode != "bps-banyuasin" || got.LastUsedAt == nil {
			t.Fatalf("authenticate = %+v, %v", got, err)
		}
		list, _ := st.Tokens(ctx, "bps-banyuasin")
		if len(list) != 1 || list[0].LastUsedAt == nil {
			t.Errorf("tokens = %+v", list)
		}
		for _, bad := range []string{"", "pantau_", secret + "x", strings.TrimPrefix(secret, "pantau_"), stored} {
			if _, err := st.Authenticate(ctx, bad); !errors.Is(err, indicator.ErrUnauthorized) {
				t.Errorf("token %q: %v, want unauthorized", bad, err)
			}
		}
	})
}
