package importer_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
)

// putTwinNames adds to the demo the rows of the official list where names
// repeat (testdata/ingest/wilayah_nama_kembar.csv: Musi Banyuasin with its
// kecamatan, the villages that share their names, and the places elsewhere
// that do), skipping the regions the demo has already.
func putTwinNames(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	b, err := os.ReadFile("../../testdata/ingest/wilayah_nama_kembar.csv")
	if err != nil {
		t.Fatal(err)
	}
	var regions []domain.Region
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ";")
		if _, err := st.Region(ctx, f[0]); err == nil {
			continue
		} else if !errors.Is(err, domain.ErrNotFound) {
			t.Fatal(err)
		}
		r, err := domain.NewRegion(f[0], "", f[1])
		if err != nil {
			t.Fatal(err)
		}
		regions = append(regions, r)
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		t.Fatal(err)
	}
}

// stored is the stored value of a year of poverty in a region, -1 if none.
func stored(t *testing.T, st *store.Store, region string, year int) float64 {
	t.Helper()
	return storedValue(t, st, "kemiskinan", region, year)
}

// TestNamesInTerritory: an upload naming kecamatan resolves them inside the
// territory it is given (Musi Banyuasin, 16.06), where Sekayu and Lalan are
// kecamatan although a kelurahan of Semarang and a desa of Sijunjung bear
// the same names; without the territory the same file is refused. A name
// that repeats inside the territory (Bayung Lencir, a kecamatan and one of
// its kelurahan) refuses the file, listing both.
func TestNamesInTerritory(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		putTwinNames(t, st)
		file := "nama_wilayah;kode_indikator;tahun;nilai\nSekayu;kemiskinan;2024;9,50\nLalan;kemiskinan;2024;10,50\nKecamatan Bayung Lencir;kemiskinan;2024;11,50\n"
		up := domain.Upload{Filename: "muba.csv", CreatedBy: "test"}

		res, err := importer.Import(ctx, st, strings.NewReader(file), importer.Request{Upload: up})
		if !errors.Is(err, domain.ErrInvalid) || res.Accepted || len(res.Report.Errors) != 2 || res.Report.Errors[0].Code != ingest.CodeAmbiguousRegion ||
			!strings.Contains(res.Report.Errors[0].Reason, "16.06.01 Sekayu (kecamatan), 33.74.01.1007 Sekayu (desa/kelurahan)") {
			t.Fatalf("without a territory: %v %+v", err, res.Report)
		}
		if v := stored(t, st, "16.06.01", 2024); v != -1 {
			t.Fatalf("a refused file stored %v", v)
		}

		res, err = importer.Import(ctx, st, strings.NewReader(file), importer.Request{Upload: up, Options: ingest.Options{Territory: "16.06"}})
		if err != nil || !res.Accepted || res.Upload.New != 3 {
			t.Fatalf("in Musi Banyuasin: %v %+v", err, res.Upload)
		}
		for region, want := range map[string]float64{"16.06.01": 9.5, "16.06.11": 10.5, "16.06.09": 11.5} {
			if v := stored(t, st, region, 2024); v != want {
				t.Errorf("%s 2024 = %v, want %v", region, v, want)
			}
		}

		twin := "nama_wilayah;kode_indikator;tahun;nilai\nBayung Lencir;kemiskinan;2025;9,10\n"
		res, err = importer.Import(ctx, st, strings.NewReader(twin), importer.Request{Upload: up, Options: ingest.Options{Territory: "16.06"}})
		want := `nama wilayah "Bayung Lencir" ambigu: 16.06.09 Bayung Lencir (kecamatan), 16.06.09.1016 Bayung Lencir (desa/kelurahan); tulis kodenya`
		if !errors.Is(err, domain.ErrInvalid) || res.Accepted || len(res.Report.Errors) != 1 || res.Report.Errors[0].Reason != want ||
			!strings.Contains(err.Error(), want) {
			t.Fatalf("Bayung Lencir: %v %+v", err, res.Report)
		}
		for _, region := range []string{"16.06.09", "16.06.09.1016"} {
			if v := stored(t, st, region, 2025); v != -1 {
				t.Errorf("%s 2025 = %v after a refused file", region, v)
			}
		}
	})
}

// TestSubmissionKeepsTerritory: a file sent for review is published read
// as it was checked, in the same territory.
func TestSubmissionKeepsTerritory(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		putTwinNames(t, st)
		res, err := importer.Import(ctx, st, strings.NewReader("nama_wilayah;kode_indikator;tahun;nilai\nSekayu;kemiskinan;2025;9,10\n"), importer.Request{
			Review: true, Options: ingest.Options{Territory: "16.06"}, Upload: domain.Upload{Filename: "sekayu.csv", CreatedBy: "test"}})
		if err != nil || res.Submission == nil {
			t.Fatalf("submit: %v %+v", err, res)
		}
		if _, err := importer.Publish(ctx, st, res.Submission.ID, walidata, "en"); err != nil {
			t.Fatalf("publish: %v", err)
		}
		if v := stored(t, st, "16.06.01", 2025); v != 9.1 {
			t.Errorf("Sekayu 2025 = %v after publishing, want 9.1", v)
		}
	})
}
