package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// rowYears are the years (row headers) of the first data table in a page.
var rowYear = regexp.MustCompile(`<tr><th scope="row">(\d{4})</th>`)

func tableYears(body string) []string {
	i := strings.Index(body, `<details class="chart-data"`)
	if i < 0 {
		return nil
	}
	j := strings.Index(body[i:], `</table>`)
	var out []string
	for _, m := range rowYear.FindAllStringSubmatch(body[i:i+j], -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCompareAndRange asks indicator pages and embeds for other regions
// beside Banyuasin and for a year range, on both engines: the chart's
// option and table carry one line per region, the page names them with a
// remove link and offers its province and the nation; an unknown code is a
// 404 naming it; from=/to= trim the table; /?q= finds indicators by SDG
// code and by a word of the definition only.
func TestCompareAndRange(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		status, _, body := fetch(t, base+"/i/kemiskinan?region=16.07")
		if status != 200 {
			t.Fatalf("plain page: %d", status)
		}
		for _, want := range []string{`href="/i/kemiskinan?compare=16&amp;region=16.07"`, `href="/i/kemiskinan?compare=ID&amp;region=16.07"`, "Bandingkan dengan"} {
			if !strings.Contains(body, want) {
				t.Errorf("indicator page lacks the compare link %s", want)
			}
		}

		status, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&compare=16,ID")
		if status != 200 {
			t.Fatalf("compare=16,ID: %d", status)
		}
		for _, want := range []string{`"name":"Kabupaten Banyuasin"`, `"name":"Provinsi Sumatera Selatan"`, `"name":"Indonesia"`,
			`<th scope="col">Provinsi Sumatera Selatan</th>`, `<th scope="col">Indonesia</th>`,
			`href="/i/kemiskinan?compare=ID&amp;region=16.07"`, // removes 16
			`Dibandingkan dengan`} {
			if !strings.Contains(body, want) {
				t.Errorf("compare=16,ID: the page lacks %s", want)
			}
		}
		if !strings.Contains(body, "/embed/i/kemiskinan?compare=16%2CID&amp;amp;") {
			t.Errorf("compare=16,ID: the page's embed code does not carry the comparison")
		}
		if strings.Contains(body, `class="compare-with`) {
			t.Errorf("compare=16,ID: both suggestions are taken, yet the page still offers some")
		}

		status, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&compare=16,99.99")
		if status != 404 || !strings.Contains(body, "99.99") {
			t.Errorf("unknown compare code: %d, says %q", status, body[strings.Index(body, "<main>"):])
		}
		status, _, _ = fetch(t, base+"/i/kemiskinan?region=16.07&compare=11,12,13,14,15,16,ID")
		if status != 400 {
			t.Errorf("seven compared regions: %d, want 400", status)
		}

		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&from=2022&to=2024")
		if got := strings.Join(tableYears(body), ","); got != "2022,2023,2024" {
			t.Errorf("from=2022&to=2024: table years %s", got)
		}
		if !strings.Contains(body, `<option value="2022" selected>`) || !strings.Contains(body, `<option value="2024" selected>`) {
			t.Errorf("from=2022&to=2024: the year selects do not show the range")
		}
		if status, _, _ := fetch(t, base+"/i/kemiskinan?region=16.07&from=2023&to=2020"); status != 400 {
			t.Errorf("from after to: %d", status)
		}

		status, _, body = fetch(t, base+"/embed/i/kemiskinan?region=16.07&compare=ID&from=2023")
		if status != 200 || !strings.Contains(body, `"name":"Indonesia"`) || tableYears(body)[0] != "2023" {
			t.Errorf("embed with compare=ID&from=2023: %d, years %v", status, tableYears(body))
		}

		search := func(q string) string {
			_, _, body := fetch(t, base+"/?q="+q)
			var codes []string
			for _, m := range regexp.MustCompile(`<th scope="row"><a href="/i/([a-z_]+)\?`).FindAllStringSubmatch(body, -1) {
				codes = append(codes, m[1])
			}
			return strings.Join(codes, ",")
		}
		if got := search("1.2.1"); got != "kemiskinan" {
			t.Errorf("/?q=1.2.1 (SDG code): %s", got)
		}
		if got := search("garis"); got != "kemiskinan" { // "garis kemiskinan", in the definition only
			t.Errorf("/?q=garis (a word of the definition): %s", got)
		}
		if got := search("kemiskinan"); !strings.HasPrefix(got, "kemiskinan,") {
			t.Errorf("/?q=kemiskinan: the exact code is not first: %s", got)
		}
		if got := search("tidak+ada+indikator+ini"); got != "" {
			t.Errorf("a query matching nothing: %s", got)
		}
	})
}

// TestEnglishPages reads the English indicator pages and index as an
// English reader: units, frequencies, groups and plan labels in English,
// the illustrative badge in one language, the English definition where the
// catalogue has one and, where it has none, one sentence saying so.
func TestEnglishPages(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		_, _, page := fetch(t, base+"/i/kemiskinan?region=16.07&lang=en")
		_, _, groups := fetch(t, base+"/i/tpt?region=16.07&lang=en")
		_, _, index := fetch(t, base+"/?lang=en")
		for what, body := range map[string]string{"kemiskinan": page, "tpt": groups, "index": index} {
			text := visibleText(body)
			for _, bad := range []string{"persen", "tahunan", "perempuan", "laki-laki", "data contoh", "(capaian)", "Persentase"} {
				if strings.Contains(text, bad) {
					t.Errorf("English %s page says %q: …%s…", what, bad, around(text, bad))
				}
			}
		}
		for _, want := range []string{"<dd>percent</dd>", "<dd>annual</dd>", "Share of the population below the poverty line",
			"RPJMD Kab. Banyuasin 2025–2029 (illustrative)", `<span class="badge demo">illustrative</span>`} {
			if !strings.Contains(page, want) {
				t.Errorf("English kemiskinan page lacks %s", want)
			}
		}
		if !strings.Contains(groups, "gap between women and men") {
			t.Errorf("English tpt page does not name its groups in English")
		}
		if strings.Contains(page, "Indonesian only") {
			t.Errorf("a page with an English definition says it has none")
		}

		ind := domain.Indicator{Code: "air_minum", NameID: "Akses air minum layak", NameEN: "Access to safe drinking water",
			Unit: domain.UnitPercent, Polarity: domain.HigherIsBetter, Decimals: 1, Frequency: "tahunan",
			Definition: "Persentase rumah tangga dengan akses air minum layak."}
		if err := st.PutIndicator(context.Background(), ind); err != nil {
			t.Fatal(err)
		}
		_, _, only := fetch(t, base+"/i/air_minum?region=16.07&lang=en")
		if n := strings.Count(only, "Definition available in Indonesian only"); n != 1 {
			t.Errorf("an indicator without an English definition says so %d times, want once", n)
		}
		if !strings.Contains(only, `<p class="lead" lang="id">Persentase rumah tangga`) {
			t.Errorf("the Indonesian definition on an English page is not marked lang=id")
		}
	})
}

var tags = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`)

// visibleText is a page's text without markup, scripts and styles.
func visibleText(body string) string { return tags.ReplaceAllString(body, " ") }

func around(text, s string) string {
	i := strings.Index(text, s)
	return text[max(0, i-60):min(len(text), i+len(s)+60)]
}

// TestIllustrativeExports follows generated demo values out of Pantau:
// the page's PNG export names them illustrative, and a kecamatan's embed,
// CSV and export metadata credit no publisher for them.
func TestIllustrativeExports(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		exportAttrs := regexp.MustCompile(`data-export="png"[^>]*`)
		for _, path := range []string{"/d/kesenjangan-kecamatan", "/i/kemiskinan?region=16.07.01", "/i/kemiskinan?region=16.07.01&tab=map"} {
			_, _, body := fetch(t, base+path)
			for _, b := range exportAttrs.FindAllString(body, -1) {
				if !strings.Contains(b, "(data contoh)\"") || strings.Contains(b, "BPS") {
					t.Errorf("%s: a PNG export of generated values: %s", path, b)
				}
			}
		}
		_, _, body := fetch(t, base+"/i/kemiskinan?region=16.07&lang=en")
		if b := exportAttrs.FindString(body); !strings.Contains(b, "(illustrative)\"") || !strings.Contains(b, "Source: BPS") {
			t.Errorf("the regency's PNG export (published values, illustrative targets): %s", b)
		}
		_, _, body = fetch(t, base+"/embed/i/kemiskinan?region=16.07.01&format=csv")
		if strings.Contains(body, "BPS Kabupaten Banyuasin") || !strings.Contains(body, "data contoh yang dibuat untuk demo") {
			t.Errorf("a kecamatan's embed CSV credits its generated values to: %.400s", body)
		}
		_, _, body = fetch(t, base+"/embed/i/kemiskinan?region=16.07.01")
		if strings.Contains(body, "BPS Kabupaten Banyuasin") {
			t.Errorf("a kecamatan's embed credits BPS for generated values")
		}
		var meta struct {
			Data struct {
				Metadata struct {
					Indicators []struct{ Source string }
					Notes      []string
					Rows       int64 `json:"illustrative_rows"`
				}
			}
		}
		get(t, base+"/api/v1/export/metadata?indicator=kemiskinan&region=16.07.01", &meta)
		m := meta.Data.Metadata
		if m.Rows == 0 || len(m.Indicators) != 1 || strings.Contains(m.Indicators[0].Source, "BPS") || !strings.Contains(strings.Join(m.Notes, " "), "illustrative") {
			t.Errorf("a kecamatan export's metadata: %+v", m)
		}
	})
}
