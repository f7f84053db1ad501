// Package loadtest holds the bounded, loopback-only load test behind
// `make loadtest`: many readers on pages and the API while uploads run, then
// a check that every uploaded row is stored. It reports requests/s and
// latency percentiles; it asserts no errors and no lost rows, never timings.
package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// readPaths are what readers fetch, round robin.
var readPaths = []string{
	"/",
	"/d/makro-banyuasin",
	"/d/kesenjangan-kecamatan",
	"/i/kemiskinan_ekstrem?region=16.07",
	"/i/kemiskinan?region=16.07&lang=en",
	"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07",
	"/api/v1/progress?region=16.07",
	"/api/v1/progress?indicator=kemiskinan&region=16.07",
	"/api/v1/disparity?indicator=kemiskinan&parent=16.07",
	"/api/v1/alignment?region=16.07",
	"/api/v1/regions?parent=16.07",
}

func TestLoad(t *testing.T) {
	if os.Getenv("PANTAU_LOADTEST") != "1" {
		t.Skip("load test: run with make loadtest (PANTAU_LOADTEST=1)")
	}
	duration := 10 * time.Second
	if d, err := time.ParseDuration(os.Getenv("PANTAU_LOADTEST_DURATION")); err == nil {
		duration = d
	}
	readers := 16
	if n, err := strconv.Atoi(os.Getenv("PANTAU_LOADTEST_READERS")); err == nil && n > 0 {
		readers = n
	}
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := testdb.New(t, engine)
			if err := demo.Load(ctx, st); err != nil {
				t.Fatal(err)
			}
			h, err := web.New(st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()

			var (
				mu        sync.Mutex
				latencies []time.Duration
				errs      atomic.Int64
				firstErr  atomic.Value
				uploads   atomic.Int64
				stop      = make(chan struct{})
				wg        sync.WaitGroup
			)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: readers}}
			for r := 0; r < readers; r++ {
				wg.Add(1)
				go func(r int) {
					defer wg.Done()
					var mine []time.Duration
					for i := r; ; i++ {
						select {
						case <-stop:
							mu.Lock()
							latencies = append(latencies, mine...)
							mu.Unlock()
							return
						default:
						}
						start := time.Now()
						resp, err := client.Get(srv.URL + readPaths[i%len(readPaths)])
						if err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != http.StatusOK {
								err = fmt.Errorf("%s: %s", readPaths[i%len(readPaths)], resp.Status)
							}
						}
						if err != nil {
							errs.Add(1)
							firstErr.CompareAndSwap(nil, err.Error())
							continue
						}
						mine = append(mine, time.Since(start))
					}
				}(r)
			}
			// One uploader, through the HTTP upload API with an agency token,
			// at about one upload a second (the per-client upload limit is 60
			// a minute): each writes eight years for every kecamatan, and
			// later rounds revise the values of earlier ones.
			token, _, err := st.CreateToken(ctx, "bps-banyuasin", "loadtest")
			if err != nil {
				t.Fatal(err)
			}
			expected := map[string]float64{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(time.Second)
				defer tick.Stop()
				for n := 0; ; n++ {
					var b bytes.Buffer
					b.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
					sent := map[string]float64{}
					for i, k := range demo.Kecamatan {
						for year := 2017; year < 2025; year++ {
							v := float64((n*31+i*7+year)%2000) / 100
							fmt.Fprintf(&b, "%s;tpt;%d;%s\n", k[0], year, strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1))
							sent[fmt.Sprintf("%s/%d", k[0], year)] = v
						}
					}
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/uploads", &b)
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "text/csv")
					resp, err := client.Do(req)
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusCreated {
							err = fmt.Errorf("upload %d: %s", n, resp.Status)
						}
					}
					if err != nil {
						errs.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
						return
					}
					for k, v := range sent {
						expected[k] = v
					}
					uploads.Add(1)
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			}()
			time.Sleep(duration)
			close(stop)
			wg.Wait()

			// Every uploaded row is stored with its value.
			lost := 0
			for _, k := range demo.Kecamatan {
				s, err := st.Series(ctx, "tpt", k[0])
				if err != nil {
					t.Fatal(err)
				}
				got := map[int]float64{}
				for _, o := range s.Observations {
					got[o.Year] = o.Value
				}
				for key, v := range expected {
					region, y, _ := strings.Cut(key, "/")
					year, _ := strconv.Atoi(y)
					if region == k[0] && got[year] != v {
						lost++
					}
				}
			}
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			pct := func(p float64) time.Duration {
				if len(latencies) == 0 {
					return 0
				}
				return latencies[int(p*float64(len(latencies)-1))]
			}
			t.Logf("%s: %d readers for %v: %d requests (%.0f req/s), p50 %v, p99 %v, max %v; %d uploads (%d rows, %d distinct keys); errors %d; rows lost %d",
				engine, readers, duration, len(latencies), float64(len(latencies))/duration.Seconds(), pct(0.5), pct(0.99), pct(1),
				uploads.Load(), uploads.Load()*int64(8*len(demo.Kecamatan)), len(expected), errs.Load(), lost)
			if errs.Load() > 0 {
				t.Errorf("%d errors, first: %v", errs.Load(), firstErr.Load())
			}
			if lost > 0 {
				t.Errorf("%d uploaded rows lost", lost)
			}
		})
	}
}
