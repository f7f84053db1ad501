package importer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"pantau/internal/benchdata"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// benchCSV is the first n rows of the benchmark's data set, every value
// shifted (so each one is a change), as an agency sends them.
func benchCSV(t testing.TB, n int, shift float64) []byte {
	var b bytes.Buffer
	if err := benchdata.WriteCSV(&b, n, shift); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBench(t testing.TB, st *store.Store, file []byte, dryRun bool) (domain.Upload, time.Duration) {
	t.Helper()
	start := time.Now()
	res, err := importer.Import(context.Background(), st, bytes.NewReader(file), importer.Request{DryRun: dryRun,
		Options: ingest.Options{Decimal: ingest.DecimalComma, MaxErrors: 10}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Upload, time.Since(start)
}

// dryRunVersusImport stores stored rows of the data set, then times a dry
// run and the real import of the first rows of it with every value changed,
// and returns both durations.
func dryRunVersusImport(t testing.TB, st *store.Store, stored, rows int) (dry, real time.Duration) {
	if err := benchdata.PutCatalog(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if up, _ := importBench(t, st, benchCSV(t, stored, 0), false); up.New != stored {
		t.Fatalf("seed: %+v", up.Counts)
	}
	file := benchCSV(t, rows, 0.5)
	up, dry := importBench(t, st, file, true)
	if up.Changed != rows {
		t.Fatalf("dry run: %+v", up.Counts)
	}
	up, real = importBench(t, st, file, false)
	if up.Changed != rows {
		t.Fatalf("import: %+v", up.Counts)
	}
	return dry, real
}

// TestDryRunCostsWhatTheImportCosts (issue 21): a dry run reads the stored
// values it compares with one indicator at a time, as the import reads its
// series, so it takes no longer than twice the import of the same file —
// here 16,000 rows against 200,000 stored values on both engines (a few
// seconds); BenchmarkDryRun1M is the case, 64,000 rows against
// 1,000,000.
func TestDryRunCostsWhatTheImportCosts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		dry, real := dryRunVersusImport(t, st, 200_000, 16_000)
		t.Logf("dry run %v, import %v (%.2f×)", dry, real, dry.Seconds()/real.Seconds())
		if dry > 2*real+200*time.Millisecond {
			t.Errorf("dry run %v, more than twice the import's %v", dry, real)
		}
	})
}

// BenchmarkDryRun1M times a 64,000-row dry run and the real import of the
// same file against 1,000,000 stored values, on each engine. Run with:
// go test -run '^$' -bench DryRun1M -benchtime 1x ./internal/importer/
func BenchmarkDryRun1M(b *testing.B) {
	for _, engine := range []string{"postgres", "sqlite"} {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st := testdb.New(b, store.Dialect(engine))
				dry, real := dryRunVersusImport(b, st, benchdata.Rows, 64_000)
				b.ReportMetric(dry.Seconds(), "dry-run-s")
				b.ReportMetric(real.Seconds(), "import-s")
				b.ReportMetric(dry.Seconds()/real.Seconds(), "dry/import")
				b.Logf("%s: dry run %v, import %v (%.2f×)", engine, dry, real, dry.Seconds()/real.Seconds())
			}
		})
	}
}
