package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// manyRows is a source of n new keys of the seeded indicator (regions
// 16.07.0000…), calling each before emitting row i.
func manyRows(n int, each func(i int) error) store.ObservationSource {
	return func(emit func(domain.Observation) error) (domain.Counts, error) {
		for i := 0; i < n; i++ {
			if err := each(i); err != nil {
				return domain.Counts{}, err
			}
			o := obs(2000+i%10, float64(i))
			o.RegionCode = fmt.Sprintf("16.07.%04d", i/10)
			if err := emit(o); err != nil {
				return domain.Counts{}, err
			}
		}
		return domain.Counts{}, nil
	}
}

// settled waits for the goroutines an import started to end.
func settled(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the import, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestImportStopsCleanly stops imports midway, by a cancelled context and by
// a source error, after enough rows that the current values are being
// loaded ahead and the COPY is under way: nothing is stored, no goroutine
// or connection is left behind, and the next import on the same Store
// works.
func TestImportStopsCleanly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		// Stored values, so that the stopped imports load them ahead (more
		// than one COPY of copyIn carries).
		first := importCounts(t, st, manyRows(70000, func(int) error { return nil }), domain.Counts{New: 70000})
		before := runtime.NumGoroutine()

		cctx, cancel := context.WithCancel(ctx)
		_, err := st.ImportObservations(cctx, domain.Upload{}, manyRows(60000, func(i int) error {
			if i == 30000 {
				cancel()
			}
			return nil
		}), store.ImportOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled import: err = %v, want one matching context.Canceled", err)
		}
		bad := errors.New("disk read failed")
		_, err = st.ImportObservations(ctx, domain.Upload{}, manyRows(60000, func(i int) error {
			if i == 50000 {
				return bad
			}
			return nil
		}), store.ImportOptions{})
		if !errors.Is(err, bad) {
			t.Errorf("failed import: err = %v, want the source's error", err)
		}
		settled(t, before)
		if n := st.DB().Stats().InUse; n != 0 {
			t.Errorf("%d connections still in use", n)
		}
		if v, err := st.DataVersion(ctx); err != nil || v != first.ID {
			t.Errorf("data version %d (%v), want %d: a stopped import left its upload", v, err, first.ID)
		}
		var versions int
		if err := st.DB().Get(&versions, `SELECT count(*) FROM observations`); err != nil || versions != 70000 {
			t.Errorf("%d observations (%v), want 70000", versions, err)
		}
		importCounts(t, st, manyRows(80000, func(int) error { return nil }), domain.Counts{New: 10000, Unchanged: 70000})
	})
}

// TestImportAfterRejectedText: a value PostgreSQL refuses inside the COPY
// (a note that is not UTF-8), after more rows than one COPY carries (the
// rows before it were stored by an earlier COPY of the same import), fails
// the import and stores nothing; the connection goes back to the pool and
// the next import works.
func TestImportAfterRejectedText(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		bad := obs(2023, 1)
		bad.Note = "\xff\xfe"
		src := manyRows(70000, func(int) error { return nil })
		_, err := st.ImportObservations(ctx, domain.Upload{}, func(emit func(domain.Observation) error) (domain.Counts, error) {
			if _, err := src(emit); err != nil {
				return domain.Counts{}, err
			}
			return domain.Counts{}, emit(bad)
		}, store.ImportOptions{})
		if st.Dialect() == store.Postgres {
			if err == nil {
				t.Fatal("a note that is not UTF-8 was stored")
			}
			var n int
			if err := st.DB().Get(&n, `SELECT count(*) FROM observation_versions`); err != nil || n != 0 {
				t.Fatalf("%d versions stored (%v) by a failed import", n, err)
			}
		}
		for range 3 {
			if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2024, 2)), store.ImportOptions{}); err != nil {
				t.Fatalf("import after a refused one: %v", err)
			}
		}
	})
}

// TestWALShrinksAfterLargeImport imports 100,000 rows into a SQLite file:
// once the import is done its -wal file is back under 1 MB (it used to
// stay at the size of the import's transaction, tens of MB, for good).
func TestWALShrinksAfterLargeImport(t *testing.T) {
	path := testdb.URL(t, store.SQLite)
	st := testdb.Open(t, path)
	seed(t, st)
	importCounts(t, st, manyRows(100000, func(int) error { return nil }), domain.Counts{New: 100000})
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("-wal after a 100,000-row import: %d bytes", fi.Size())
	if fi.Size() > 1<<20 {
		t.Errorf("the -wal file is %d MB after a large import; want it checkpointed and truncated", fi.Size()>>20)
	}
}
