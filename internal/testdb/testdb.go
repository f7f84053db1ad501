// Package testdb gives tests a migrated store on a real database of either
// engine: a new SQLite file, or a new database on a throwaway PostgreSQL
// (internal/pgtest starts it). Every package whose tests need a database uses
// it, so that the set-up is written once and both engines are always tested
// alike.
//
// Without PostgreSQL (no server binaries, no PANTAU_TEST_DATABASE_URL) the
// PostgreSQL cases are skipped with a message; PANTAU_REQUIRE_POSTGRES=1 makes
// that a failure, as CI sets it. Packages using it call Main from TestMain
// (or Stop, when TestMain does more) so the cluster ends with the tests.
//
// The store's own internal tests cannot import this package (it imports the
// store): their one helper, testStore in internal/store, does what New does
// with pgtest directly, as do tests that stop or replicate a cluster of
// their own (pgtest.NewCluster, pgtest.NewReplica).
package testdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"pantau/internal/pgtest"
	"pantau/internal/store"
)

// Engines are the engines Each runs a test on, in order.
var Engines = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn once per engine, as subtests named "sqlite" and "postgres",
// each with a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, New(t, engine))
		})
	}
}

// SQLite returns a fresh, migrated store on a new SQLite file, closed when t
// ends.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return New(t, store.SQLite)
}

// Postgres returns a fresh, migrated store on a new PostgreSQL database,
// closed and dropped when t ends (skipped or failed without PostgreSQL, see
// the package comment).
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return New(t, store.Postgres)
}

// New returns a fresh, migrated store of the engine, closed when t ends.
func New(t testing.TB, engine store.Dialect) *store.Store {
	t.Helper()
	return Open(t, URL(t, engine))
}

// URL returns the URL of a new, empty database of the engine, removed when t
// ends: a file in a temporary directory of t's, or a PostgreSQL database. For
// tests that hand the URL to something else (pantau's run, a second Open).
func URL(t testing.TB, engine store.Dialect) string {
	t.Helper()
	switch engine {
	case store.SQLite:
		return filepath.Join(t.TempDir(), "pantau.db")
	case store.Postgres:
		return pgtest.URL(t)
	}
	t.Fatalf("testdb: unknown engine %q", engine)
	return ""
}

// Open opens the database at url and migrates it; the store is closed when t
// ends.
func Open(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// Main runs the package's tests, stops the PostgreSQL cluster they started
// and exits: TestMain of a package that needs nothing else.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the shared PostgreSQL cluster, if one was started; for a
// TestMain that does more than Main.
func Stop() { pgtest.Stop() }
