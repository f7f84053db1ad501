package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"pantau/internal/benchdata"
	"pantau/internal/domain"
	"pantau/internal/testdb"
)

// BenchmarkPagedQueries is issue 17's check that paged lists cost a page,
// not the table (part of make bench): on each engine the national data
// set (benchdata.LoadNational: 7.56 million values; PANTAU_BENCH_ROOT=16
// loads one province in a fraction of the time) and the demo, it prints
// the first request's time through the handler (p50 and worst of five,
// each another URL so no cache answers) of the change feed's first and
// second pages, the completeness matrix (API and page) at a regency, a
// province and the nation, and pages of the export API, each beside the
// same request to the demo in the same run.
func BenchmarkPagedQueries(b *testing.B) {
	root := cmp.Or(os.Getenv("PANTAU_BENCH_ROOT"), domain.NationalCode)
	year := time.Now().Year() - 1
	requests := []string{
		"/api/v1/changes?since=0&limit=100",
		"second page: /api/v1/changes?since=0&limit=100",
		"/api/v1/completeness?region=16.07",
		fmt.Sprintf("/api/v1/completeness?region=16.07&from=%d&to=%d", year-14, year),
		"/kelengkapan?region=16.07",
		"/kelengkapan?region=16",
		"/kelengkapan?region=ID",
		"/api/v1/export?limit=100",
		"second page: /api/v1/export?limit=100",
		"/api/v1/export?limit=100&region=16.07",
		"/api/v1/export?limit=100&indicator=kemiskinan&region=16",
	}
	for _, engine := range testdb.Engines {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			nat := testdb.New(b, engine)
			start := time.Now()
			n, err := benchdata.LoadNational(ctx, nat, root)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Printf("\npaged queries, %s: %d values under %s loaded in %.0f s\n", engine, n.Values, root, time.Since(start).Seconds())
			_, natH := serveStore(b, nat)
			_, demoH := serveStore(b, openDemo(b, engine))
			for i := 0; i < b.N; i++ {
				fmt.Printf("%-64s %21s %21s\n", "first request (ms, p50 / worst of 5)", "national", "demo")
				worst := 0.0
				for _, r := range requests {
					np50, nmax := firstRequests(b, natH, r)
					dp50, dmax := firstRequests(b, demoH, r)
					fmt.Printf("%-64s %10.1f / %8.1f %10.1f / %8.1f\n", r, np50, nmax, dp50, dmax)
					worst = max(worst, nmax/max(dmax, 1))
				}
				b.ReportMetric(worst, "worst-national/demo")
			}
		})
	}
}

// firstRequests times five first requests of url through h, each with
// another ?nocache= so that no cache has seen it, and returns the median
// and the worst in milliseconds. A url "second page: …" times the page
// after the first (its next_url); the first is not timed.
func firstRequests(b *testing.B, h http.Handler, url string) (p50, worst float64) {
	b.Helper()
	var ms []float64
	for i := 0; i < 5; i++ {
		u := url
		if rest, ok := strings.CutPrefix(url, "second page: "); ok {
			var first struct {
				NextURL *string `json:"next_url"`
			}
			if err := json.Unmarshal([]byte(serve(b, h, rest)), &first); err != nil || first.NextURL == nil {
				b.Fatalf("%s: no next page (%v)", rest, err)
			}
			u = *first.NextURL
		}
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		u += fmt.Sprintf("%snocache=%d", sep, time.Now().UnixNano())
		start := time.Now()
		serve(b, h, u)
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	slices.Sort(ms)
	return ms[len(ms)/2], ms[len(ms)-1]
}

// serve answers url through h and returns the body; anything but 200
// stops the benchmark.
func serve(b *testing.B, h http.Handler, url string) string {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %.300s", url, rec.Code, rec.Body.String())
	}
	return rec.Body.String()
}
