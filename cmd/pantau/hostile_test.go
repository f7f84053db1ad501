package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pantau/internal/store"
	"pantau/internal/testdb"
)

// TestHostileQueries sends SQL metacharacters, invalid UTF-8 and absurd
// values in every parameter of the read API: each answer is a clean 4xx or
// 200 with the error shape, never a 500, and the data is intact afterwards.
func TestHostileQueries(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			url, args := testdb.URL(t, engine), []string{}
			if engine == store.Postgres {
				args = []string{"--demo"}
			}
			hostileQueries(t, startServer(t, env("PANTAU_DATABASE_URL", url, "PANTAU_LOG_LEVEL", "error"), args...))
		})
	}
}

func hostileQueries(t *testing.T, base string) {
	hostile := []string{
		`'; DROP TABLE observations; --`, `" OR 1=1 --`, `16.07' OR '1'='1`, "\xff\xfe\xfd", `../../etc/passwd`,
		`%00`, strings.Repeat("9", 5000), `-1`, `99999999999999999999`, `<script>alert(1)</script>`, `__f__function(){}`,
	}
	endpoints := map[string][]string{
		"/api/v1/series":               {"indicator", "region"},
		"/api/v1/progress":             {"indicator", "region", "plan"},
		"/api/v1/disparity":            {"indicator", "parent", "year"},
		"/api/v1/alignment":            {"region"},
		"/api/v1/targets":              {"region", "indicator", "plan"},
		"/api/v1/regions":              {"parent", "level"},
		"/api/v1/observations/history": {"indicator", "region", "year"},
	}
	for path, params := range endpoints {
		for _, p := range params {
			for _, h := range hostile {
				q := neturl.Values{}
				for _, other := range params {
					q.Set(other, map[string]string{"indicator": "kemiskinan", "region": "16.07", "parent": "16.07", "year": "2024", "plan": "rpjmn-2025-2029", "level": "kecamatan"}[other])
				}
				q.Set(p, h)
				resp, err := http.Get(base + path + "?" + q.Encode())
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s=%q: %d %s", path, p, h, resp.StatusCode, body)
				}
				if resp.StatusCode >= 400 {
					var e struct {
						Error struct{ Code, Message string } `json:"error"`
					}
					if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
						t.Errorf("%s %s=%q: error body %s", path, p, h, body)
					}
				}
				if strings.Contains(string(body), "<script>") {
					t.Errorf("%s %s=%q: reflected markup unescaped: %s", path, p, h, body)
				}
			}
		}
	}
	var s seriesBody
	if code := getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s); code != 200 || len(s.Data.Observations) != 2 {
		t.Fatalf("data damaged after hostile queries: %d %+v", code, s)
	}
}

// TestSlowHeaders opens a connection and sends its headers a byte at a time
// (slowloris): the server hangs up after its read-header timeout instead of
// holding the connection.
func TestSlowHeaders(t *testing.T) {
	base := startServer(t, env("PANTAU_DATABASE_URL", filepath.Join(t.TempDir(), "pantau.db"), "PANTAU_LOG_LEVEL", "error",
		"PANTAU_READ_HEADER_TIMEOUT", "500ms"))
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET /api/v1/indicators HTTP/1.1\r\nHost: x\r\n"))
	start := time.Now()
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, bufio.NewReader(conn))
		close(closed)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("closed only after %v", d)
			}
			return
		case <-tick.C:
			if _, err := conn.Write([]byte("X")); err != nil {
				return // the server hung up
			}
			if time.Since(start) > 10*time.Second {
				t.Fatal("the server keeps a connection whose headers never end")
			}
		}
	}
}
