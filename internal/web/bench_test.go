package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/importer"
	"pantau/internal/indicator"
	"pantau/internal/ingest"
	"pantau/internal/pgtest"
	"pantau/internal/store"
	"pantau/internal/web"
)

func benchStore(b *testing.B, engine string) *store.Store {
	url := filepath.Join(b.TempDir(), "pantau.db")
	if engine == "postgres" {
		url = pgtest.URL(b)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return st
}

// serverTime measures the handler alone (no network): the median of n
// requests, in milliseconds.
func serverTime(b *testing.B, h http.Handler, url string, n int) float64 {
	var ds []time.Duration
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
	// insertion sort: n is small
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j] < ds[j-1]; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
	return float64(ds[len(ds)/2].Microseconds()) / 1000
}

// BenchmarkProgressScorecard measures GET /api/v1/progress?region=16.07 on
// the demo (goal: under 20 ms server time), and the scorecard of one regency
// among 514 regencies × 30 indicators × 15 years (goal: under 50 ms), each
// beside the plain /api/v1/series read of the same store as a baseline.
func BenchmarkProgressScorecard(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine+"/demo", func(b *testing.B) {
			st := benchStore(b, engine)
			if err := demo.Load(context.Background(), st); err != nil {
				b.Fatal(err)
			}
			h, _ := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for i := 0; i < b.N; i++ {
				ms := serverTime(b, h, "/api/v1/progress?region=16.07", 25)
				base := serverTime(b, h, "/api/v1/series?indicator=kemiskinan&region=16.07", 25)
				b.ReportMetric(ms, "scorecard-ms")
				b.ReportMetric(base, "series-ms")
				b.ReportMetric(ms/base, "scorecard/series")
				b.ReportMetric(ms/20, "of-20ms-goal")
			}
		})
		b.Run(engine+"/514-regencies", func(b *testing.B) {
			st := benchStore(b, engine)
			loadNational(b, st)
			h, _ := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			for i := 0; i < b.N; i++ {
				ms := serverTime(b, h, "/api/v1/progress?region=16.07", 15)
				base := serverTime(b, h, "/api/v1/series?indicator=ind00&region=16.07", 15)
				b.ReportMetric(ms, "scorecard-ms")
				b.ReportMetric(base, "series-ms")
				b.ReportMetric(ms/base, "scorecard/series")
				b.ReportMetric(ms/50, "of-50ms-goal")
			}
		})
	}
}

// loadNational stores 514 regencies (38 provinces) × 30 indicators × 15
// years (2010–2024) with targets of a regency plan for 2025–2029.
func loadNational(b *testing.B, st *store.Store) {
	ctx := context.Background()
	regions := []indicator.Region{{Code: "ID", Name: "Indonesia", Level: indicator.LevelNational}}
	var regencies []string
	for p := 0; p < 38; p++ {
		prov := fmt.Sprintf("%02d", 11+p)
		r, _ := indicator.NewRegion(prov, "", "Provinsi "+prov)
		regions = append(regions, r)
		for k := 1; k <= 14 && len(regencies) < 514; k++ {
			code := fmt.Sprintf("%s.%02d", prov, k)
			if prov == "16" && k == 7 {
				code = "16.07"
			}
			r, _ := indicator.NewRegion(code, "", "Kabupaten "+code)
			regions = append(regions, r)
			regencies = append(regencies, code)
		}
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		pol := indicator.LowerIsBetter
		if i%2 == 1 {
			pol = indicator.HigherIsBetter
		}
		if err := st.PutIndicator(ctx, indicator.Indicator{Code: fmt.Sprintf("ind%02d", i), NameID: fmt.Sprintf("Indikator %d", i),
			Unit: indicator.UnitPercent, Polarity: pol, Decimals: 2}); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.PutPlan(ctx, indicator.Plan{Code: "rpjmd", Name: "RPJMD 2025–2029", Level: indicator.PlanRegency, RegionCode: "16.07",
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
