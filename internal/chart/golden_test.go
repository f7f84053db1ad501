package chart

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name.golden, or rewrites it with
// -update. The files are outputs, not source: Go's .golden suffix keeps them
// out of what tools read as HTML to lint or compare.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/chart -run Golden -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s changed; if the change is intended, run go test ./internal/chart -run Golden -update and review the diff\ngot:\n%s", name, got)
	}
}

// TestGoldenRendered renders charts from fixed inputs
// to the exact HTML a page embeds: option JSON, stable chart IDs, the data
// table and caption. Any change in what the browser receives shows up as
// a diff to review.
func TestGoldenRendered(t *testing.T) {
	stunting := domain.Indicator{Code: "stunting", NameID: "Prevalensi stunting", NameEN: "Stunting prevalence",
		Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 1}
	povertyObs := obs(poverty, map[int]float64{2021: 10.75, 2022: 10.00, 2023: 9.58, 2024: 9.31, 2025: 8.48}, 0)
	povertyTargets := []domain.Target{target("rpjmd", poverty, 2027, 7.7, 7.7), target("rpjmd", poverty, 2029, 6.5, 6.5),
		target("rpjmn", poverty, 2029, 4.5, 4.5)}
	stuntingObs := obs(stunting, map[int]float64{2021: 22.0, 2022: 24.8, 2023: 20.4}, 2023)
	stuntingTargets := []domain.Target{target("rpjmn", stunting, 2025, 18.8, 18.8), target("rpjmn", stunting, 2029, 14.2, 14.2)}
	for _, tt := range []struct {
		name    string
		lang    locale.Lang
		ind     domain.Indicator
		obs     []domain.Observation
		targets []domain.Target
	}{
		{"series-poverty-id.html", "id", poverty, povertyObs, povertyTargets},
		{"series-poverty-en.html", "en", poverty, povertyObs, povertyTargets},
		{"series-stunting-break-id.html", "id", stunting, stuntingObs, stuntingTargets},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := progress.Analyze(progress.Series{Indicator: tt.ind, RegionCode: "16.07", Observations: tt.obs, Targets: tt.targets, Plans: plans}, progress.Options{})
			if err != nil {
				t.Fatal(err)
			}
			c, err := Series(SeriesInput{ID: ID("golden", tt.ind.Code, string(tt.lang)), Lang: tt.lang, Analysis: a, Indicator: tt.ind,
				Targets: tt.targets, Plans: plans, Caption: "caption"})
			if err != nil {
				t.Fatal(err)
			}
			html, err := Render(c, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, []byte(html))
		})
	}
	t.Run("districts-id.html", func(t *testing.T) {
		pop := func(v float64) *float64 { return &v }
		values := []progress.DistrictValue{
			{Region: "16.07.01", Name: "Banyuasin I", Value: 8.2, Population: pop(60000)},
			{Region: "16.07.02", Name: "Banyuasin II", Value: 12.9, Population: pop(45000)},
			{Region: "16.07.05", Name: "Betung", Value: 6.4, Population: pop(70000)},
			{Region: "16.07.10", Name: "Talang Kelapa", Value: 5.1, Population: pop(150000)},
		}
		d, err := progress.DisparityOf(poverty, 2024, values)
		if err != nil {
			t.Fatal(err)
		}
		regency := 9.31
		tg := target("rpjmd", poverty, 2025, 8.9, 8.9)
		c, err := Districts(DistrictInput{ID: ID("golden", "districts"), Lang: "id", Indicator: poverty, Year: 2024, Disparity: d,
			ParentName: "Kabupaten Banyuasin", ParentValue: &regency, Target: &tg, PlanName: "RPJMD", Caption: "caption"})
		if err != nil {
			t.Fatal(err)
		}
		html, err := Render(c, "id")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "districts-id.html", []byte(html))
	})
}
