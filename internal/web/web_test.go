package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// openDemo is a fresh database of the engine with the demo loaded.
func openDemo(t testing.TB, engine store.Dialect) *store.Store {
	t.Helper()
	st := testdb.New(t, engine)
	if err := demo.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

// importCSV stores csv (decimal commas) through the normal import path as
// the upload of file by who for the agency bappeda-banyuasin.
func importCSV(t testing.TB, st *store.Store, file, who, csv string) domain.Upload {
	t.Helper()
	res, err := importer.Import(context.Background(), st, strings.NewReader(csv), importer.Request{
		Upload:  domain.Upload{Filename: file, CreatedBy: who, AgencyCode: "bappeda-banyuasin"},
		Options: ingest.Options{Decimal: ingest.DecimalComma},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res.Upload
}

// newHandler is Pantau's handler over st, logging nowhere.
func newHandler(t testing.TB, st *store.Store, opts ...web.Options) http.Handler {
	t.Helper()
	h, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serveStore starts a real HTTP server over st for the test.
func serveStore(t testing.TB, st *store.Store, opts ...web.Options) (string, http.Handler) {
	t.Helper()
	h := newHandler(t, st, opts...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, h
}

// demoServers runs fn against a real HTTP server over the demo data, once
// on SQLite and once on PostgreSQL.
func demoServers(t *testing.T, fn func(t *testing.T, base string)) {
	demoServersWithStore(t, func(t *testing.T, base string, _ *store.Store) { fn(t, base) })
}

func get(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "NaN") || strings.Contains(string(body), "Inf") {
		t.Errorf("%s: body carries NaN/Inf", url)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("%s: %v: %s", url, err, body)
	}
	return resp.StatusCode
}

func TestProgressAPI(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		var one struct {
			Data struct {
				Total *struct {
					Latest struct {
						Year  int
						Value float64
					} `json:"latest"`
					Headline *struct {
						Target struct {
							Plan string `json:"plan"`
							Year int    `json:"year"`
						} `json:"target"`
						SDG         struct{ Status string } `json:"sdg"`
						Anticipated struct{ Status string } `json:"anticipated"`
					} `json:"headline"`
				} `json:"total"`
				Caption struct{ ID, EN string } `json:"caption"`
			} `json:"data"`
		}
		if code := get(t, base+"/api/v1/progress?indicator=kemiskinan_ekstrem&region=16.07", &one); code != 200 {
			t.Fatalf("status %d", code)
		}
		tot := one.Data.Total
		if tot == nil || tot.Latest.Year != 2024 || tot.Latest.Value != 0.49 {
			t.Fatalf("latest = %+v", tot)
		}
		if tot.Headline == nil || tot.Headline.Target.Plan != "rpjmd-banyuasin-2025-2029" || tot.Headline.SDG.Status == "" || tot.Headline.Anticipated.Status == "" {
			t.Fatalf("headline = %+v", tot.Headline)
		}
		if !strings.Contains(one.Data.Caption.ID, "0,56") || !strings.Contains(one.Data.Caption.ID, "0,49") || !strings.Contains(one.Data.Caption.EN, "0.49") {
			t.Errorf("caption = %+v", one.Data.Caption)
		}

		// Unemployment has illustrative groups by sex: the gap is reported.
		var tpt struct {
			Data struct {
				Groups []struct{ Disaggregation string } `json:"groups"`
				Gaps   []json.RawMessage                 `json:"gaps"`
			} `json:"data"`
		}
		get(t, base+"/api/v1/progress?indicator=tpt&region=16.07", &tpt)
		if len(tpt.Data.Groups) != 2 || len(tpt.Data.Gaps) != 1 {
			t.Errorf("tpt groups %+v gaps %d", tpt.Data.Groups, len(tpt.Data.Gaps))
		}

		var card struct {
			Data []struct {
				Indicator, Disaggregation string
				SDG                       struct{ Status string } `json:"sdg"`
			} `json:"data"`
		}
		get(t, base+"/api/v1/progress?region=16.07", &card)
		seen := map[string]bool{}
		for _, r := range card.Data {
			if r.Disaggregation == "" {
				seen[r.Indicator] = true
				if r.SDG.Status == "" {
					t.Errorf("scorecard row %s has no status", r.Indicator)
				}
			}
		}
		for _, want := range []string{"kemiskinan", "kemiskinan_ekstrem", "ipm", "tpt", "pertumbuhan_ekonomi", "stunting"} {
			if !seen[want] {
				t.Errorf("scorecard lacks %s (has %v)", want, seen)
			}
		}

		var disp struct {
			Data struct {
				Year      int `json:"year"`
				Disparity struct {
					N          int               `json:"n"`
					Williamson *float64          `json:"williamson"`
					Ranking    []json.RawMessage `json:"ranking"`
				} `json:"disparity"`
			} `json:"data"`
		}
		if code := get(t, base+"/api/v1/disparity?indicator=kemiskinan&parent=16.07", &disp); code != 200 {
			t.Fatalf("disparity status %d", code)
		}
		if disp.Data.Year != 2025 || disp.Data.Disparity.N != 21 || len(disp.Data.Disparity.Ranking) != 21 || disp.Data.Disparity.Williamson == nil {
			t.Errorf("disparity = %+v", disp.Data)
		}

		var align struct {
			Data []struct {
				Indicator string   `json:"indicator"`
				Year      int      `json:"year"`
				Flags     []string `json:"flags"`
			} `json:"data"`
		}
		get(t, base+"/api/v1/alignment?region=16.07", &align)
		flagged := false
		for _, r := range align.Data {
			if r.Indicator == "pertumbuhan_ekonomi" && r.Year == 2029 {
				for _, f := range r.Flags {
					flagged = flagged || strings.Contains(f, "less_ambitious")
				}
			}
		}
		if !flagged {
			t.Errorf("the illustrative 6.5%% growth target for 2029 is not flagged against the RPJMN's 8%%: %+v", align.Data)
		}

		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		for url, want := range map[string]int{
			"/api/v1/progress":                             400,
			"/api/v1/progress?region=99.99":                404,
			"/api/v1/progress?indicator=nope&region=16.07": 404,
			"/api/v1/disparity?indicator=kemiskinan":       400,
			"/api/v1/uploads/abc":                          400,
			"/api/v1/uploads/999999":                       404,
			"/api/v1/observations/history?indicator=ipm":   400,
			"/no/such/page":                                404,
		} {
			if code := get(t, base+url, &e); code != want || e.Error.Code == "" {
				t.Errorf("%s: %d %+v, want %d with an error code", url, code, e, want)
			}
		}
	})
}

func TestMetricsAndHeaders(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		resp, err := http.Get(base + "/api/v1/series?indicator=kemiskinan&region=16.07")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "strict-origin-when-cross-origin"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if len(resp.Header.Get("X-Request-ID")) < 8 {
			t.Errorf("no request id: %v", resp.Header)
		}
		req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
		req.Header.Set("X-Request-ID", "caller-chosen-id-1")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-ID"); got != "caller-chosen-id-1" {
			t.Errorf("request id not echoed: %q", got)
		}
		http.Get(base + "/no/such/thing?x=1")
		wants := []string{
			`pantau_http_requests_total{method="GET",route="/api/v1/series",status="200"} 1`,
			`route="unmatched",status="404"`,
			`pantau_http_request_duration_seconds_bucket{method="GET",route="/api/v1/series"`,
			`go_sql_max_open_connections`,
			`go_goroutines`,
		}
		// A request is counted after its answer is written, so the client
		// can ask /metrics before the count of its last request is in:
		// read again for a short while before calling a line missing.
		var body []byte
		for try := 0; try < 50; try++ {
			resp, err = http.Get(base + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if !slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(string(body), w) }) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if strings.Contains(string(body), "/no/such/thing") {
			t.Error("/metrics carries a raw path as a label")
		}
	})
}

func TestETagOnReads(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		url := base + "/api/v1/progress?region=16.07"
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || etag == "" || len(body) == 0 {
			t.Fatalf("first read: %d etag %q, %d bytes", resp.StatusCode, etag, len(body))
		}
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified || len(again) != 0 {
			t.Fatalf("conditional read: %d with %d bytes, want 304 and none", resp.StatusCode, len(again))
		}
		req.Header.Set("If-None-Match", `"something-else"`)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("stale validator: %d, want 200", resp.StatusCode)
		}
		// Errors carry no validator.
		resp, _ = http.Get(base + "/api/v1/progress")
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("ETag") != "" {
			t.Fatalf("error answer: %d etag %q", resp.StatusCode, resp.Header.Get("ETag"))
		}
	})
}

func TestListFilters(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		var regions struct {
			Data []struct{ Code string } `json:"data"`
			Meta struct {
				Total, Limit, Offset int
				Next                 string
			} `json:"meta"`
		}
		get(t, base+"/api/v1/regions?subtree=16.07&limit=10", &regions)
		if regions.Meta.Total != 22 || len(regions.Data) != 10 || regions.Data[0].Code != "16.07" || regions.Meta.Next == "" {
			t.Fatalf("first page: %+v", regions)
		}
		var seen []string
		for next := "/api/v1/regions?subtree=16.07&limit=10"; next != ""; {
			regions.Meta.Next = ""
			get(t, base+next, &regions)
			for _, r := range regions.Data {
				seen = append(seen, r.Code)
			}
			next = regions.Meta.Next
		}
		if len(seen) != 22 || seen[21] != "16.07.21" {
			t.Fatalf("paging through the subtree gave %v", seen)
		}
		var s struct {
			Data struct {
				Observations []struct{ Year int } `json:"observations"`
			} `json:"data"`
		}
		get(t, base+"/api/v1/series?indicator=kemiskinan&region=16.07&from=2023&to=2024", &s)
		if len(s.Data.Observations) != 2 || s.Data.Observations[0].Year != 2023 {
			t.Fatalf("year range: %+v", s.Data.Observations)
		}
		var e struct{ Error struct{ Code string } }
		for _, u := range []string{"/api/v1/series?indicator=kemiskinan&region=16.07&from=2025&to=2020", "/api/v1/regions?limit=-1", "/api/v1/series?indicator=kemiskinan&region=16.07&from=abc"} {
			if code := get(t, base+u, &e); code != 400 {
				t.Errorf("%s: %d", u, code)
			}
		}
	})
}
