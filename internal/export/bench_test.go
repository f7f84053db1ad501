package export_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"pantau/internal/benchdata"
	"pantau/internal/export"
	"pantau/internal/locale"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

const benchRows = benchdata.Rows

// seedBench stores the catalogue and the million rows. The rows go in with
// a plain bulk load (COPY on PostgreSQL, one prepared INSERT transaction on
// SQLite): this benchmark measures reading them out, not the import path.
func seedBench(b *testing.B, st *store.Store) {
	ctx := context.Background()
	if err := benchdata.PutCatalog(ctx, st); err != nil {
		b.Fatal(err)
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	// Both keep observations by series (a value's time is its upload's):
	// PostgreSQL as versions, loaded with COPY; SQLite as current values,
	// with one prepared INSERT.
	q, seriesQ := `INSERT INTO observation_values (series_id, year, value, status, series_break, note, upload_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO series (id, indicator_code, region_code) VALUES (?, ?, ?)`
	if st.Dialect() == store.Postgres {
		q = `COPY observation_versions (series_id, year, value, status, series_break, note, upload_id) FROM STDIN`
		seriesQ = `COPY series (id, indicator_code, region_code) FROM STDIN`
	}
	// copyEnd ends a COPY (an Exec without arguments); nothing on SQLite.
	copyEnd := func(stmt *sql.Stmt) {
		if st.Dialect() == store.Postgres {
			if _, err := stmt.ExecContext(ctx); err != nil {
				b.Fatal(err)
			}
		}
		stmt.Close()
	}
	type series struct{ ind, region string }
	var ids []series
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	if err := benchdata.EachRow(0, func(ind, region string, year int, v float64) error {
		status := "final"
		if year == benchdata.FirstYear+benchdata.Years-1 {
			status = "sementara"
		}
		if n := len(ids); n == 0 || ids[n-1] != (series{ind, region}) {
			ids = append(ids, series{ind, region})
		}
		_, err := stmt.ExecContext(ctx, len(ids), year, v, status, false, "", 1)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	copyEnd(stmt)
	if stmt, err = tx.PrepareContext(ctx, seriesQ); err != nil {
		b.Fatal(err)
	}
	for i, k := range ids {
		if _, err := stmt.ExecContext(ctx, i+1, k.ind, k.region); err != nil {
			b.Fatal(err)
		}
	}
	copyEnd(stmt)
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if st.Dialect() == store.Postgres {
		st.DB().ExecContext(ctx, `VACUUM ANALYZE observation_versions, series`)
	}
}

// countingWriter counts bytes and discards them, like a client that reads
// as fast as it can.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// heapWatch samples the live heap while an export runs and reports its peak.
func heapWatch() (stop func() uint64) {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}

// exportQuery is the SELECT Pantau's export runs, for the COPY baseline.
const exportQuery = `SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id
	FROM observations ORDER BY indicator_code, region_code, disagg, year`

// copyOut runs COPY (SELECT …) TO STDOUT through psql and reads it all: the
// fastest way PostgreSQL hands the same rows to a client.
func copyOut(b *testing.B, dbURL string) (time.Duration, int64) {
	psql, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql")
	if len(psql) == 0 {
		if p, err := exec.LookPath("psql"); err == nil {
			psql = []string{p}
		} else {
			b.Skip("no psql for the COPY baseline")
		}
	}
	u, _ := url.Parse(dbURL)
	cmd := exec.Command(psql[len(psql)-1], "-X", "-q", "-d", u.String(), "-c", `COPY (`+exportQuery+`) TO STDOUT`)
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, out)
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), n
}

func exportAll(b *testing.B, st *store.Store, f export.Format) (time.Duration, int64, uint64) {
	ctx := context.Background()
	var w countingWriter
	stop := heapWatch()
	start := time.Now()
	e, err := export.Prepare(ctx, st, export.KindObservations, store.Selection{}, export.Options{Format: f, Locale: locale.ID})
	if err != nil {
		b.Fatal(err)
	}
	n, err := e.WriteTo(ctx, &w)
	if err != nil {
		b.Fatal(err)
	}
	d := time.Since(start)
	peak := stop()
	if n != benchRows {
		b.Fatalf("%s: %d rows, want %d", f, n, benchRows)
	}
	return d, w.n.Load(), peak
}

// BenchmarkExport1M exports 1,000,000 observations in every format,
// streaming from a cursor, and compares the rate with PostgreSQL's own
// COPY (SELECT …) TO STDOUT of the same rows in the same run (the goal is
// at least half its rate). It prints the peak live heap sampled during
// each export and the process's peak RSS: both stay flat because no row is
// kept. On SQLite there is no COPY; the rates are printed for reference.
// Run with: go test -run '^$' -bench Export1M -benchtime 1x ./internal/export/
func BenchmarkExport1M(b *testing.B) {
	for _, engine := range []string{"postgres", "sqlite"} {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				dbURL := testdb.URL(b, store.Dialect(engine))
				st := testdb.Open(b, dbURL)
				seedBench(b, st)
				var base float64
				if engine == "postgres" {
					copyOut(b, dbURL) // warm the cache for both
					d, n := copyOut(b, dbURL)
					base = benchRows / d.Seconds()
					b.Logf("postgres COPY (SELECT …) TO STDOUT: %.0f rows/s (%.1f MB)", base, float64(n)/1e6)
					b.ReportMetric(base, "copy-rows/s")
				}
				for _, f := range export.Formats {
					d, n, peak := exportAll(b, st, f)
					rate := benchRows / d.Seconds()
					line := fmt.Sprintf("%s %s: %.0f rows/s (%.1f MB, %.2fs), peak live heap %.1f MB", engine, f, rate, float64(n)/1e6, d.Seconds(), float64(peak)/(1<<20))
					if base > 0 {
						line += fmt.Sprintf(", %.2f× COPY", rate/base)
					}
					b.Log(line)
					if f == export.CSV {
						b.ReportMetric(rate, "csv-rows/s")
						b.ReportMetric(float64(peak)/(1<<20), "csv-peak-heap-MB")
						if base > 0 {
							b.ReportMetric(rate/base, "csv/copy")
						}
					}
					// A million rows held in memory would take hundreds of MB.
					if peak > 64<<20 {
						b.Errorf("%s: peak live heap %.0f MB: the export is not streaming", f, float64(peak)/(1<<20))
					}
				}
				b.ReportMetric(benchdata.PeakRSS(), "peak-RSS-MB")
				b.Logf("%s: process peak RSS %.0f MB", engine, benchdata.PeakRSS())
			}
		})
	}
}
