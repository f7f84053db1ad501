package store_test

import (
	"context"
	"errors"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// seed stores a small catalogue: Banyuasin, its province and one indicator.
func seed(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	var regions []domain.Region
	for _, r := range [][3]string{{"ID", "", "Indonesia"}, {"16", "16", "Sumatera Selatan"}, {"16.07", "1607", "Kabupaten Banyuasin"}} {
		reg, err := domain.NewRegion(r[0], r[1], r[2])
		if err != nil {
			t.Fatal(err)
		}
		regions = append(regions, reg)
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		t.Fatal(err)
	}
	if err := st.PutIndicator(ctx, domain.Indicator{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", Unit: domain.UnitPercent,
		Polarity: domain.LowerIsBetter, Decimals: 2}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutPlan(ctx, domain.Plan{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: domain.PlanNational,
		RegionCode: "ID", StartYear: 2025, EndYear: 2029}); err != nil {
		t.Fatal(err)
	}
}

func obs(year int, v float64) domain.Observation {
	return domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: "kemiskinan_ekstrem", RegionCode: "16.07", Year: year},
		Value: v, Status: domain.StatusFinal}
}

// rows is an ObservationSource over a fixed slice.
func rows(os ...domain.Observation) store.ObservationSource {
	return func(emit func(domain.Observation) error) (domain.Counts, error) {
		for _, o := range os {
			if err := emit(o); err != nil {
				return domain.Counts{}, err
			}
		}
		return domain.Counts{}, nil
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		inds, err := st.Indicators(context.Background())
		if err != nil || len(inds) != 0 {
			t.Fatalf("fresh database has indicators %v, %v", inds, err)
		}
	})
}

func TestNotFound(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		if _, err := st.Series(context.Background(), "nope", "16.07"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown indicator: %v", err)
		}
	})
}
