package completeness

import (
	"testing"

	"pantau/internal/domain"
)

// banyuasin is a regency with two districts, four indicators of two
// agencies and values in and before the years 2022–2025.
func banyuasin() Input {
	reg := domain.Region{Code: "16.07", Name: "Kabupaten Banyuasin", Level: domain.LevelRegency}
	d1 := domain.Region{Code: "16.07.01", Name: "Banyuasin I", Level: domain.LevelDistrict, ParentCode: "16.07"}
	d2 := domain.Region{Code: "16.07.02", Name: "Banyuasin II", Level: domain.LevelDistrict, ParentCode: "16.07"}
	inds := []domain.Indicator{
		{Code: "ipm", NameID: "IPM", AgencyCode: "bps"},
		{Code: "kemiskinan", NameID: "Kemiskinan", AgencyCode: "bps"},
		{Code: "stunting", NameID: "Stunting", AgencyCode: "dinkes"},
		{Code: "gini", NameID: "Gini", AgencyCode: "bps"},
	}
	return Input{Root: reg, Children: []domain.Region{d1, d2}, Indicators: inds,
		Agencies: []domain.Agency{{Code: "bps", Name: "BPS"}, {Code: "dinkes", Name: "Dinkes"}},
		Values: []Value{
			{"ipm", "16.07", 2020, domain.StatusFinal}, {"ipm", "16.07", 2022, domain.StatusFinal},
			{"kemiskinan", "16.07", 2023, domain.StatusFinal}, {"kemiskinan", "16.07", 2024, domain.StatusPreliminary},
			{"kemiskinan", "16.07.01", 2024, domain.StatusRevised},
		},
		Targeted: [][2]string{{"stunting", "16.07"}},
		From:     2022, To: 2025, CurrentYear: 2026}
}

func TestBuild(t *testing.T) {
	m := Build(banyuasin())
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

// TestLayoutPages: pages of rows, each continuing after the last, give
// every row of the whole matrix once, in order, with the same counts; the
// counts and summaries (from tallies) are those of the cells.
func TestLayoutPages(t *testing.T) {
	in := banyuasin()
	whole := Build(in)
	for _, r := range whole.Rows {
		var c Counts
		for _, cell := range r.Cells {
			c.merge(map[State]Counts{Present: {Present: 1}, Preliminary: {Preliminary: 1}, Missing: {Missing: 1}, Overdue: {Overdue: 1}}[cell.State])
			c.Cells++
		}
		if c.finish(); c != r.Counts {
			t.Errorf("%s %s: counts %+v, cells say %+v", r.Region, r.Indicator, r.Counts, c)
		}
	}
	in.Tallies = Tallies(in.Values, in.From, in.To, in.CurrentYear)
	for limit := 1; limit <= len(whole.Rows)+1; limit++ {
		var rows []Row
		in.Page = Page{Limit: limit}
		for pages := 0; ; pages++ {
			m := Layout(in)
			m.Fill(in.Values)
			if m.Counts != whole.Counts || len(m.Agencies) != len(whole.Agencies) || m.Agencies[0] != whole.Agencies[0] || m.TotalRows != len(whole.Rows) {
				t.Fatalf("limit %d: page %d's counts %+v %+v, whole %+v %+v", limit, pages, m.Counts, m.Agencies, whole.Counts, whole.Agencies)
			}
			rows = append(rows, m.Rows...)
			if m.Next == nil || pages > len(whole.Rows) {
				break
			}
			in.Page.After = m.Next
		}
		if len(rows) != len(whole.Rows) {
			t.Fatalf("limit %d: %d rows, want %d", limit, len(rows), len(whole.Rows))
		}
		for i, r := range rows {
			if w := whole.Rows[i]; r.Region != w.Region || r.Indicator != w.Indicator || r.Counts != w.Counts || len(r.Cells) != len(w.Cells) {
				t.Errorf("limit %d: row %d = %+v, want %+v", limit, i, r, w)
			}
		}
	}
	// An offset past the end is the last page.
	in.Page = Page{Offset: 99, Limit: 2}
	if m := Layout(in); m.Offset != 4 || len(m.Rows) != 1 || m.Next != nil {
		t.Errorf("offset 99: from %d, %d rows, next %v", m.Offset, len(m.Rows), m.Next)
	}
}
