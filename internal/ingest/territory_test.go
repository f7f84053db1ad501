package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// twinNames reads wilayah_nama_kembar.csv: rows copied unchanged from the
// official list (shared/data/wilayah/kemendagri_2025.csv, MIT, its licence
// beside the file) where kecamatan and village names repeat, inside Musi
// Banyuasin (Bayung Lencir, Sungai Lilin, Lais: a kecamatan and a kelurahan
// or desa of it) and across Indonesia (Sekayu in Semarang, Lalan in
// Sijunjung, Sungai Lilin in Bungo and in Banyuasin, Lais in Bengkulu Utara
// and Toli-Toli), with their parents.
func twinNames(t *testing.T) *domain.Catalog {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "wilayah_nama_kembar.csv"))
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]domain.Level{"provinsi": domain.LevelProvince, "kabupaten_kota": domain.LevelRegency,
		"kecamatan": domain.LevelDistrict, "desa_kelurahan": domain.LevelVillage}
	var regions []domain.Region
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(line, ";")
		r, err := domain.NewRegion(f[0], "", f[1])
		if err != nil || r.Level != levels[f[2]] || r.ParentCode != f[3] && f[3] != "" {
			t.Fatalf("%s: %+v %v", line, r, err)
		}
		regions = append(regions, r)
	}
	regions = append(regions, domain.Region{Code: domain.NationalCode, Name: "Indonesia", Level: domain.LevelNational})
	var inds []domain.Indicator
	for _, ind := range testCatalog(t).Indicators {
		inds = append(inds, ind)
	}
	return domain.NewCatalog(inds, regions, nil, nil, nil)
}

// TestNamesInTerritory: a region name is resolved inside the instance's
// territory first; a name still ambiguous there is refused, every candidate
// listed with its code and level; nothing is preferred silently.
func TestNamesInTerritory(t *testing.T) {
	cat := twinNames(t)
	for _, tt := range []struct {
		territory, name, lang string
		want                  string // the region resolved, or
		refused               string // the row's message
	}{
		{territory: "16.06", name: "Bayung Lencir",
			refused: `nama wilayah "Bayung Lencir" ambigu: 16.06.09 Bayung Lencir (kecamatan), 16.06.09.1016 Bayung Lencir (desa/kelurahan); tulis kodenya`},
		{territory: "16.06", name: "Bayung Lencir", lang: "en",
			refused: `region name "Bayung Lencir" is ambiguous: 16.06.09 Bayung Lencir (district), 16.06.09.1016 Bayung Lencir (village); write the code instead`},
		{territory: "16.06", name: "Kecamatan Bayung Lencir", want: "16.06.09"},
		{territory: "16.06", name: "Kel. Bayung Lencir", want: "16.06.09.1016"},
		{territory: "16.06", name: "Bayung Lencir Indah", want: "16.06.09.1065"},
		{territory: "16.06", name: "Sekayu", want: "16.06.01"},
		{territory: "", name: "Sekayu",
			refused: `nama wilayah "Sekayu" ambigu: 16.06.01 Sekayu (kecamatan), 33.74.01.1007 Sekayu (desa/kelurahan); tulis kodenya`},
		{territory: "ID", name: "Sekayu",
			refused: `nama wilayah "Sekayu" ambigu: 16.06.01 Sekayu (kecamatan), 33.74.01.1007 Sekayu (desa/kelurahan); tulis kodenya`},
		{territory: "16.06", name: "Lalan", want: "16.06.11"},
		{territory: "", name: "Lalan",
			refused: `nama wilayah "Lalan" ambigu: 13.03.07.2002 Lalan (desa/kelurahan), 16.06.11 Lalan (kecamatan); tulis kodenya`},
		{territory: "16.06", name: "Sungai Lilin",
			refused: `nama wilayah "Sungai Lilin" ambigu: 16.06.07 Sungai Lilin (kecamatan), 16.06.07.1020 Sungai Lilin (desa/kelurahan); tulis kodenya`},
		{territory: "", name: "Sungai Lilin",
			refused: `nama wilayah "Sungai Lilin" ambigu: 15.08.17.2010 Sungai Lilin (desa/kelurahan), 16.06.07 Sungai Lilin (kecamatan), ` +
				`16.06.07.1020 Sungai Lilin (desa/kelurahan), 16.07.11.2020 Sungai Lilin (desa/kelurahan); tulis kodenya`},
		{territory: "16.07", name: "Sungai Lilin", want: "16.07.11.2020"},
		{territory: "16", name: "Desa Sungai Lilin",
			refused: `nama wilayah "Desa Sungai Lilin" ambigu: 16.06.07.1020 Sungai Lilin (desa/kelurahan), 16.07.11.2020 Sungai Lilin (desa/kelurahan); tulis kodenya`},
		{territory: "16.06", name: "Kec. Lais", want: "16.06.02"},
		{territory: "", name: "Kec. Lais",
			refused: `nama wilayah "Kec. Lais" ambigu: 16.06.02 Lais (kecamatan), 17.03.10 Lais (kecamatan); tulis kodenya`},
		// Outside the territory a name is still found when nothing inside
		// bears it: a regency's file names its province, or a neighbour.
		{territory: "16.06", name: "Sumatera Selatan", want: "16"},
		{territory: "16.06", name: "Rantau Bayur", want: "16.07.11"},
	} {
		t.Run(tt.territory+" "+tt.name+" "+tt.lang, func(t *testing.T) {
			file := "nama_wilayah;kode_indikator;tahun;nilai\n" + tt.name + ";kemiskinan;2024;9,5\n"
			var got []string
			rep, err := ReadObservations(strings.NewReader(file), cat, Options{Territory: tt.territory, Lang: locale.Lang(tt.lang)}, func(o domain.Observation) error {
				got = append(got, o.RegionCode)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" {
				if len(got) != 1 || got[0] != tt.want || rep.Err() != nil {
					t.Errorf("resolved %v, want %s (%v)", got, tt.want, rep.Errors)
				}
				return
			}
			if len(got) != 0 || rep.Err() == nil || len(rep.Errors) != 1 {
				t.Fatalf("emitted %v, errors %v; want the row refused", got, rep.Errors)
			}
			if e := rep.Errors[0]; e.Code != CodeAmbiguousRegion || e.Line != 2 || e.Field != 1 || e.Value != tt.name || e.Reason != tt.refused {
				t.Errorf("problem %+v;\nwant reason %s", e, tt.refused)
			}
		})
	}
}

// TestRegionOptionInTerritory: the region named for a whole file is
// resolved the same way, and refused with the same list when ambiguous.
func TestRegionOptionInTerritory(t *testing.T) {
	cat := twinNames(t)
	file := "kode_indikator;tahun;nilai\nkemiskinan;2024;9,5\n"
	var got []string
	_, err := ReadObservations(strings.NewReader(file), cat, Options{Territory: "16.06", Region: "Sekayu"}, func(o domain.Observation) error {
		got = append(got, o.RegionCode)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "16.06.01" {
		t.Errorf("Sekayu in Musi Banyuasin: %v %v, want 16.06.01", got, err)
	}
	_, err = ReadObservations(strings.NewReader(file), cat, Options{Territory: "16.06", Region: "Bayung Lencir", Lang: "en"}, func(domain.Observation) error {
		t.Error("emitted a value for an ambiguous region")
		return nil
	})
	want := `region name "Bayung Lencir" is ambiguous: 16.06.09 Bayung Lencir (district), 16.06.09.1016 Bayung Lencir (village); write the code instead`
	if !errors.Is(err, domain.ErrInvalid) || err.Error() != want {
		t.Errorf("err = %v, want ErrInvalid %q", err, want)
	}
}

// TestUnknownTerritory: a territory the catalogue lacks stops the reading
// instead of matching names nationwide.
func TestUnknownTerritory(t *testing.T) {
	_, err := ReadObservations(strings.NewReader("kode_wilayah;kode_indikator;tahun;nilai\n16.06;kemiskinan;2024;9,5\n"), twinNames(t),
		Options{Territory: "16.99"}, func(domain.Observation) error { return nil })
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), `"16.99"`) {
		t.Errorf("err = %v, want ErrInvalid naming 16.99", err)
	}
}
