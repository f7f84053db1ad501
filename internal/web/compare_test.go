package web_test

import (
	"regexp"
	"strings"
	"testing"
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
			for _, m := range regexp.MustCompile(`<td><a href="/i/([a-z_]+)\?`).FindAllStringSubmatch(body, -1) {
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
