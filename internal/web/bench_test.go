package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// serverTime measures the handler alone (no network): the median of n
// requests, in milliseconds.
func serverTime(b *testing.B, h http.Handler, url string, n int) float64 {
	return percentile(pageTimes(b, h, url, n), 0.5)
}

// BenchmarkProgressScorecard measures GET /api/v1/progress?region=16.07 on
// the demo (goal: under 20 ms server time), and the scorecard of one regency
// among 514 regencies × 30 indicators × 15 years (goal: under 50 ms), each
// beside the plain /api/v1/series read of the same store as a baseline.
func BenchmarkProgressScorecard(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(string(engine)+"/demo", func(b *testing.B) {
			st := openDemo(b, engine)
			h := newHandler(b, st)
			for i := 0; i < b.N; i++ {
				reportScorecard(b, h, "kemiskinan", 25, 20)
			}
		})
		b.Run(string(engine)+"/514-regencies", func(b *testing.B) {
			st := testdb.New(b, engine)
			loadNational(b, st)
			h := newHandler(b, st)
			for i := 0; i < b.N; i++ {
				reportScorecard(b, h, "ind00", 15, 50)
			}
		})
	}
}

// reportScorecard reports the median server time of Banyuasin's scorecard
// (n requests), beside that of the series of indicator and against the
// goal in milliseconds.
func reportScorecard(b *testing.B, h http.Handler, indicator string, n int, goal float64) {
	ms := serverTime(b, h, "/api/v1/progress?region=16.07", n)
	base := serverTime(b, h, "/api/v1/series?indicator="+indicator+"&region=16.07", n)
	b.ReportMetric(ms, "scorecard-ms")
	b.ReportMetric(base, "series-ms")
	b.ReportMetric(ms/base, "scorecard/series")
	b.ReportMetric(ms/goal, fmt.Sprintf("of-%gms-goal", goal))
}

// loadNational stores 514 regencies (38 provinces) × 30 indicators × 15
// years (2010–2024) with targets of a regency plan for 2025–2029.
func loadNational(b *testing.B, st *store.Store) {
	ctx := context.Background()
	regions := []domain.Region{{Code: "ID", Name: "Indonesia", Level: domain.LevelNational}}
	var regencies []string
	for p := 0; p < 38; p++ {
		prov := fmt.Sprintf("%02d", 11+p)
		r, _ := domain.NewRegion(prov, "", "Provinsi "+prov)
		regions = append(regions, r)
		for k := 1; k <= 14 && len(regencies) < 514; k++ {
			code := fmt.Sprintf("%s.%02d", prov, k)
			if prov == "16" && k == 7 {
				code = "16.07"
			}
			r, _ := domain.NewRegion(code, "", "Kabupaten "+code)
			regions = append(regions, r)
			regencies = append(regencies, code)
		}
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		pol := domain.LowerIsBetter
		if i%2 == 1 {
			pol = domain.HigherIsBetter
		}
		if err := st.PutIndicator(ctx, domain.Indicator{Code: fmt.Sprintf("ind%02d", i), NameID: fmt.Sprintf("Indikator %d", i),
			Unit: domain.UnitPercent, Polarity: pol, Decimals: 2}); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.PutPlan(ctx, domain.Plan{Code: "rpjmd", Name: "RPJMD 2025–2029", Level: domain.PlanRegency, RegionCode: "16.07",
		StartYear: 2025, EndYear: 2029}); err != nil {
		b.Fatal(err)
	}
	var obs, tg strings.Builder
	obs.WriteString("kode_wilayah,kode_indikator,tahun,nilai\n")
	tg.WriteString("rencana,kode_indikator,kode_wilayah,tahun,nilai\n")
	for i := 0; i < 30; i++ {
		for ri, r := range regencies {
			for y := 2010; y < 2025; y++ {
				fmt.Fprintf(&obs, "%s,ind%02d,%d,%.2f\n", r, i, y, 20+float64((i*13+ri*7+y*3)%500)/50-float64(y-2010)*0.3)
			}
		}
		for y := 2025; y <= 2029; y++ {
			fmt.Fprintf(&tg, "rpjmd,ind%02d,16.07,%d,%.2f\n", i, y, 10+float64(i)/10)
		}
	}
	for _, f := range []struct {
		text    string
		targets bool
	}{{obs.String(), false}, {tg.String(), true}} {
		if _, err := importer.Import(ctx, st, strings.NewReader(f.text), importer.Request{Targets: f.targets,
			Options: ingest.Options{Decimal: ingest.DecimalPoint}}); err != nil {
			b.Fatal(err)
		}
	}
}

// percentile returns the p-th percentile (0–1) of ds, in milliseconds.
func percentile(ds []time.Duration, p float64) float64 {
	s := append([]time.Duration(nil), ds...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
}

// pageTimes renders url n times through the handler alone (no network).
func pageTimes(b *testing.B, h http.Handler, url string, n int) []time.Duration {
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		ds = append(ds, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
		}
	}
	return ds
}

// throughput fetches url over real HTTP from workers goroutines for d and
// returns pages per second; any non-200 answer fails the benchmark.
func throughput(b *testing.B, h http.Handler, url string, workers int, d time.Duration) float64 {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var n, bad atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				resp, err := client.Get(srv.URL + url)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					bad.Add(1)
					continue
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() > 0 {
		b.Fatalf("%s: %d failed requests", url, bad.Load())
	}
	return float64(n.Load()) / d.Seconds()
}

// BenchmarkDashboardPage measures the Banyuasin dashboard page: p50/p99
// server time of a full render on the demo (goal p99 < 30 ms) and with 514
// regencies × 30 indicators × 15 years stored (goal < 100 ms), the same
// for answers from the page cache, and pages/s over real HTTP from 8
// clients (goal ≥ 1,000), beside /healthz as the baseline of the same
// server in the same run.
func BenchmarkDashboardPage(b *testing.B) {
	for _, engine := range testdb.Engines {
		for _, size := range []string{"demo", "514-regencies"} {
			b.Run(string(engine)+"/"+size, func(b *testing.B) {
				st := openDemo(b, engine)
				if size != "demo" {
					loadNational(b, st)
				}
				h := newHandler(b, st)
				url := "/d/makro-banyuasin?region=16.07"
				for i := 0; i < b.N; i++ {
					// Rendered every time: a query parameter the page ignores
					// makes every request a page-cache miss.
					var cold []time.Duration
					for j := 0; j < 200; j++ {
						cold = append(cold, pageTimes(b, h, fmt.Sprintf("%s&nocache=%d-%d", url, i, j), 1)...)
					}
					b.ReportMetric(percentile(cold, 0.5), "render-p50-ms")
					b.ReportMetric(percentile(cold, 0.99), "render-p99-ms")
					pageTimes(b, h, url, 20) // warm up
					ds := pageTimes(b, h, url, 200)
					b.ReportMetric(percentile(ds, 0.5), "cached-p50-ms")
					b.ReportMetric(percentile(ds, 0.99), "cached-p99-ms")
					pps := throughput(b, h, url, 8, 3*time.Second)
					base := throughput(b, h, "/healthz", 8, 2*time.Second)
					b.ReportMetric(pps, "pages/s")
					b.ReportMetric(base, "healthz/s")
					b.ReportMetric(pps/base, "pages/healthz")
				}
			})
		}
	}
}
