package store

import (
	"context"
	"path/filepath"
	"testing"

	"pantau/internal/pgtest"
)

// testStore returns a fresh, migrated store of engine, closed when t ends:
// what internal/testdb's New gives every other package's tests, for the
// store's own internal tests, which cannot import it (it imports the store).
func testStore(t testing.TB, engine Dialect) *Store {
	t.Helper()
	url := filepath.Join(t.TempDir(), "pantau.db")
	if engine == Postgres {
		url = pgtest.URL(t)
	}
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
