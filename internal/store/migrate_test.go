package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/migrations"
)

// downToTables takes a database that engines migrated to the latest
// version back to the tables of current values and revisions keyed by
// text: PostgreSQL's migration 5 (before versions), SQLite's 6 (before
// series ids). It returns that version.
func downToTables(t *testing.T, st *store.Store) (*goose.Provider, int64) {
	t.Helper()
	p, version := migrationsOf(t, st), int64(5)
	if st.Dialect() == store.SQLite {
		version = 6
	}
	if _, err := p.DownTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return p, version
}

// migrationsOf is a goose provider over the store's dialect's migrations.
func migrationsOf(t *testing.T, st *store.Store) *goose.Provider {
	t.Helper()
	sub, err := fs.Sub(migrations.FS, string(st.Dialect()))
	if err != nil {
		t.Fatal(err)
	}
	dialect := goose.DialectPostgres
	if st.Dialect() == store.SQLite {
		dialect = goose.DialectSQLite3
	}
	p, err := goose.NewProvider(dialect, st.DB().DB, sub)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMigrateToVersions builds a history in the tables of current values
// and revisions keyed by text (PostgreSQL's migration 5, SQLite's 6) and
// checks that the later migrations (PostgreSQL's versions and series ids,
// SQLite's series ids) keep the same history: the value and time at every
// version, the revision list with its source lines, and the current values;
// and that migrating down gives the tables back.
func TestMigrateToVersions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		db := st.DB()
		p, version := downToTables(t, st)
		seed(t, st)
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, id := range []int64{10, 20, 30, 40} {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO uploads (id, kind, created_at) VALUES (?, 'observations', ?)`),
				id, at.Add(time.Duration(id)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// Key 2021: set at 10, revised at 20 and 40; 2022: set at 10;
		// 2024: set at 20, revised at 30.
		for _, c := range []struct {
			year         int
			value        float64
			upload, line int64
		}{{2021, 3, 40, 4}, {2022, 5, 10, 2}, {2024, 9, 30, 3}} {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observations (indicator_code, region_code, disagg, year, value, status,
				series_break, note, upload_id, updated_at, source_line) VALUES ('kemiskinan_ekstrem', '16.07', '', ?, ?, 'final', ?, '', ?, ?, ?)`),
				c.year, c.value, false, c.upload, at.Add(time.Duration(c.upload)*time.Hour), c.line); err != nil {
				t.Fatal(err)
			}
		}
		for _, r := range []struct {
			year          int
			old           float64
			oldUp, upload int64
			new           float64
			oldLine       int64
		}{{2021, 1, 10, 20, 2, 7}, {2021, 2, 20, 40, 3, 8}, {2024, 8, 20, 30, 9, 9}} {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observation_revisions (indicator_code, region_code, disagg, year,
				old_value, old_status, old_break, old_note, old_upload_id, new_value, new_status, upload_id, changed_at, old_source_line)
				VALUES ('kemiskinan_ekstrem', '16.07', '', ?, ?, 'sementara', ?, 'n', ?, ?, 'final', ?, ?, ?)`),
				r.year, r.old, false, r.oldUp, r.new, r.upload, at.Add(time.Duration(r.upload)*time.Hour), r.oldLine); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		for _, tt := range []struct {
			v    int64
			want string
		}{
			{5, ""},
			{10, "2021=1@10 sementara L7 2022=5@10 final L2"},
			{20, "2021=2@20 sementara L8 2022=5@10 final L2 2024=8@20 sementara L9"},
			{30, "2021=2@20 sementara L8 2022=5@10 final L2 2024=9@30 final L3"},
			{40, "2021=3@40 final L4 2022=5@10 final L2 2024=9@30 final L3"},
		} {
			got, err := st.ObservationsAt(ctx, "kemiskinan_ekstrem", "16.07", tt.v)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, o := range got {
				parts = append(parts, fmt.Sprintf("%d=%g@%d %s L%d", o.Year, o.Value, o.UploadID, o.Status, o.Line))
				if want := at.Add(time.Duration(o.UploadID) * time.Hour); !o.Updated.Equal(want) {
					t.Errorf("v%d: %d updated %v, want %v", tt.v, o.Year, o.Updated, want)
				}
			}
			if s := strings.Join(parts, " "); s != tt.want {
				t.Errorf("after migrating, ObservationsAt(v%d) = %q, want %q", tt.v, s, tt.want)
			}
		}
		revs, err := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 0)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, r := range revs {
			parts = append(parts, fmt.Sprintf("%d:%g(%s)@%d→%g@%d", r.Year, r.OldValue, r.OldStatus, r.OldUploadID, r.NewValue, r.UploadID))
		}
		if s, want := strings.Join(parts, " "), "2021:1(sementara)@10→2@20 2021:2(sementara)@20→3@40 2024:8(sementara)@20→9@30"; s != want {
			t.Errorf("revisions after migrating = %q, want %q", s, want)
		}
		var lines []int
		if err := db.SelectContext(ctx, &lines, `SELECT old_source_line FROM observation_revisions ORDER BY year, upload_id`); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(lines) != "[7 8 9]" {
			t.Errorf("old source lines after migrating: %v", lines)
		}
		s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Observations) != 3 || s.Observations[0].Value != 3 || s.Observations[2].Value != 9 {
			t.Errorf("current values after migrating: %+v", s.Observations)
		}

		// And back: the tables hold the same current values and revisions.
		if _, err := p.DownTo(ctx, version); err != nil {
			t.Fatal(err)
		}
		var current, revised int
		if err := db.GetContext(ctx, &current, `SELECT count(*) FROM observations WHERE value IN (3, 5, 9)`); err != nil {
			t.Fatal(err)
		}
		if err := db.GetContext(ctx, &revised, `SELECT count(*) FROM observation_revisions`); err != nil {
			t.Fatal(err)
		}
		if current != 3 || revised != 3 {
			t.Errorf("after migrating down: %d current values, %d revisions; want 3 and 3", current, revised)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestMigrateOrphanUploadKeepsOrder: a stored value whose upload has no
// row (written by hand) gets one when the values start taking their time
// from their upload (PostgreSQL's migration 6, SQLite's 7). Its id must not
// be handed out again, and later imports must still be newer than it.
func TestMigrateOrphanUploadKeepsOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		db := st.DB()
		downToTables(t, st)
		seed(t, st)
		if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observations (indicator_code, region_code, disagg, year, value, status,
			series_break, note, upload_id, updated_at) VALUES ('kemiskinan_ekstrem', '16.07', '', 2024, 1, 'final', ?, '', 3, ?)`),
			false, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			up, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2024, 1+float64(i))), store.ImportOptions{})
			if err != nil {
				t.Fatalf("import %d after migrating: %v", i, err)
			}
			s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Observations[0]; got.Value != 1+float64(i) || got.UploadID != up.ID {
				t.Fatalf("import %d (upload %d) changed 2024 to %g, but the series holds %g from upload %d", i, up.ID, 1+float64(i), got.Value, got.UploadID)
			}
		}
	})
}

// TestMigrateDownKeepsCompressedFiles: files kept gzip-compressed cannot
// be decompressed by SQL, so going below the migration that introduced
// them is refused while any is kept, and they stay readable; without one
// it goes down and up again.
func TestMigrateDownKeepsCompressedFiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p, below := migrationsOf(t, st), int64(8)
		if st.Dialect() == store.SQLite {
			below = 7
		}
		// No file kept: down and up again.
		if _, err := p.DownTo(ctx, below); err != nil {
			t.Fatalf("down without compressed files: %v", err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		seed(t, st)
		up, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.56)), store.ImportOptions{File: file("kode;tahun\n16.07;2023\n")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.DownTo(ctx, below)
		if err == nil {
			t.Fatal("went down with a compressed file kept")
		}
		want := "upload files are kept gzip-compressed"
		if st.Dialect() == store.SQLite {
			want = "upload_files_are_kept_gzip_compressed"
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal does not say why: %v", err)
		}
		d, _ := st.UploadDetail(ctx, up.ID)
		if got, err := st.UploadFileBytes(ctx, d.SHA256); err != nil || string(got) != "kode;tahun\n16.07;2023\n" {
			t.Errorf("after the refused migration the file reads %q, %v", got, err)
		}
	})
}
