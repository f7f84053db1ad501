package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"pantau/internal/benchdata"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// writeBenchCSV writes every row of the data set to a file, as an agency
// would send them.
func writeBenchCSV(b *testing.B, shift float64) string {
	path := filepath.Join(b.TempDir(), fmt.Sprintf("long-%g.csv", shift))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := benchdata.WriteCSV(f, -1, shift); err != nil {
		b.Fatal(err)
	}
	return path
}

func importFile(b *testing.B, st *store.Store, path string) (domain.Upload, time.Duration) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	res, err := importer.Import(context.Background(), st, f, importer.Request{Options: ingest.Options{Decimal: ingest.DecimalComma, MaxErrors: 10}})
	if err != nil {
		b.Fatal(err)
	}
	return res.Upload, time.Since(start)
}

// BenchmarkImport1M imports 1,000,000 long-format rows through Pantau's import
// path (CSV reader, validation, store with history) into each engine, first
// load and a re-import with every value changed, and compares the rate with
// a plain bulk load of the same rows into a table with the same primary key
// in the same run (the faster of one before and one after the imports):
// COPY on PostgreSQL, a prepared INSERT in one transaction on SQLite. Run with: go test -run '^$' -bench Import1M -benchtime 1x ./internal/store/
func BenchmarkImport1M(b *testing.B) {
	first := writeBenchCSV(b, 0)
	changed := writeBenchCSV(b, 0.5)
	for _, engine := range []string{"postgres", "sqlite"} {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st := testdb.New(b, store.Dialect(engine))
				if err := benchdata.PutCatalog(context.Background(), st); err != nil {
					b.Fatal(err)
				}
				// The baseline runs before and after the imports, and the
				// faster of the two counts: a slow moment of a shared
				// machine must not flatter the ratios.
				baseline := plainLoad(b, st, "plain_before")

				up, d1 := importFile(b, st, first)
				if up.New != benchdata.Rows {
					b.Fatalf("first load: %+v", up.Counts)
				}
				up, d2 := importFile(b, st, changed)
				if up.Changed != benchdata.Rows {
					b.Fatalf("re-import: %+v", up.Counts)
				}
				if after := plainLoad(b, st, "plain_after"); after < baseline {
					baseline = after
				}
				var revs int
				st.DB().Get(&revs, `SELECT count(*) FROM observation_revisions`)
				if revs != benchdata.Rows {
					b.Fatalf("%d revisions, want %d", revs, benchdata.Rows)
				}
				base := float64(benchdata.Rows) / baseline.Seconds()
				r1, r2 := float64(benchdata.Rows)/d1.Seconds(), float64(benchdata.Rows)/d2.Seconds()
				runtime.GC()
				b.ReportMetric(base, "baseline-rows/s")
				b.ReportMetric(r1, "first-rows/s")
				b.ReportMetric(r2, "reimport-rows/s")
				b.ReportMetric(r1/base, "first/baseline")
				b.ReportMetric(r2/base, "reimport/baseline")
				b.ReportMetric(benchdata.PeakRSS(), "peak-RSS-MB")
				b.Logf("%s: baseline %.0f rows/s; first load %.0f rows/s (%.2f×); re-import with revisions %.0f rows/s (%.2f×); peak RSS %.0f MB",
					engine, base, r1, r1/base, r2, r2/base, benchdata.PeakRSS())
			}
		})
	}
}

// plainLoad bulk-loads the same rows into a bare table with the same primary
// key: the rate Pantau's import path is measured against.
func plainLoad(b *testing.B, st *store.Store, table string) time.Duration {
	ctx := context.Background()
	db := st.DB()
	// The same key columns as observations, collation included.
	ddl := `CREATE TABLE ` + table + ` (indicator_code TEXT NOT NULL, region_code TEXT NOT NULL, disagg TEXT NOT NULL,
		year INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, PRIMARY KEY (indicator_code, region_code, disagg, year))`
	if st.Dialect() == store.Postgres {
		ddl = strings.ReplaceAll(ddl, "TEXT NOT NULL", `TEXT COLLATE "C" NOT NULL`)
	}
	if _, err := db.ExecContext(ctx, ddl); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	q := `INSERT INTO ` + table + ` (indicator_code, region_code, disagg, year, value) VALUES (?, ?, ?, ?, ?)`
	if st.Dialect() == store.Postgres {
		q = `COPY ` + table + ` (indicator_code, region_code, disagg, year, value) FROM STDIN`
	}
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	if err := benchdata.EachRow(0, func(ind, region string, year int, v float64) error {
		_, err := stmt.ExecContext(ctx, ind, region, "", year, v)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if st.Dialect() == store.Postgres {
		if _, err := stmt.ExecContext(ctx); err != nil {
			b.Fatal(err)
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
