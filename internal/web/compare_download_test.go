package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// csvValues reads a Pantau CSV (';' and a decimal comma) into
// region code → year → value, for the rows of kind (the embed's "jenis"
// column; "" for the export, which holds observations only).
func csvValues(t *testing.T, what, body, kind string) map[string]map[int]float64 {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v, %d rows:\n%.600s", what, err, len(rows), body)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]map[int]float64{}
	for _, row := range rows[1:] {
		if kind != "" && row[col["jenis"]] != kind {
			continue
		}
		year, err1 := strconv.Atoi(row[col["tahun"]])
		v, err2 := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(row[col["nilai"]], ".", ""), ",", "."), 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: row %v", what, row)
		}
		code := row[col["kode_wilayah"]]
		if out[code] == nil {
			out[code] = map[int]float64{}
		}
		out[code][year] = v
	}
	return out
}

// storedTotals is what the store holds for indicator in region, totals
// of the years from–to, as csvValues reads a CSV.
func storedTotals(t *testing.T, st *store.Store, indicator, region string, from, to int) map[int]float64 {
	t.Helper()
	sr, err := st.Series(context.Background(), indicator, region)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]float64{}
	for _, o := range sr.Observations {
		if o.Disagg == domain.Total && o.Year >= from && o.Year <= to {
			out[o.Year] = o.Value
		}
	}
	if len(out) == 0 {
		t.Fatalf("the demo holds no %s for %s in %d–%d: the test would prove nothing", indicator, region, from, to)
	}
	return out
}

// sameValues reports how got differs from want ("" when it does not).
func sameValues(got, want map[int]float64) string {
	var diff []string
	for y, v := range want {
		if g, ok := got[y]; !ok || fmt.Sprintf("%.4f", g) != fmt.Sprintf("%.4f", v) {
			diff = append(diff, fmt.Sprintf("%d: %v, want %v", y, got[y], v))
		}
	}
	for y := range got {
		if _, ok := want[y]; !ok {
			diff = append(diff, fmt.Sprintf("%d: %v, not shown", y, got[y]))
		}
	}
	slices.Sort(diff)
	return strings.Join(diff, "; ")
}

// queryOf is the query of a link as a page writes it in an attribute.
func queryOf(t *testing.T, what, href string) url.Values {
	t.Helper()
	u, err := url.Parse(html.UnescapeString(href))
	if err != nil {
		t.Fatalf("%s: %q: %v", what, href, err)
	}
	return u.Query()
}

// wantQuery fails unless q holds exactly want, one value each.
func wantQuery(t *testing.T, what string, q url.Values, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := q[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s: %s=%q, want %q (query %v)", what, k, got, v, q)
		}
	}
	for k := range q {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: an extra parameter %s=%q (query %v)", what, k, q[k], q)
		}
	}
}

// TestComparedDownloads reads an indicator page that compares Banyuasin
// with its province and the nation over 2022–2024, on both engines, and
// follows what it gives away: the page's CSV link carries compare=, from=
// and to= as parameters of their own and its file holds every compared
// region's values of those years beside the regency's (and nothing after
// or before them), as do the paged export and the metadata; the embed
// dialog's code, its CSV and JSON, the oEmbed answer and the social
// preview show the same view; a wrong code or year is refused naming the
// parameter and its value. A page without compare= keeps its CSV to the
// regency and the regions below it.
func TestComparedDownloads(t *testing.T) {
	csvLink := regexp.MustCompile(`<li><a href="([^"]*)" download>CSV</a> \(([^)]*)\)</li>`)
	jsonLink := regexp.MustCompile(`<li><a href="([^"]*)">JSON</a>`)
	iframeCode := regexp.MustCompile(`(?s)<textarea id="embed-chart-indicator-[^"]*-iframe"[^>]*>(.*?)</textarea>`)
	dialogCSV := regexp.MustCompile(`<a href="(/embed/i/[^"]*)" download>CSV</a> · <a href="(/embed/i/[^"]*)" download>JSON</a>`)
	meta := func(prop string) *regexp.Regexp {
		return regexp.MustCompile(`<meta property="` + prop + `" content="([^"]*)">`)
	}
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		want := map[string]map[int]float64{}
		for _, code := range []string{"16.07", "16", "ID"} {
			want[code] = storedTotals(t, st, "kemiskinan", code, 2022, 2024)
		}

		page := "/i/kemiskinan?region=16.07&compare=16,ID&from=2022&to=2024"
		status, _, body := fetch(t, base+page)
		if status != 200 {
			t.Fatalf("%s: %d", page, status)
		}
		m := csvLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no CSV link in the downloads", page)
		}
		wantQuery(t, "the page's CSV link", queryOf(t, "CSV link", m[1]), map[string]string{"format": "csv", "locale": "id",
			"indicator": "kemiskinan", "region": "16.07", "compare": "16,ID", "from": "2022", "to": "2024"})
		if m[2] != "wilayah ini dan wilayah di bawahnya, dibandingkan dengan Provinsi Sumatera Selatan dan Indonesia, tahun 2022–2024" {
			t.Errorf("the CSV link says it holds: %s", m[2])
		}
		status, h, file := fetch(t, base+html.UnescapeString(m[1]))
		if status != 200 || !strings.Contains(h.Get("Content-Disposition"), "pantau-observations-kemiskinan-16.07+16+ID-2022-2024-v") {
			t.Fatalf("the page's CSV: %d, %s", status, h.Get("Content-Disposition"))
		}
		got := csvValues(t, "the page's CSV", file, "")
		for code, years := range want {
			if d := sameValues(got[code], years); d != "" {
				t.Errorf("the page's CSV, %s: %s", code, d)
			}
		}
		rows := 0
		for code, years := range got {
			rows += len(years)
			if code != "16" && code != "ID" && code != "16.07" && !strings.HasPrefix(code, "16.07.") {
				t.Errorf("the page's CSV holds %s, which the page does not show", code)
			}
			for y := range years {
				if y < 2022 || y > 2024 {
					t.Errorf("the page's CSV holds %s in %d, outside 2022–2024", code, y)
				}
			}
		}

		// The same selection a page at a time (the series key's index
		// ranges with the compared regions beside them), and described.
		q := html.UnescapeString(m[1])[len("/api/v1/export?"):]
		next, paged := "/api/v1/export?limit=4&"+strings.Replace(q, "format=csv&", "", 1), 0
		for n := 0; next != ""; n++ {
			var p struct {
				Data    []struct{ Region string }
				NextURL *string `json:"next_url"`
			}
			if code := get(t, base+next, &p); code != 200 || n > rows {
				t.Fatalf("%s: %d after %d pages", next, code, n)
			}
			paged += len(p.Data)
			next = ""
			if p.NextURL != nil {
				next = *p.NextURL
			}
		}
		if paged != rows {
			t.Errorf("the paged export holds %d rows, the download %d", paged, rows)
		}
		var md struct {
			Data struct {
				Rows      int
				Selection struct{ Compare []string }
			}
		}
		get(t, base+"/api/v1/export/metadata?"+q, &md)
		if md.Data.Rows != rows || strings.Join(md.Data.Selection.Compare, ",") != "16,ID" {
			t.Errorf("the metadata: %+v, the file has %d rows", md.Data, rows)
		}

		if m := jsonLink.FindStringSubmatch(body); m == nil {
			t.Errorf("%s: no JSON link", page)
		} else {
			wantQuery(t, "the page's JSON link", queryOf(t, "JSON link", m[1]), map[string]string{"indicator": "kemiskinan", "region": "16.07", "from": "2022", "to": "2024"})
		}

		// The embed dialog: the same view, and downloads of it.
		m = iframeCode.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no iframe code", page)
		}
		src := regexp.MustCompile(`src="([^"]*)"`).FindStringSubmatch(html.UnescapeString(m[1]))[1]
		eq := queryOf(t, "iframe src", src)
		for k, v := range map[string]string{"region": "16.07", "compare": "16,ID", "from": "2022", "to": "2024"} {
			if eq.Get(k) != v {
				t.Errorf("the iframe code's %s=%q, want %q: %s", k, eq.Get(k), v, src)
			}
		}
		if !strings.Contains(body, "Sematan ini menampilkan Kabupaten Banyuasin dibandingkan dengan Provinsi Sumatera Selatan dan Indonesia, tahun 2022–2024, seperti halaman ini.") {
			t.Errorf("the embed dialog does not say what it embeds")
		}
		m = dialogCSV.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no CSV and JSON links in the embed dialog", page)
		}
		_, _, file = fetch(t, base+html.UnescapeString(m[1]))
		got = csvValues(t, "the embed's CSV", file, "observasi")
		if len(got) != 3 {
			t.Errorf("the embed's CSV holds the regions %v, want 16.07, 16 and ID", got)
		}
		for code, years := range want {
			if d := sameValues(got[code], years); d != "" {
				t.Errorf("the embed's CSV, %s: %s", code, d)
			}
		}
		for code, years := range csvValues(t, "the embed's CSV", file, "target") {
			for y := range years {
				if y < 2022 || y > 2024 {
					t.Errorf("the embed's CSV holds a target of %s for %d, outside 2022–2024", code, y)
				}
			}
		}
		var doc struct{ Rows []struct{ Region string } }
		get(t, base+html.UnescapeString(m[2]), &doc)
		regions := map[string]bool{}
		for _, r := range doc.Rows {
			regions[r.Region] = true
		}
		if !regions["16"] || !regions["ID"] {
			t.Errorf("the embed's JSON holds the regions %v", regions)
		}

		// oEmbed of the page's address: the same view.
		var oe struct {
			HTML         string
			ThumbnailURL string `json:"thumbnail_url"`
		}
		if code := get(t, base+"/oembed?url="+url.QueryEscape(base+page), &oe); code != 200 {
			t.Fatalf("oEmbed of %s: %d", page, code)
		}
		osrc := html.UnescapeString(regexp.MustCompile(`src="([^"]*)"`).FindStringSubmatch(oe.HTML)[1])
		for what, u := range map[string]string{"html": osrc, "thumbnail_url": oe.ThumbnailURL} {
			q := queryOf(t, "oEmbed "+what, u)
			if q.Get("compare") != "16,ID" || q.Get("from") != "2022" || q.Get("to") != "2024" {
				t.Errorf("oEmbed %s: %s", what, u)
			}
		}

		// The social preview: the page's address and its picture.
		for _, prop := range []string{"og:url", "og:image"} {
			m := meta(prop).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no %s", prop)
			}
			q := queryOf(t, prop, m[1])
			if q.Get("compare") != "16,ID" || q.Get("from") != "2022" || q.Get("to") != "2024" {
				t.Errorf("%s: %s", prop, m[1])
			}
			if prop == "og:image" {
				if status, h, _ := fetch(t, html.UnescapeString(m[1])); status != 200 || h.Get("Content-Type") != "image/png" {
					t.Errorf("og:image: %d %s", status, h.Get("Content-Type"))
				}
			}
		}

		// Wrong codes and years, named with the parameter.
		for _, tt := range []struct {
			path   string
			status int
			says   string
		}{
			{"/api/v1/export?indicator=kemiskinan&region=16.07&compare=16,99.99", 404, "compare=99.99"},
			{"/api/v1/export?indicator=kemiskinan&region=16.07&compare=11,12,13,14,15,16,ID", 400, "At most 6"},
			{"/api/v1/export?indicator=kemiskinan&region=16.07&limit=5&compare=99.99", 404, "compare=99.99"},
			{"/api/v1/export/metadata?indicator=kemiskinan&region=16.07&compare=99.99", 404, "compare=99.99"},
			{"/embed/i/kemiskinan?region=16.07&compare=ID,99.99", 404, "compare=99.99"},
			{"/embed/i/kemiskinan?region=16.07&from=20x2", 400, "from=20x2"},
			{"/embed/i/kemiskinan?region=16.07&from=2024&to=2022&format=csv", 400, "from=2024 &gt; to=2022"},
			{"/oembed?url=" + url.QueryEscape(base+"/i/kemiskinan?region=16.07&compare=99.99"), 404, "compare=99.99"},
			{"/oembed?url=" + url.QueryEscape(base+"/i/kemiskinan?region=16.07&to=abc"), 400, "to=abc"},
			{"/oembed?url=" + url.QueryEscape(base+"/i/kemiskinan?region=16.07&compare=11,12,13,14,15,16,ID"), 400, "At most 6"},
		} {
			status, _, body := fetch(t, base+tt.path)
			if status != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("%s: %d, want %d saying %q: %.300s", tt.path, status, tt.status, tt.says, body)
			}
		}

		// Without compare= the file is the regency and the regions below
		// it, every year, as before; the English page says so in English.
		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&lang=en")
		m = csvLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSV link on the plain page")
		}
		wantQuery(t, "the plain page's CSV link", queryOf(t, "CSV link", m[1]), map[string]string{"format": "csv", "locale": "en", "indicator": "kemiskinan", "region": "16.07"})
		if m[2] != "this region and the regions below it" {
			t.Errorf("the plain page's CSV link says: %s", m[2])
		}
		_, _, file = fetch(t, base+html.UnescapeString(m[1]))
		if strings.Contains(file, "\n16,") || strings.Contains(file, "\nID,") {
			t.Errorf("the plain page's CSV holds the province or the nation:\n%.800s", file)
		}
		_, _, body = fetch(t, base+"/i/kemiskinan?region=16.07&lang=en&compare=ID&from=2023")
		if m = csvLink.FindStringSubmatch(body); m == nil || m[2] != "this region and the regions below it, compared with Indonesia, from 2023 on" {
			t.Errorf("the English CSV link with compare=ID&from=2023 says: %v", m)
		}
		if !strings.Contains(body, "This embed shows Kabupaten Banyuasin compared with Indonesia, from 2023 on, as this page does.") {
			t.Errorf("the English embed dialog does not say what it embeds")
		}
	})
}
