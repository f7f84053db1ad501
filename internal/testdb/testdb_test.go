package testdb_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestEachGivesMigratedStoresOfBothEngines: Each runs on SQLite, then
// PostgreSQL, each store migrated (a catalogue write goes through) and fresh
// (nothing from the other run), and a SQLite store lives in a real file.
func TestEachGivesMigratedStoresOfBothEngines(t *testing.T) {
	var ran []store.Dialect
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ran = append(ran, st.Dialect())
		if t.Name() != "TestEachGivesMigratedStoresOfBothEngines/"+string(st.Dialect()) {
			t.Errorf("subtest %s runs on %s", t.Name(), st.Dialect())
		}
		ctx := context.Background()
		if got, err := st.Agencies(ctx); err != nil || len(got) != 0 {
			t.Fatalf("fresh store has agencies %v, %v; want none", got, err)
		}
		if err := st.PutAgency(ctx, domain.Agency{Code: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
			t.Fatal(err)
		}
	})
	// Without PostgreSQL its subtest is skipped (failed when required).
	if want := testdb.Engines[:len(ran)]; len(ran) == 0 || fmt.Sprint(ran) != fmt.Sprint(want) {
		t.Errorf("Each ran on %v, want [sqlite postgres]", ran)
	}
	url := testdb.URL(t, store.SQLite)
	testdb.Open(t, url)
	if _, err := os.Stat(url); err != nil {
		t.Errorf("SQLite store at %s: %v", url, err)
	}
}
