package importer_test

import (
	"context"
	"testing"

	"pantau/internal/demo"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// The set-up the package's tests share.

func TestMain(m *testing.M) { testdb.Main(m) }

// demoStores runs fn on the demo, once on SQLite and once on PostgreSQL.
func demoStores(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		if err := demo.Load(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		fn(t, st)
	})
}

// storedValue is the stored (public) value of a year of an indicator in a
// region, without disaggregation; -1 if none.
func storedValue(t *testing.T, st *store.Store, indicator, region string, year int) float64 {
	t.Helper()
	s, err := st.Series(context.Background(), indicator, region)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range s.Observations {
		if o.Year == year && o.Disagg == "" {
			return o.Value
		}
	}
	return -1
}
