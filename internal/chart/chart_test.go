package chart

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/progress"
)

var poverty = domain.Indicator{Code: "kemiskinan", NameID: "Tingkat kemiskinan", NameEN: "Poverty rate",
	Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2}

func obs(ind domain.Indicator, vals map[int]float64, breakYear int) []domain.Observation {
	var out []domain.Observation
	for y, v := range vals {
		out = append(out, domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: ind.Code, RegionCode: "16.07", Year: y},
			Value: v, Status: domain.StatusFinal, Break: y == breakYear})
	}
	return out
}

func target(plan string, ind domain.Indicator, year int, lo, hi float64) domain.Target {
	return domain.Target{PlanCode: plan, ObservationKey: domain.ObservationKey{IndicatorCode: ind.Code, RegionCode: "16.07", Year: year}, Low: lo, High: hi}
}

var plans = []domain.Plan{
	{Code: "rpjmn", Name: "RPJMN 2025–2029", Level: domain.PlanNational, StartYear: 2025, EndYear: 2029},
	{Code: "rpjmd", Name: "RPJMD Kab. Banyuasin 2025–2029 (data contoh)", Level: domain.PlanRegency, StartYear: 2025, EndYear: 2029, Illustrative: true},
}

// seriesChart analyses observations and builds the series chart through
// JSON, as the browser sees it.
func seriesChart(t *testing.T, ind domain.Indicator, o []domain.Observation, targets []domain.Target) map[string]any {
	return seriesChartCaption(t, ind, o, targets, "caption")
}

func seriesChartCaption(t *testing.T, ind domain.Indicator, o []domain.Observation, targets []domain.Target, caption string) map[string]any {
	t.Helper()
	a, err := progress.Analyze(progress.Series{Indicator: ind, RegionCode: "16.07", Observations: o, Targets: targets, Plans: plans}, progress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Series(SeriesInput{ID: ID("t", ind.Code), Lang: "id", Analysis: a, Indicator: ind, Targets: targets, Plans: plans, Caption: caption})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func yAxis(t *testing.T, opt map[string]any) (min, max float64) {
	t.Helper()
	ax := opt["yAxis"].([]any)[0].(map[string]any)
	return ax["min"].(float64), ax["max"].(float64)
}

func seriesNamed(opt map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, s := range opt["series"].([]any) {
		if m := s.(map[string]any); m["name"] == name {
			out = append(out, m)
		}
	}
	return out
}

func TestSeriesYAxisIncludesTargets(t *testing.T) {
	for _, tt := range []struct {
		name    string
		obs     map[int]float64
		targets []domain.Target
	}{
		{"target far below", map[int]float64{2021: 10.75, 2022: 10, 2023: 9.58, 2024: 9.31}, []domain.Target{target("rpjmn", poverty, 2029, 4.5, 4.5)}},
		{"zero target", map[int]float64{2023: 0.56, 2024: 0.49}, []domain.Target{target("rpjmn", poverty, 2026, 0, 0)}},
		{"range above", map[int]float64{2023: 3.35, 2024: 3.24}, []domain.Target{target("rpjmd", poverty, 2025, 9.37, 10.37)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := seriesChart(t, poverty, obs(poverty, tt.obs, 0), tt.targets)
			min, max := yAxis(t, opt)
			for _, tg := range tt.targets {
				if tg.Low < min || tg.High > max {
					t.Errorf("target %g–%g outside the y-axis %g–%g", tg.Low, tg.High, min, max)
				}
			}
			for _, v := range tt.obs {
				if v < min || v > max {
					t.Errorf("value %g outside the y-axis %g–%g", v, min, max)
				}
			}
			if min < 0 {
				t.Errorf("a percentage axis starts at %g", min)
			}
		})
	}
}

func TestSeriesBreakMarkedAndNotJoined(t *testing.T) {
	stunting := domain.Indicator{Code: "stunting", NameID: "Stunting", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 1}
	opt := seriesChart(t, stunting, obs(stunting, map[int]float64{2021: 22, 2022: 24.8, 2023: 20.4}, 2023), nil)
	observed := seriesNamed(opt, "Realisasi")
	if len(observed) != 2 {
		t.Fatalf("observed split into %d lines, want 2 (one each side of the break)", len(observed))
	}
	ml, ok := observed[1]["markLine"].(map[string]any)
	if !ok {
		t.Fatalf("the line after the break has no markLine: %v", observed[1])
	}
	item := ml["data"].([]any)[0].(map[string]any)
	if item["xAxis"] != "2023" || !strings.Contains(item["name"].(string), "Putus seri") {
		t.Errorf("break mark = %v", item)
	}
}

func TestSeriesProjectionDashedWithBand(t *testing.T) {
	opt := seriesChart(t, poverty, obs(poverty, map[int]float64{2021: 10.75, 2022: 10, 2023: 9.58, 2024: 9.31, 2025: 8.48}, 0),
		[]domain.Target{target("rpjmd", poverty, 2029, 6.5, 6.5)})
	proj := seriesNamed(opt, "Proyeksi tren")
	if len(proj) != 1 {
		t.Fatal("no projection series")
	}
	if ls := proj[0]["lineStyle"].(map[string]any); ls["type"] != "dashed" {
		t.Errorf("projection line style %v, want dashed", ls)
	}
	data := proj[0]["data"].([]any)
	last := data[len(data)-1].(map[string]any)
	if !strings.HasPrefix(last["name"].(string), "2029: ") || !strings.Contains(last["name"].(string), ",") {
		t.Errorf("projection to 2029 labelled %v, want Indonesian numbers", last)
	}
	if len(seriesNamed(opt, "Rentang proyeksi 95%")) != 1 {
		t.Error("no projection band")
	}
	if len(seriesNamed(opt, "RPJMD Kab. Banyuasin 2025–2029 (data contoh)")) != 1 {
		t.Error("the plan is not a series of its own")
	}
	legend := opt["legend"].(map[string]any)["data"].([]any)
	for _, l := range legend {
		if l == bandBase {
			t.Error("the band's base series is in the legend")
		}
	}
}

// A two-point series is projected without a range (no residuals to
// estimate it from): the legend must not promise a band nobody can see.
func TestSeriesNoBandLegendWithoutBand(t *testing.T) {
	opt := seriesChart(t, poverty, obs(poverty, map[int]float64{2023: 9.58, 2024: 9.31}, 0), nil)
	if len(seriesNamed(opt, "Proyeksi tren")) != 1 {
		t.Fatal("a two-point series has no projection to test with")
	}
	for _, l := range opt["legend"].(map[string]any)["data"].([]any) {
		if l == "Rentang proyeksi 95%" {
			t.Errorf("legend %v names a projection range, but none is drawn", opt["legend"])
		}
	}
}

// Compared regions are lines of their own, in colours of their own,
// without targets; From/To trim the axis.
func TestSeriesCompareAndRange(t *testing.T) {
	a, err := progress.Analyze(progress.Series{Indicator: poverty, RegionCode: "16.07",
		Observations: obs(poverty, map[int]float64{2021: 10.75, 2022: 10, 2023: 9.58, 2024: 9.31}, 0), Plans: plans}, progress.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Series(SeriesInput{ID: "c", Lang: "id", Analysis: a, Indicator: poverty, Plans: plans, Region: "Kabupaten Banyuasin", From: 2022, To: 2025,
		Targets:  []domain.Target{target("rpjmd", poverty, 2029, 6.5, 6.5)},
		Compared: []Compared{{Name: "Sumatera Selatan", Points: []progress.Point{{Year: 2020, Value: 12}, {Year: 2023, Value: 11}}}, {Name: "Indonesia", Points: []progress.Point{{Year: 2023, Value: 9}}}}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c.Option)
	var opt map[string]any
	json.Unmarshal(b, &opt)
	if got := opt["xAxis"].([]any)[0].(map[string]any)["data"]; fmt.Sprint(got) != "[2022 2023 2024 2025]" {
		t.Errorf("axis %v, want 2022..2025", got)
	}
	colours := map[any]bool{}
	for _, name := range []string{"Kabupaten Banyuasin", "Sumatera Selatan", "Indonesia"} {
		s := seriesNamed(opt, name)
		if len(s) != 1 {
			t.Fatalf("%d series named %s", len(s), name)
		}
		colours[s[0]["itemStyle"].(map[string]any)["color"]] = true
	}
	if len(colours) != 3 {
		t.Errorf("compared regions share colours: %v", colours)
	}
	if len(seriesNamed(opt, "RPJMD Kab. Banyuasin 2025–2029 (data contoh)")) != 0 {
		t.Errorf("a target beyond To is drawn")
	}
	if fmt.Sprint(c.Table.Head) != "[Tahun Kabupaten Banyuasin Sumatera Selatan Indonesia Proyeksi tren]" {
		t.Errorf("table head %v", c.Table.Head)
	}
}

// No builder may emit a JavaScript function: every formatter is a string
// template and nothing carries go-echarts' "__f__" marker.
func TestOptionsAreData(t *testing.T) {
	opt := seriesChart(t, poverty, obs(poverty, map[int]float64{2023: 0.56, 2024: 0.49}, 0), []domain.Target{target("rpjmn", poverty, 2026, 0, 0)})
	b, _ := json.Marshal(opt)
	if strings.Contains(string(b), "__f__") || regexp.MustCompile(`function\s*\(|=>`).Match(b) {
		t.Errorf("option carries code: %s", b)
	}
}

func TestDistrictsAxisIncludesLines(t *testing.T) {
	d, err := progress.DisparityOf(poverty, 2025, []progress.DistrictValue{{Region: "a", Name: "A", Value: 5.2}, {Region: "b", Name: "B", Value: 13.2}})
	if err != nil {
		t.Fatal(err)
	}
	parent := 8.48
	tg := target("rpjmd", poverty, 2025, 15, 15)
	c, err := Districts(DistrictInput{ID: "d", Lang: "en", Indicator: poverty, Year: 2025, Disparity: d, ParentName: "Banyuasin", ParentValue: &parent, Target: &tg, PlanName: "RPJMD"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c.Option)
	var m map[string]any
	json.Unmarshal(b, &m)
	ax := m["xAxis"].([]any)[0].(map[string]any)
	if ax["min"].(float64) != 0 || ax["max"].(float64) < 15 {
		t.Errorf("x-axis %v–%v, want 0 to at least the target 15", ax["min"], ax["max"])
	}
	if len(c.Table.Rows) != 2 || c.Table.Rows[0][1] != "A" {
		t.Errorf("table %v, want best first", c.Table.Rows)
	}
}

var hostile = []string{
	`</script><script>alert(1)</script>`,
	`__f__alert(1)__f__`,
	`"><img src=x onerror=alert(1)>`,
	"line\u2028separator",
}

// A name from an upload can neither end the JSON block nor become code.
func TestRenderIsInert(t *testing.T) {
	for _, name := range hostile {
		ind := poverty
		ind.NameID = name
		opt := seriesChartCaption(t, ind, obs(ind, map[int]float64{2023: 0.56, 2024: 0.49}, 0), nil, name)
		c := Chart{ID: ID("x", name), Option: opt, Caption: name, Table: Table{Head: []string{name}, Rows: [][]string{{name}}}}
		out, err := Render(c, "id")
		if err != nil {
			t.Fatal(err)
		}
		s := string(out)
		for _, bad := range []string{"<script>alert", "<img"} {
			if strings.Contains(s, bad) {
				t.Errorf("%q rendered with %q in it:\n%s", name, bad, s)
			}
		}
		if strings.Count(s, "</script>") != 1 && Available() {
			t.Errorf("%q: the JSON block was ended early:\n%s", name, s)
		}
		// The block holds the name back exactly, as a JSON string.
		if Available() {
			block := regexp.MustCompile(`(?s)<script type="application/json" id="[^"]+">(.*?)</script>`).FindStringSubmatch(s)
			if block == nil {
				t.Fatalf("no JSON block:\n%s", s)
			}
			if strings.ContainsRune(block[1], '\u2028') {
				t.Errorf("%q: raw U+2028 in the JSON block", name)
			}
			var back map[string]any
			if err := json.Unmarshal([]byte(block[1]), &back); err != nil {
				t.Fatalf("block is not JSON: %v", err)
			}
			if got := back["aria"].(map[string]any)["label"].(map[string]any)["description"]; got != name {
				t.Errorf("description %q, want %q", got, name)
			}
		}
		if !strings.Contains(s, html.EscapeString(name)) && !strings.Contains(s, strings.ReplaceAll(html.EscapeString(name), "&#34;", "&quot;")) {
			t.Errorf("%q is not shown as text in the caption", name)
		}
	}
}

func TestEChartsVersionMatchesPackageJSON(t *testing.T) {
	b, err := os.ReadFile("../../package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Dependencies map[string]string }
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Dependencies["echarts"] != EChartsVersion {
		t.Errorf("package.json pins echarts %q, EChartsVersion is %q", pkg.Dependencies["echarts"], EChartsVersion)
	}
}

func TestAxisRange(t *testing.T) {
	for _, tt := range []struct {
		vals             []float64
		lo, hi           float64
		wantMin, wantMax float64
	}{
		{[]float64{0.49, 0.56, 0}, 0, 100, 0, 0.6},
		{[]float64{14, 24.8}, 0, 100, 12.5, 27.5},
		{[]float64{5}, -100, 100, 4.75, 5.25},
	} {
		min, max, _ := axisRange(tt.vals, tt.lo, tt.hi)
		if min != tt.wantMin || max != tt.wantMax {
			t.Errorf("axisRange(%v) = %g–%g, want %g–%g", tt.vals, min, max, tt.wantMin, tt.wantMax)
		}
	}
}
