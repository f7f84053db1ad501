package web_test

import (
	"compress/gzip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/wilayah"
)

// shapeRead is one GET of the boundaries API through the handler (no
// network): its time and the bytes of its body.
func shapeRead(b *testing.B, h http.Handler, url string, gz bool) (time.Duration, int) {
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	d := time.Since(start)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
	}
	return d, rec.Body.Len()
}

// reportShapes measures url: the first answer (which simplifies the shapes
// and compresses them for the data version), the median of later ones
// (from the cache), the bytes on the wire plain and gzip-compressed, and the
// median plain series read of the same store, measured in the same run.
func reportShapes(b *testing.B, h http.Handler, url, seriesURL string) {
	cold, _ := shapeRead(b, h, url, true)
	var warm []time.Duration
	var plain, zipped int
	for range 25 {
		d, n := shapeRead(b, h, url, true)
		warm = append(warm, d)
		zipped = n
	}
	_, plain = shapeRead(b, h, url, false)
	sort.Slice(warm, func(i, j int) bool { return warm[i] < warm[j] })
	series := serverTime(b, h, seriesURL, 25)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(plain), "plain-bytes")
	b.ReportMetric(float64(zipped), "gzip-bytes")
	b.ReportMetric(ms(cold), "first-ms")
	b.ReportMetric(ms(warm[len(warm)/2]), "cached-ms")
	b.ReportMetric(series, "series-ms")
	b.ReportMetric(ms(warm[len(warm)/2])/series, "cached/series")
}

// BenchmarkBoundaries measures GET /api/v1/boundaries for Banyuasin's 21
// kecamatan (the demo) and for all 514 regencies (?parent=ID&level=
// kabupaten_kota, after importing testdata/batas' national file), each
// beside the plain /api/v1/series read of the same store.
func BenchmarkBoundaries(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(string(engine)+"/21-kecamatan", func(b *testing.B) {
			st := openDemo(b, engine)
			h := newHandler(b, st)
			for i := 0; i < b.N; i++ {
				reportShapes(b, h, "/api/v1/boundaries?parent=16.07", "/api/v1/series?indicator=kemiskinan&region=16.07")
			}
		})
		b.Run(string(engine)+"/514-regencies", func(b *testing.B) {
			st := openDemo(b, engine)
			loadCountry(b, st)
			h := newHandler(b, st)
			for i := 0; i < b.N; i++ {
				reportShapes(b, h, "/api/v1/boundaries?parent=ID&level=kabupaten_kota", "/api/v1/series?indicator=kemiskinan&region=16.07")
			}
		})
	}
}

// loadCountry adds every province and regency of the official list and
// imports the 514 regencies' shapes.
func loadCountry(b *testing.B, st *store.Store) {
	ctx := context.Background()
	list, err := wilayah.Official()
	if err != nil {
		b.Fatal(err)
	}
	var regions []domain.Region
	for _, p := range list.Children(domain.NationalCode) {
		regions = append(regions, p.Region())
		for _, r := range list.Children(p.Code) {
			if r.Code != demo.RegencyCode {
				regions = append(regions, r.Region())
			}
		}
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(filepath.Join("..", "..", "testdata", "batas", "kabupaten_kota_indonesia.geojson.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	res, err := importer.ImportBoundaries(ctx, st, zr, importer.BoundaryRequest{Filename: "kabupaten_kota_indonesia.geojson", Source: demo.BoundarySource, Licence: demo.BoundaryLicence})
	if err != nil {
		b.Fatal(err)
	}
	if res.Report.Matched != 514 {
		b.Fatalf("matched %d regencies", res.Report.Matched)
	}
}
