package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// demoServersWithStore is demoServers that also hands fn the store, for
// tests that change the data behind the server.
func demoServersWithStore(t *testing.T, fn func(t *testing.T, base string, st *store.Store)) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			st := openDemo(t, engine)
			base, _ := serveStore(t, st)
			fn(t, base, st)
		})
	}
}

// fetch returns the status, headers and body of a GET.
func fetch(t *testing.T, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

func TestExportAPI(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		sel := "&indicator=kemiskinan_ekstrem&region=16.07&from=2023&to=2024"
		for _, tt := range []struct {
			query, contentType, header string
			contains                   []string
		}{
			{"format=csv" + sel, "text/csv", "kode_wilayah;nama_wilayah;kode_indikator", []string{"16.07;Kabupaten Banyuasin;kemiskinan_ekstrem;Kemiskinan ekstrem;2023;0,56;persen;final"}},
			{"format=csv&locale=en" + sel, "text/csv", "region_code,region_name,indicator_code", []string{"16.07,Kabupaten Banyuasin,kemiskinan_ekstrem,Extreme poverty,2024,0.49,persen,final"}},
			{"format=csv-wide" + sel, "text/csv", "kode_wilayah;nama_wilayah;kode_indikator;nama_indikator;satuan;2023;2024", []string{";0,56;0,49"}},
			{"format=json" + sel, "application/json", "[", []string{`"value":0.56`, `"value":0.49`}},
			{"format=sdmx" + sel, "application/vnd.sdmx.data+csv", "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE", []string{"dataflow,PANTAU:DF_INDICATORS(1.0),I,A,16.07,kemiskinan_ekstrem,2024,0.49,persen,A,0,"}},
			{"format=opensdg" + sel, "text/csv", "Year,GeoCode,Units,Value", []string{"2023,16.07,persen,0.56,final,0,"}},
			{"format=csv&kind=targets&region=16.07", "text/csv", "rencana;kode_indikator", []string{"rpjmd-banyuasin-2025-2029;kemiskinan_ekstrem;Kemiskinan ekstrem;16.07;Kabupaten Banyuasin;2025;0,3;persen"}},
		} {
			code, h, body := fetch(t, base+"/api/v1/export?"+tt.query)
			if code != 200 {
				t.Errorf("%s: status %d: %s", tt.query, code, body)
				continue
			}
			if !strings.HasPrefix(h.Get("Content-Type"), tt.contentType) {
				t.Errorf("%s: Content-Type %q", tt.query, h.Get("Content-Type"))
			}
			if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="pantau-`) {
				t.Errorf("%s: Content-Disposition %q", tt.query, cd)
			}
			if !strings.Contains(h.Get("Link"), `/api/v1/export/metadata?`) || h.Get("X-Pantau-Data-Version") == "" || h.Get("ETag") == "" {
				t.Errorf("%s: headers %v", tt.query, h)
			}
			if !strings.HasPrefix(body, tt.header) {
				t.Errorf("%s: body starts %q, want %q", tt.query, firstLine(body), tt.header)
			}
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("%s: body lacks %q:\n%s", tt.query, want, body)
				}
			}
		}

		// The whole dataset, every format, with a filename that says so.
		for _, f := range []string{"csv", "csv-wide", "json", "sdmx", "opensdg"} {
			code, h, body := fetch(t, base+"/api/v1/export?format="+f)
			if code != 200 || strings.Count(body, "\n") < 50 {
				t.Errorf("full %s export: %d, %d lines", f, code, strings.Count(body, "\n"))
			}
			if !strings.Contains(h.Get("Content-Disposition"), "pantau-observations-") {
				t.Errorf("full %s export: %q", f, h.Get("Content-Disposition"))
			}
		}

		// The same request on the same data is not sent twice.
		_, h, _ := fetch(t, base+"/api/v1/export?format=csv")
		if code, _, _ := fetch(t, base+"/api/v1/export?format=csv", "If-None-Match", h.Get("ETag")); code != http.StatusNotModified {
			t.Errorf("If-None-Match: status %d, want 304", code)
		}

		var meta struct {
			Data struct {
				Metadata struct {
					Columns    []struct{ Name, Description string }  `json:"columns"`
					Indicators []struct{ Code, Unit, Source string } `json:"indicators"`
					Decimal    string                                `json:"decimal"`
				} `json:"metadata"`
				Rows        int64 `json:"rows"`
				DataVersion int64 `json:"data_version"`
			} `json:"data"`
		}
		if code := get(t, base+"/api/v1/export/metadata?format=csv"+sel, &meta); code != 200 {
			t.Fatalf("metadata status %d", code)
		}
		m := meta.Data.Metadata
		if meta.Data.Rows != 44 || // the regency and its 21 districts, 2023 and 2024
			meta.Data.DataVersion == 0 || len(m.Indicators) != 1 || m.Indicators[0].Source == "" || m.Decimal != "comma" ||
			len(m.Columns) == 0 || m.Columns[0].Name != "kode_wilayah" || m.Columns[0].Description == "" {
			t.Errorf("metadata = %+v", meta.Data)
		}

		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		for url, want := range map[string]int{
			"/api/v1/export?format=xml":                  400,
			"/api/v1/export?locale=fr":                   400,
			"/api/v1/export?kind=plans":                  400,
			"/api/v1/export?kind=targets&format=sdmx":    400,
			"/api/v1/export?from=abc":                    400,
			"/api/v1/export?from=2025&to=2020":           400,
			"/api/v1/export?indicator=nope":              404,
			"/api/v1/export?region=99.99":                404,
			"/api/v1/export/metadata?format=xml":         400,
			"/api/v1/export?limit=0":                     400,
			"/api/v1/export?limit=10001":                 400,
			"/api/v1/export?limit=5&format=csv":          400,
			"/api/v1/export?limit=5&kind=targets":        400,
			"/api/v1/export?limit=5&cursor=@@":           400,
			"/api/v1/export?limit=5&cursor=e30":          400,
			"/api/v1/export?limit=5&from=2025&to=2020":   400,
			"/api/v1/export?limit=5&indicator=nope":      404,
			"/api/v1/export?limit=5&region=99.99":        404,
			"/api/v1/changes?since=0&cursor=e30":         400,
			"/api/v1/changes":                            400,
			"/api/v1/changes?since=-1":                   400,
			"/api/v1/changes?since=0&limit=0":            400,
			"/api/v1/changes?since=0&cursor=@@":          400,
			"/api/v1/completeness?region=99.99":          404,
			"/api/v1/completeness?from=2025&to=2020":     400,
			"/api/v1/completeness?region=16.07&format=x": 400,
		} {
			if code := get(t, base+url, &e); code != want || e.Error.Code == "" || e.Error.Message == "" {
				t.Errorf("%s: %d %+v, want %d with an error body", url, code, e, want)
			}
		}
	})
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

type changesPage struct {
	Data []struct {
		Indicator string   `json:"indicator"`
		Region    string   `json:"region"`
		Year      int      `json:"year"`
		Disagg    string   `json:"disaggregation"`
		Version   int64    `json:"version"`
		Kind      string   `json:"kind"`
		OldValue  *float64 `json:"old_value"`
		NewValue  float64  `json:"new_value"`
		NewStatus string   `json:"new_status"`
	} `json:"data"`
	Since   int64   `json:"since"`
	Version int64   `json:"version"`
	Next    *string `json:"next"`
	NextURL *string `json:"next_url"`
}

// TestDownloadsAndAssetsCarryValidators: answers whose handlers set their
// own validators (an export, files under /static/, an icon, boundaries)
// carry an ETag, answer a matching If-None-Match with an empty 304 that
// repeats it, and are never sniffed (the security headers every route
// gets, not each handler, say so).
func TestDownloadsAndAssetsCarryValidators(t *testing.T) {
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	for _, path := range []string{
		"/api/v1/export?indicator=kemiskinan_ekstrem&region=16.07",
		"/static/embed.js",
		"/static/LICENSE-echarts",
		"/static/icon.svg",
		"/api/v1/boundaries?parent=16.07",
	} {
		t.Run(path, func(t *testing.T) {
			status, h, _ := fetch(t, base+path)
			etag := h.Get("ETag")
			if status != 200 || etag == "" || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("%d, ETag %q, X-Content-Type-Options %q", status, etag, h.Get("X-Content-Type-Options"))
			}
			status, h, body := fetch(t, base+path, "If-None-Match", etag)
			if status != 304 || body != "" || h.Get("ETag") != etag || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("revalidation: %d, %d bytes, ETag %q (want %q), X-Content-Type-Options %q", status, len(body), h.Get("ETag"), etag, h.Get("X-Content-Type-Options"))
			}
		})
	}
	// A refused export names no export: no ETag to revalidate it by.
	if status, h, _ := fetch(t, base+"/api/v1/export?indicator=tidak_ada"); status != 404 || h.Get("ETag") != "" {
		t.Errorf("unknown indicator: %d, ETag %q", status, h.Get("ETag"))
	}
}

func TestChangesAPI(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		ctx := context.Background()
		var total int
		if err := st.DB().GetContext(ctx, &total, `SELECT count(*) FROM observations`); err != nil {
			t.Fatal(err)
		}
		var all changesPage
		if code := get(t, base+"/api/v1/changes?since=0&limit=10000", &all); code != 200 {
			t.Fatalf("status %d", code)
		}
		if len(all.Data) != total || all.Next != nil || all.Version == 0 {
			t.Fatalf("since=0: %d changes (want %d), next %v, version %d", len(all.Data), total, all.Next, all.Version)
		}
		for _, c := range all.Data {
			if c.Kind != "new" || c.OldValue != nil || c.Version == 0 {
				t.Fatalf("first load change %+v", c)
			}
		}

		// Paging with a small limit walks the same changes, each once, in order.
		seen := map[string]bool{}
		url := base + "/api/v1/changes?since=0&limit=7"
		var last int64
		for pages := 0; url != ""; pages++ {
			var p changesPage
			if code := get(t, url, &p); code != 200 || pages > 100 {
				t.Fatalf("%s: %d after %d pages", url, code, pages)
			}
			for _, c := range p.Data {
				k := c.Indicator + c.Region + c.Disagg + string(rune(c.Year)) + c.Kind
				if seen[k] || c.Version < last {
					t.Fatalf("change %+v repeated or out of order", c)
				}
				seen[k], last = true, c.Version
			}
			url = ""
			if p.NextURL != nil {
				url = base + *p.NextURL
			}
		}
		if len(seen) != total {
			t.Errorf("paging saw %d changes, want %d", len(seen), total)
		}

		// A revision and a new value after the current version.
		v := all.Version
		if _, err := importer.Import(ctx, st, strings.NewReader("kode_wilayah;kode_indikator;tahun;nilai;status\n16.07;ipm;2022;68,01;revisi\n16.07;ipm;2023;68,50;sementara\n"),
			importer.Request{Upload: domain.Upload{Filename: "ipm.csv", CreatedBy: "test"}}); err != nil {
			t.Fatal(err)
		}
		var since changesPage
		get(t, base+"/api/v1/changes?since="+itoa(v), &since)
		if len(since.Data) != 2 || since.Version != v+1 {
			t.Fatalf("since=%d: %+v", v, since)
		}
		rev, add := since.Data[0], since.Data[1]
		if rev.Year != 2022 || rev.Kind != "revised" || rev.OldValue == nil || *rev.OldValue != 67.93 || rev.NewValue != 68.01 || rev.NewStatus != "revised" || rev.Version != v+1 {
			t.Errorf("revision = %+v", rev)
		}
		if add.Year != 2023 || add.Kind != "new" || add.OldValue != nil || add.NewValue != 68.5 || add.NewStatus != "sementara" {
			t.Errorf("new value = %+v", add)
		}
		// Since before the demo, the revised key's first value is still the
		// demo's, at the demo's version.
		var again changesPage
		get(t, base+"/api/v1/changes?since=0&limit=10000", &again)
		for _, c := range again.Data {
			if c.Indicator == "ipm" && c.Region == "16.07" && c.Year == 2022 && c.Kind == "new" && (c.NewValue != 67.93 || c.Version == v+1) {
				t.Errorf("first value of a revised key = %+v", c)
			}
		}
		if len(again.Data) != total+2 {
			t.Errorf("since=0 after the upload: %d changes, want %d", len(again.Data), total+2)
		}
	})
}

func itoa(v int64) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCompleteness(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		var m struct {
			Data struct {
				Region struct{ Code string } `json:"region"`
				Years  []int                 `json:"years"`
				Counts struct {
					Cells   int     `json:"cells"`
					Percent float64 `json:"percent"`
				} `json:"counts"`
				Rows []struct {
					Indicator, Region, Agency string
					Cells                     []struct {
						Year  int
						State string
					}
				} `json:"rows"`
				Agencies []struct{ Code string } `json:"agencies"`
			} `json:"data"`
		}
		if code := get(t, base+"/api/v1/completeness?region=16.07&from=2021&to=2025", &m); code != 200 {
			t.Fatalf("status %d", code)
		}
		d := m.Data
		if d.Region.Code != "16.07" || len(d.Years) != 5 || d.Counts.Cells == 0 || d.Counts.Percent <= 0 || d.Counts.Percent >= 100 || len(d.Agencies) == 0 {
			t.Fatalf("matrix = %+v", d)
		}
		states := map[string]map[int]string{}
		for _, r := range d.Rows {
			if r.Region == "16.07" {
				states[r.Indicator] = map[int]string{}
				for _, c := range r.Cells {
					states[r.Indicator][c.Year] = c.State
				}
			}
		}
		ipm := states["ipm"]
		if ipm[2021] != "present" || ipm[2022] != "present" || ipm[2023] != "overdue" || ipm[2024] != "overdue" {
			t.Errorf("IPM Banyuasin = %v, want 2021–2022 present, 2023–2024 overdue", ipm)
		}
		if states["kemiskinan"][2025] != "present" {
			t.Errorf("kemiskinan 2025 = %q", states["kemiskinan"][2025])
		}
		districts := 0
		for _, r := range d.Rows {
			if strings.HasPrefix(r.Region, "16.07.") {
				districts++
				if r.Indicator == "ipm" {
					t.Errorf("IPM is expected of district %s, though no district has it", r.Region)
				}
			}
		}
		if districts == 0 {
			t.Errorf("no district rows (districts have poverty figures)")
		}

		code, h, body := fetch(t, base+"/api/v1/completeness?region=16.07&from=2021&to=2025&format=csv")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(body, "kode_wilayah;nama_wilayah;kode_indikator;nama_indikator;instansi;tahun;keadaan\n") ||
			!strings.Contains(body, "16.07;Kabupaten Banyuasin;ipm;Indeks Pembangunan Manusia;bps-banyuasin;2023;overdue\n") {
			t.Errorf("csv: %d %v\n%s", code, h, body)
		}

		code, _, page := fetch(t, base+"/kelengkapan?region=16.07&from=2021&to=2025")
		if code != 200 || !strings.Contains(page, `<html lang="id">`) || !strings.Contains(page, "Indeks Pembangunan Manusia") ||
			!strings.Contains(page, `class="st st-overdue" title="2023">Terlambat</td>`) || !strings.Contains(page, "BPS Kabupaten Banyuasin") {
			t.Errorf("page (id): %d\n%s", code, page)
		}
		code, _, page = fetch(t, base+"/completeness?region=16.07&from=2021&to=2025&lang=en")
		if code != 200 || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Human Development Index") ||
			!strings.Contains(page, `title="2024">Overdue</td>`) {
			t.Errorf("page (en): %d\n%s", code, page)
		}
		if code, _, page = fetch(t, base+"/kelengkapan"); code != 200 || !strings.Contains(page, "Kabupaten Banyuasin") {
			t.Errorf("default page: %d", code)
		}
		if code, _, page = fetch(t, base+"/kelengkapan?region=99.99"); code != 404 || !strings.Contains(page, `role="alert"`) {
			t.Errorf("unknown region page: %d", code)
		}
		// The default years end last year.
		var def struct {
			Data struct{ To int } `json:"data"`
		}
		get(t, base+"/api/v1/completeness?region=16.07", &def)
		if def.Data.To != time.Now().Year()-1 {
			t.Errorf("default to = %d", def.Data.To)
		}
	})
}
