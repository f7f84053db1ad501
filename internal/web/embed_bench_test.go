package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/demo"
	"pantau/internal/testdb"
)

// load runs workers keep-alive clients against url for d and returns
// responses per second, failing on any status but want.
func load(b *testing.B, url string, header http.Header, want, workers int, d time.Duration) float64 {
	tr := &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var n, bad atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				for k, v := range header {
					req.Header[k] = v
				}
				resp, err := client.Do(req)
				if err != nil {
					bad.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					bad.Add(1)
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if bad.Load() > 0 {
		b.Fatalf("%s: %d failed requests", url, bad.Load())
	}
	return float64(n.Load()) / d.Seconds()
}

// BenchmarkEmbedThroughput is the goal: on this machine, load
// generator and server together, a warm embed at ≥ 5,000 responses/s and
// 304 revalidations at ≥ 10,000/s, each at least half of what the same Gin
// server reaches serving a static byte slice of the same size in the same
// run. It reports the figures and fails below the goals.
func BenchmarkEmbedThroughput(b *testing.B) {
	st := testdb.New(b, "sqlite")
	if err := demo.Load(context.Background(), st); err != nil {
		b.Fatal(err)
	}
	base, _ := serveStore(b, st)
	url := base + "/embed/i/kemiskinan_ekstrem?region=16.07&lang=id"
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")

	// The baseline: a bare Gin server answering the same bytes.
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/static", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", body) })
	r.GET("/304", func(c *gin.Context) { c.Header("ETag", etag); c.Status(http.StatusNotModified) })
	plain := httptest.NewServer(r)
	defer plain.Close()

	const workers = 16
	d := 3 * time.Second
	load(b, url, nil, 200, workers, time.Second) // warm up
	inm := http.Header{"If-None-Match": {etag}}
	static := load(b, plain.URL+"/static", nil, 200, workers, d)
	warm := load(b, url, nil, 200, workers, d)
	static304 := load(b, plain.URL+"/304", nil, 304, workers, d)
	revalidate := load(b, url, inm, 304, workers, d)
	b.ReportMetric(warm, "embed/s")
	b.ReportMetric(revalidate, "304/s")
	b.Logf("body %d bytes; warm embed %.0f/s vs static bytes %.0f/s (%.0f%%); 304 %.0f/s vs bare 304 %.0f/s (%.0f%%)",
		len(body), warm, static, 100*warm/static, revalidate, static304, 100*revalidate/static304)
	if warm < 5000 || revalidate < 10000 || warm < static/2 || revalidate < static304/2 {
		b.Errorf("below the goal (≥ 5,000 embeds/s, ≥ 10,000 304/s, each ≥ half the baseline)")
	}
}
