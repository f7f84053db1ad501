package store_test

import (
	"context"
	"fmt"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// versionsRead is how many rows of observation_versions fn made
// PostgreSQL read (by index or sequentially). The Store is held to one
// connection so that its statistics are this connection's.
func versionsRead(t *testing.T, st *store.Store, fn func() error) int64 {
	t.Helper()
	ctx := context.Background()
	db := st.DB()
	db.SetMaxOpenConns(1)
	defer db.SetMaxOpenConns(0)
	read := func() int64 {
		if _, err := db.ExecContext(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.GetContext(ctx, &n, `SELECT seq_tup_read + COALESCE(idx_tup_fetch, 0)
				+ (SELECT COALESCE(SUM(idx_tup_read), 0) FROM pg_stat_user_indexes i WHERE i.relid = s.relid)
			FROM pg_stat_user_tables s WHERE s.relname = 'observation_versions'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := read()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
	return read() - before
}

// TestIndicatorPageReadsItsRegionsOnly: the indicator page lists the
// regions with data (RegionsWithData) and the values of the regions below
// the one shown (ChildObservations, ChildObservationsAt). On PostgreSQL the
// current values are a view over every version; these reads must look up
// the regions they need, not read every version of the indicator.
func TestIndicatorPageReadsItsRegionsOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		var regencies []domain.Region
		for r := 1; r <= 20; r++ {
			reg, err := domain.NewRegion(fmt.Sprintf("16.%02d", r+20), fmt.Sprintf("16%02d", r+20), "Kabupaten")
			if err != nil {
				t.Fatal(err)
			}
			regencies = append(regencies, reg)
		}
		if err := st.PutRegions(ctx, regencies...); err != nil {
			t.Fatal(err)
		}
		// 20 regencies of province 16 and 3000 places of provinces coded
		// before and after it, 10 years, two versions each.
		src := func(shift float64) store.ObservationSource {
			return func(emit func(domain.Observation) error) (domain.Counts, error) {
				for r := 0; r < 3020; r++ {
					for y := 0; y < 10; y++ {
						o := obs(2010+y, float64(r)+shift)
						o.RegionCode = fmt.Sprintf("%d.%04d", 12+5*(r%2), r)
						if r < 20 {
							o.RegionCode = fmt.Sprintf("16.%02d", r+21)
						}
						if err := emit(o); err != nil {
							return domain.Counts{}, err
						}
					}
				}
				return domain.Counts{}, nil
			}
		}
		first := importCounts(t, st, src(0), domain.Counts{New: 30200})
		importCounts(t, st, src(0.5), domain.Counts{Changed: 30200})
		if st.Dialect() != store.Postgres {
			return
		}
		if _, err := st.DB().ExecContext(ctx, `VACUUM ANALYZE observation_versions`); err != nil {
			t.Fatal(err)
		}
		// Rows read: the province's regions have 400 versions (a version
		// query probes each a few times), the indicator 60400.
		const most = 5000
		for _, c := range []struct {
			name string
			fn   func() (int, error)
		}{
			{"RegionsWithData", func() (int, error) {
				regions, err := st.RegionsWithData(ctx, "kemiskinan_ekstrem")
				return len(regions), err
			}},
			{"ChildObservations", func() (int, error) {
				o, err := st.ChildObservations(ctx, "kemiskinan_ekstrem", "16")
				return len(o), err
			}},
			{"ChildObservationsAt", func() (int, error) {
				o, err := st.ChildObservationsAt(ctx, "kemiskinan_ekstrem", "16", first.ID)
				return len(o), err
			}},
		} {
			var got int
			n := versionsRead(t, st, func() (err error) {
				got, err = c.fn()
				return err
			})
			if got != 200 && !(c.name == "RegionsWithData" && got == 20) {
				t.Errorf("%s: %d rows", c.name, got)
			}
			if n > most {
				t.Errorf("%s read %d versions, want at most %d", c.name, n, most)
			}
		}
	})
}

// TestStoredValuesLoadPerIndicator: the values an import compares with are
// read one indicator at a time, every year at once (issue 21: a query per
// indicator and year made dry runs slow down with the database).
func TestStoredValuesLoadPerIndicator(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		ctx := context.Background()
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.56), obs(2024, 0.49)), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		v := st.StoredValues(ctx)
		key := obs(2023, 0).ObservationKey
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
		if o, ok := v.Get(obs(2024, 0).ObservationKey); !ok || o.Value != 0.49 || o.Status != domain.StatusFinal {
			t.Errorf("2024 = %+v %v", o, ok)
		}
		if v.Queries != 1 || v.Err() != nil {
			t.Errorf("%d loads (want one per indicator), err %v", v.Queries, v.Err())
		}
	})
}
