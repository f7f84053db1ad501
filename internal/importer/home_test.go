package importer_test

import (
	"context"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
)

// TestNamesInHomeRegion: without a territory in the request, names
// resolve inside the instance's stored home region.
func TestNamesInHomeRegion(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		putTwinNames(t, st)
		if err := st.SetInstance(ctx, "16.06", store.PreparedByInit); err != nil {
			t.Fatal(err)
		}
		file := "nama_wilayah;kode_indikator;tahun;nilai\nSekayu;kemiskinan;2024;9,50\n"
		res, err := importer.Import(ctx, st, strings.NewReader(file), importer.Request{Upload: domain.Upload{Filename: "muba.csv", CreatedBy: "test"}})
		if err != nil || !res.Accepted {
			t.Fatalf("Sekayu in the home region Musi Banyuasin: %v %+v", err, res.Report)
		}
		if v := stored(t, st, "16.06.01", 2024); v != 9.5 {
			t.Errorf("16.06.01 2024 = %v, want 9.5", v)
		}
	})
}
