package benchdata_test

import (
	"context"
	"testing"

	"pantau/internal/benchdata"
	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestLoadNationalSmall loads the national data set's shape for one regency
// on both engines and checks what the benchmark relies on: every kecamatan
// with 50 indicators × 15 years, every village with 5 × 5, the home region.
func TestLoadNationalSmall(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n, err := benchdata.LoadNational(ctx, st, "16.07")
		if err != nil {
			t.Fatal(err)
		}
		if n.Districts != 21 || n.Villages < 280 || n.Regions != 3+n.Districts+n.Villages {
			t.Fatalf("shape: %+v", n)
		}
		want := int64(n.Districts*benchdata.NationalIndicators*benchdata.DistrictYears + n.Villages*benchdata.VillageIndicators*benchdata.VillageYears)
		if n.Values != want {
			t.Fatalf("%d values generated, want %d", n.Values, want)
		}
		if home, err := st.HomeRegion(ctx); err != nil || home != "16.07" {
			t.Errorf("home %q %v", home, err)
		}
		for _, tt := range []struct {
			ind, region string
			years       int
		}{{"kemiskinan", "16.07.09", 15}, {"ind49", "16.07.09", 15}, {"tpt", "16.07.09.2002", 5}, {"gini", "16.07.09.2002", 0}, {"kemiskinan", "16.07", 0}} {
			sr, err := st.Series(ctx, tt.ind, tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if len(sr.Observations) != tt.years {
				t.Errorf("%s in %s: %d values, want %d", tt.ind, tt.region, len(sr.Observations), tt.years)
			}
		}
		r, err := st.Region(ctx, "16.07.09.2002")
		if err != nil || r.Level != domain.LevelVillage {
			t.Errorf("village %+v %v", r, err)
		}
	})
}
