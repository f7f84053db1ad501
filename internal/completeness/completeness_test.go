package completeness

import (
	"testing"

	"pantau/internal/domain"
)

func TestBuild(t *testing.T) {
	reg := domain.Region{Code: "16.07", Name: "Kabupaten Banyuasin", Level: domain.LevelRegency}
	d1 := domain.Region{Code: "16.07.01", Name: "Banyuasin I", Level: domain.LevelDistrict, ParentCode: "16.07"}
	d2 := domain.Region{Code: "16.07.02", Name: "Banyuasin II", Level: domain.LevelDistrict, ParentCode: "16.07"}
	inds := []domain.Indicator{
		{Code: "ipm", NameID: "IPM", AgencyCode: "bps"},
		{Code: "kemiskinan", NameID: "Kemiskinan", AgencyCode: "bps"},
		{Code: "stunting", NameID: "Stunting", AgencyCode: "dinkes"},
		{Code: "gini", NameID: "Gini", AgencyCode: "bps"},
	}
	m := Build(Input{Root: reg, Children: []domain.Region{d1, d2}, Indicators: inds,
		Agencies: []domain.Agency{{Code: "bps", Name: "BPS"}, {Code: "dinkes", Name: "Dinkes"}},
		Values: []Value{
			{"ipm", "16.07", 2020, domain.StatusFinal}, {"ipm", "16.07", 2022, domain.StatusFinal},
			{"kemiskinan", "16.07", 2023, domain.StatusFinal}, {"kemiskinan", "16.07", 2024, domain.StatusPreliminary},
			{"kemiskinan", "16.07.01", 2024, domain.StatusRevised},
		},
		Targeted: [][2]string{{"stunting", "16.07"}},
		From:     2022, To: 2025, CurrentYear: 2026})
	got := map[string]string{}
	for _, r := range m.Rows {
		s := ""
		for _, c := range r.Cells {
			s += map[State]string{Present: "P", Preliminary: "S", Missing: "M", Overdue: "O"}[c.State]
		}
		got[r.Region+" "+r.Indicator] = s
	}
	want := map[string]string{
		// 2022 2023 2024 2025 (P present, S sementara, M missing, O overdue): a value before the range still makes IPM expected.
		"16.07 ipm":           "POOM",
		"16.07 kemiskinan":    "OPSM",
		"16.07 stunting":      "OOOM", // a target makes it expected
		"16.07.01 kemiskinan": "OOPM",
		"16.07.02 kemiskinan": "OOOM", // a district at the same level has it
	}
	if len(got) != len(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if m.Counts.Cells != 20 || m.Counts.Present != 3 || m.Counts.Preliminary != 1 || m.Counts.Percent != 20 {
		t.Errorf("counts = %+v", m.Counts)
	}
	if len(m.Agencies) != 2 || m.Agencies[1].Code != "dinkes" || m.Agencies[1].Counts.Percent != 0 {
		t.Errorf("agencies = %+v", m.Agencies)
	}
}

// TestBuildRowsFromSeries: the caller reads only the years shown, so a
// region whose values all lie outside them is expected by its series, and
// makes the indicator expected at its level.
func TestBuildRowsFromSeries(t *testing.T) {
	reg := domain.Region{Code: "16.07", Name: "Kabupaten Banyuasin", Level: domain.LevelRegency}
	d1 := domain.Region{Code: "16.07.01", Name: "Banyuasin I", Level: domain.LevelDistrict, ParentCode: "16.07"}
	d2 := domain.Region{Code: "16.07.02", Name: "Banyuasin II", Level: domain.LevelDistrict, ParentCode: "16.07"}
	m := Build(Input{Root: reg, Children: []domain.Region{d1, d2}, Indicators: []domain.Indicator{{Code: "ipm"}, {Code: "tpt"}},
		Series: [][2]string{{"ipm", "16.07.01"}, {"tpt", "16.07"}},
		Values: []Value{{"tpt", "16.07", 2023, domain.StatusFinal}},
		From:   2022, To: 2023, CurrentYear: 2026})
	got := map[string]int{}
	for _, r := range m.Rows {
		got[r.Region+" "+r.Indicator] = r.Counts.Present
	}
	want := map[string]int{"16.07 tpt": 1, "16.07.01 ipm": 0, "16.07.02 ipm": 0}
	if len(got) != len(want) {
		t.Errorf("rows %v, want %v", got, want)
	}
	for k, w := range want {
		if n, ok := got[k]; !ok || n != w {
			t.Errorf("%s: present %d (row %v), want %d", k, n, ok, w)
		}
	}
}
