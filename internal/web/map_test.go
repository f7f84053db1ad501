package web_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/store"
)

// loadPartialYear publishes 2026 values for three of Banyuasin's 21
// kecamatan: the map of 2026 has 18 regions in the no-data class.
func loadPartialYear(t *testing.T, st *store.Store) {
	t.Helper()
	csv := "kode_wilayah;kode_indikator;tahun;nilai\n16.07.01;kemiskinan;2026;9,10\n16.07.02;kemiskinan;2026;10,40\n16.07.06;kemiskinan;2026;5,00\n"
	importCSV(t, st, "kecamatan-2026.csv", "test", csv)
}

var optionBlock = regexp.MustCompile(`<script type="application/json" id="([^"]*-map-option|chart-kesenjangan-kecamatan-kemiskinan-peta-option)"[^>]*>(.*?)</script>`)

// mapOf reads the map's option from a page as the bootstrap would.
type mapOption struct {
	PantauMap struct {
		Shapes, Outline, Home string
	} `json:"pantauMap"`
	Series []struct {
		Type, Map, NameProperty string
		Data                    []struct {
			Name  string
			Value int
			Tip   []string
			Link  string
		}
	}
	VisualMap struct {
		Pieces []struct {
			Value int
			Label string
			Color string
		}
	} `json:"visualMap"`
}

func mapOf(t *testing.T, what, body string) mapOption {
	t.Helper()
	m := optionBlock.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s: no map option block", what)
	}
	var opt mapOption
	if err := json.Unmarshal([]byte(m[2]), &opt); err != nil {
		t.Fatalf("%s: option: %v", what, err)
	}
	if len(opt.Series) != 1 || opt.Series[0].Type != "map" || opt.Series[0].NameProperty != "code" {
		t.Fatalf("%s: series %+v", what, opt.Series)
	}
	return opt
}

// classCounts counts the regions per legend label.
func classCounts(opt mapOption) map[string]int {
	out := map[string]int{}
	for _, d := range opt.Series[0].Data {
		out[opt.VisualMap.Pieces[d.Value].Label]++
	}
	return out
}

func TestMapTabHTTP(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		status, _, body := fetch(t, base+"/i/kemiskinan?region=16.07&tab=map&lang=id")
		if status != 200 {
			t.Fatalf("map tab: %d", status)
		}
		for _, w := range []string{`<nav class="tabs no-print"`, `aria-current="page">Peta</a>`, `href="/i/kemiskinan?lang=id&amp;region=16.07"`,
			`href="/i/kemiskinan?lang=id&amp;region=16.07&amp;tab=table"`, `class="sr-only" aria-live="polite"`,
			`<input type="hidden" name="tab" value="map">`, `<option value="2025" selected>2025</option>`, `<option value="2021">2021</option>`,
			`id="chart-indicator-kemiskinan-16_07-map"`, "Tabel data", "Arsiran: data contoh",
			// The map's own embed code and downloads.
			`/embed/i/kemiskinan?lang=id&amp;amp;region=16.07&amp;amp;since=`, `&amp;amp;tab=map`, `data-export="svg" data-export-chart="chart-indicator-kemiskinan-16_07-map"`} {
			if !strings.Contains(body, w) {
				t.Errorf("map tab lacks %q", w)
			}
		}
		if strings.Contains(body, `id="chart-indicator-kemiskinan-16_07"`) {
			t.Error("the map tab also draws the chart")
		}
		opt := mapOf(t, "map tab", body)
		if n := len(opt.Series[0].Data); n != 21 {
			t.Errorf("map has %d regions, want Banyuasin's 21 kecamatan", n)
		}
		if opt.PantauMap.Shapes != "/api/v1/boundaries?parent=16.07" || opt.PantauMap.Home != "16.07" || opt.PantauMap.Outline != "/api/v1/boundaries?parent=16" {
			t.Errorf("shapes %+v", opt.PantauMap)
		}
		p := opt.VisualMap.Pieces
		if p[0].Label != "Memenuhi target (8,9%)" || p[len(p)-1].Label != "Tidak ada data" {
			t.Errorf("legend %+v", p)
		}
		counts := classCounts(opt)
		if counts["Memenuhi target (8,9%)"] != 9 || counts["Tidak ada data"] != 0 {
			t.Errorf("classes %v: want 9 meeting the target, none without data", counts)
		}
		for _, d := range opt.Series[0].Data {
			if d.Name == "16.07.06" {
				want := []string{"Rambutan", "2025: 5,54%", "memenuhi target RPJMD Kab. Banyuasin 2025 (8,9%)", "data contoh"}
				if strings.Join(d.Tip, "|") != strings.Join(want, "|") || d.Link != "/i/kemiskinan?region=16.07.06&lang=id" {
					t.Errorf("Rambutan: tip %q link %q", d.Tip, d.Link)
				}
			}
		}
		// The shapes the option names are there, one per kecamatan.
		status, _, geo := fetch(t, base+opt.PantauMap.Shapes)
		var fc struct {
			Features []struct{ Properties struct{ Code string } }
		}
		if err := json.Unmarshal([]byte(geo), &fc); status != 200 || err != nil || len(fc.Features) != 21 {
			t.Errorf("shapes: %d %v, %d features", status, err, len(fc.Features))
		}

		// Another year; one that only three kecamatan have.
		loadPartialYear(t, st)
		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&tab=map&year=2026&lang=en")
		opt = mapOf(t, "2026", body)
		counts = classCounts(opt)
		if counts["No data"] != 18 || counts["Meets the target (8.3%)"] != 1 {
			t.Errorf("2026 classes %v: want 18 without data, Rambutan meeting 2026's target", counts)
		}
		if !strings.Contains(body, `<option value="2026" selected>2026</option>`) {
			t.Error("2026 not selected")
		}

		// The table tab: the series and the same district values.
		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&tab=table&lang=id")
		for _, w := range []string{`aria-current="page">Tabel</a>`, "Dari tahun ke tahun", "Per wilayah, 2026", `<th scope="row">Rambutan</th><td>5,00%</td>`} {
			if !strings.Contains(body, w) {
				t.Errorf("table tab lacks %q", w)
			}
		}
		if strings.Contains(body, `class="chart-canvas"`) {
			t.Error("the table tab draws a chart")
		}
		// The chart tab is the page as it was.
		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&lang=id")
		if !strings.Contains(body, `id="chart-indicator-kemiskinan-16_07"`) || strings.Contains(body, "-map-option") || !strings.Contains(body, `aria-current="page">Grafik</a>`) {
			t.Error("chart tab changed")
		}

		// A district whose name is markup (and has no shape): text in the
		// table, escaped data in the option.
		loadHostile(t, st)
		for _, path := range []string{"/i/kemiskinan?region=16.07&tab=map", "/i/kemiskinan?region=16.07&tab=table", "/embed/i/kemiskinan?region=16.07&tab=map"} {
			status, h, body := fetch(t, base+path)
			if status != 200 {
				t.Fatalf("%s: %d", path, status)
			}
			if !strings.HasPrefix(path, "/embed/") {
				checkCSP(t, path, h, body)
			}
			for _, bad := range []string{"<script>document", "<img src=x"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: payload %q reached the page unescaped", path, bad)
				}
			}
		}

		for _, tt := range []struct {
			path, want string
			status     int
		}{
			{"/i/kemiskinan?region=16.07&tab=peta", "", 400},
			{"/i/kemiskinan?region=ID&tab=map&lang=id", "Belum ada batas wilayah untuk wilayah di bawah Indonesia", 200},
			{"/i/kemiskinan?region=16.07.01&tab=map&lang=id", "Belum ada nilai per wilayah", 200},
			{"/embed/i/kemiskinan?region=16.07&tab=peta", "", 400},
		} {
			status, _, body := fetch(t, base+tt.path)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%s: %d, want %d with %q", tt.path, status, tt.status, tt.want)
			}
		}
	})
}

func TestMapEmbedAndPanelHTTP(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		status, h, body := fetch(t, base+"/embed/i/kemiskinan?region=16.07&tab=map&lang=id")
		if status != 200 {
			t.Fatalf("map embed: %d", status)
		}
		checkEmbedHeaders(t, "map", h, false)
		for _, w := range []string{"<h1>Tingkat kemiskinan (P0) — Kabupaten Banyuasin", "Sumber: ", "diperbarui ", `data-export="png"`, `data-export="svg"`,
			`href="/i/kemiskinan?lang=id&amp;region=16.07&amp;tab=map"`, "format=csv"} {
			if !strings.Contains(body, w) {
				t.Errorf("map embed lacks %q", w)
			}
		}
		if n := len(mapOf(t, "embed", body).Series[0].Data); n != 21 {
			t.Errorf("embed map has %d regions", n)
		}
		_, _, csv := fetch(t, base+"/embed/i/kemiskinan?region=16.07&tab=map&lang=id&format=csv")
		if rows := strings.Count(csv, ";2025;"); rows != 21 || strings.Contains(csv, ";2024;") {
			t.Errorf("map CSV has %d rows of 2025 (want 21, one year):\n%s", rows, csv)
		}
		// The embed of another year is another answer.
		_, h2, _ := fetch(t, base+"/embed/i/kemiskinan?region=16.07&tab=map&lang=id&year=2023")
		if h2.Get("ETag") == h.Get("ETag") {
			t.Error("the 2023 map has the 2025 map's ETag")
		}

		_, _, body = fetch(t, base+"/d/kesenjangan-kecamatan?lang=id")
		if !strings.Contains(body, `id="panel-kemiskinan-peta"`) || !strings.Contains(body, "/embed/d/kesenjangan-kecamatan/kemiskinan-peta") {
			t.Error("dashboard lacks the map panel or its embed code")
		}
		if n := len(mapOf(t, "panel", body).Series[0].Data); n != 21 {
			t.Errorf("panel map has %d regions", n)
		}
		status, _, body = fetch(t, base+"/embed/d/kesenjangan-kecamatan/kemiskinan-peta?lang=id&year=2024")
		if status != 200 {
			t.Fatalf("panel embed: %d", status)
		}
		for _, d := range mapOf(t, "panel embed", body).Series[0].Data {
			if d.Name == "16.07.01" && html.UnescapeString(d.Tip[1]) != "2024: 11,00%" {
				t.Errorf("panel embed of 2024: %q", d.Tip)
			}
		}
	})
}
