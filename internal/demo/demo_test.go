package demo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestCatalogueFile: the demo's catalogue file declares Banyuasin's 21
// kecamatan with the BPS bridge codes (BPS 1607060 is Kemendagri 16.07.01).
func TestCatalogueFile(t *testing.T) {
	if len(demo.Kecamatan) != 21 {
		t.Fatalf("%d kecamatan, want 21", len(demo.Kecamatan))
	}
	if k := demo.Kecamatan[0]; k != [3]string{"16.07.01", "1607060", "Banyuasin I"} {
		t.Errorf("first kecamatan %v", k)
	}
	if k := demo.Kecamatan[20]; k != [3]string{"16.07.21", "1607032", "Selat Penuguan"} {
		t.Errorf("last kecamatan %v", k)
	}
}

// TestLoad loads the demo from its files on both engines: the catalogue,
// the published and illustrative values, the plans; loading again changes
// nothing, and a database prepared by init is refused.
func TestLoad(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.Load(ctx, st); err != nil {
			t.Fatal(err)
		}
		before, err := st.RegionSeries(ctx, demo.RegencyCode)
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, st); err != nil {
			t.Fatalf("second load: %v", err)
		}
		after, _ := st.RegionSeries(ctx, demo.RegencyCode)
		if len(after) != len(before) || fmt.Sprint(after[0].Observations) != fmt.Sprint(before[0].Observations) {
			t.Errorf("loading the demo again changed Banyuasin's series")
		}
		inds, err := st.Indicators(ctx)
		if err != nil || len(inds) != 8 {
			t.Fatalf("%d indicators (%v), want the demo's 8", len(inds), err)
		}
		plans, err := st.Plans(ctx)
		if err != nil || len(plans) != 3 {
			t.Fatalf("plans %+v (%v)", plans, err)
		}
		for _, p := range plans {
			if p.Illustrative != (p.Code == "rpjmd-banyuasin-2025-2029") {
				t.Errorf("plan %s illustrative = %v", p.Code, p.Illustrative)
			}
		}
		kec, err := st.Regions(ctx, store.RegionFilter{Parent: demo.RegencyCode})
		if err != nil || len(kec) != 21 || kec[10].Name != "Rantau Bayur" || kec[10].BPSCode != "1607010" {
			t.Fatalf("kecamatan %+v (%v)", kec, err)
		}
		r, err := st.Region(ctx, "16")
		if err != nil || r.Name != "Provinsi Sumatera Selatan" {
			t.Errorf("province %+v (%v)", r, err)
		}
		series, err := st.RegionSeries(ctx, "16.07.11")
		if err != nil || len(series) == 0 {
			t.Fatalf("Rantau Bayur's illustrative series: %v, %v", series, err)
		}
		if home, err := st.HomeRegion(ctx); err != nil || home != demo.RegencyCode {
			t.Errorf("home region %q, %v", home, err)
		}
		other := testdb.New(t, st.Dialect())
		for _, r := range [][3]string{{"ID", "", "Indonesia"}, {"16", "16", "Sumatera Selatan"}, {"16.06", "1606", "Kabupaten Musi Banyuasin"}} {
			reg, err := domain.NewRegion(r[0], r[1], r[2])
			if err != nil {
				t.Fatal(err)
			}
			if err := other.PutRegions(ctx, reg); err != nil {
				t.Fatal(err)
			}
		}
		if err := other.SetInstance(ctx, "16.06", store.PreparedByInit); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, other); !domainConflict(err) {
			t.Errorf("demo into an init database: %v", err)
		}
	})
}

func domainConflict(err error) bool { return errors.Is(err, domain.ErrConflict) }
