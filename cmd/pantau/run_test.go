package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pantau/internal/pgtest"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) {
	// The fault tests start this test binary as the pantau command.
	if os.Getenv("PANTAU_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	testdb.Main(m)
}

// env returns a getenv that knows only the given variables.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		return ex.code
	}
	return 1
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServer runs `pantau serve` in the background until the test ends and
// waits for /readyz.
func startServer(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"pantau", "serve", "--addr", addr}, args...), getenv, &bytes.Buffer{}, &logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve ended with %v", err)
		}
	})
	base := "http://" + addr
	for i := 0; i < 300; i++ {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case err := <-done:
			done <- nil // the cleanup waits for serve to end: it has
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server on %s never became ready\n%s", addr, logs.String())
	return ""
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode
}

type seriesBody struct {
	Data struct {
		Observations []struct {
			Year           int     `json:"year"`
			Value          float64 `json:"value"`
			Disaggregation string  `json:"disaggregation"`
		} `json:"observations"`
		Targets []struct {
			Plan string  `json:"plan"`
			Year int     `json:"year"`
			Low  float64 `json:"low"`
		} `json:"targets"`
	} `json:"data"`
}

// TestServeDemoSeries starts the real server on each database and reads
// Banyuasin's extreme poverty over HTTP.
func TestServeDemoSeries(t *testing.T) {
	for _, tt := range []struct {
		name string
		url  func(t *testing.T) string
		args []string
	}{
		// A new SQLite file gets the demo without being asked.
		{name: "sqlite", url: func(t *testing.T) string { return testdb.URL(t, store.SQLite) }},
		{name: "postgres", url: func(t *testing.T) string { return testdb.URL(t, store.Postgres) }, args: []string{"--demo"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := startServer(t, env("PANTAU_DATABASE_URL", tt.url(t), "PANTAU_LOG_LEVEL", "warn"), tt.args...)
			var s seriesBody
			if code := getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s); code != 200 {
				t.Fatalf("status %d", code)
			}
			got := map[int]float64{}
			for _, o := range s.Data.Observations {
				if o.Disaggregation == "" {
					got[o.Year] = o.Value
				}
			}
			if len(got) != 2 || got[2023] != 0.56 || got[2024] != 0.49 {
				t.Fatalf("Banyuasin extreme poverty = %v, want 2023: 0.56, 2024: 0.49", got)
			}
			// The national RPJMN target reaches the regency's series.
			found := false
			for _, tg := range s.Data.Targets {
				found = found || tg.Plan == "rpjmn-2025-2029" && tg.Year == 2026 && tg.Low == 0
			}
			if !found {
				t.Errorf("RPJMN 2026 target 0 missing from %+v", s.Data.Targets)
			}
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if code := getJSON(t, base+"/api/v1/series?indicator=nope&region=16.07", &e); code != 404 || e.Error.Code != "not_found" {
				t.Errorf("unknown indicator: %d %+v", code, e)
			}
			if code := getJSON(t, base+"/api/v1/series", &e); code != 400 {
				t.Errorf("missing parameters: %d %+v", code, e)
			}
			if err := run(context.Background(), []string{"pantau", "healthcheck", "--addr", strings.TrimPrefix(base, "http://")}, env(), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
				t.Errorf("healthcheck against a running server: %v", err)
			}
			var regions struct {
				Data []struct{ Code, BPSCode string } `json:"data"`
			}
			getJSON(t, base+"/api/v1/regions?parent=16.07", &regions)
			if len(regions.Data) != 21 {
				t.Errorf("Banyuasin has %d kecamatan in the API, want 21", len(regions.Data))
			}
			resp, err := http.Get(base + "/?lang=en")
			if err != nil {
				t.Fatal(err)
			}
			var page bytes.Buffer
			page.ReadFrom(resp.Body)
			resp.Body.Close()
			if !strings.Contains(page.String(), "Extreme poverty") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("English index page lacks the indicator: %s", page.String())
			}
		})
	}
}

func writeFile(t *testing.T, name, text string) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pantau.db")
	getenv := env("PANTAU_DATABASE_URL", db)
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"pantau", "demo"}, getenv, &out, &errb); err != nil {
		t.Fatalf("demo: %v %s", err, errb.String())
	}
	for _, tt := range []struct {
		name     string
		args     []string
		file     string
		code     int
		stdout   []string
		stderr   []string
		wantRows string
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: []string{"--dry-run", "--decimal"}},
		{name: "no file", args: []string{}, code: 2, stderr: []string{"exactly one FILE"}},
		{name: "bad decimal flag", args: []string{"--decimal", "x"}, file: "a.csv", code: 2, stderr: []string{"--decimal"}},
		{
			name: "one bad row rejects the file",
			file: "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,40\n16.07;kemiskinan_ekstrem;2026;abc\n",
			code: 1, stdout: []string{"rejected 1"}, stderr: []string{"line 3", "nilai", `"abc"`},
			wantRows: "2023:0.56 2024:0.49",
		},
		{
			name: "dry run stores nothing",
			args: []string{"--dry-run"},
			file: "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2024;0,50\n16.07;kemiskinan_ekstrem;2025;0,40\n",
			code: 0, stdout: []string{"new 1, changed 1, unchanged 0", "dry run"},
			wantRows: "2023:0.56 2024:0.49",
		},
		{
			name: "accepted",
			file: "kode_wilayah;kode_indikator;tahun;nilai\n1607;kemiskinan_ekstrem;2024;0,49\n16.07;kemiskinan_ekstrem;2025;0,40\n16.07;kemiskinan_ekstrem;2026;-\n",
			code: 0, stdout: []string{"new 1, changed 0, unchanged 1, missing 1", "decimal comma", "stored as upload"},
			wantRows: "2023:0.56 2024:0.49 2025:0.4",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"pantau", "import"}, tt.args...)
			if tt.file != "" {
				args = append(args, writeFile(t, "upload.csv", tt.file))
			}
			var out, errb bytes.Buffer
			err := run(ctx, args, getenv, &out, &errb)
			if err != nil {
				var ex *exitError
				if errors.As(err, &ex) && ex.err != nil {
					errb.WriteString(ex.err.Error())
				}
			}
			if got := exitCode(err); got != tt.code {
				t.Fatalf("exit %d, want %d (%v)\nstdout: %s\nstderr: %s", got, tt.code, err, out.String(), errb.String())
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb.String())
				}
			}
			if tt.wantRows != "" {
				if got := storedExtremePoverty(t, getenv); got != tt.wantRows {
					t.Errorf("stored %s, want %s", got, tt.wantRows)
				}
			}
		})
	}
}

// storedExtremePoverty reads the series through a real server.
func storedExtremePoverty(t *testing.T, getenv func(string) string) string {
	base := startServer(t, getenv)
	var s seriesBody
	getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s)
	var parts []string
	for _, o := range s.Data.Observations {
		if o.Disaggregation == "" {
			parts = append(parts, fmt.Sprintf("%d:%g", o.Year, o.Value))
		}
	}
	return strings.Join(parts, " ")
}

func TestUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"pantau"}, 2},
		{[]string{"pantau", "nope"}, 2},
		{[]string{"pantau", "--help"}, 0},
		{[]string{"pantau", "serve", "--help"}, 0},
		{[]string{"pantau", "migrate", "--help"}, 0},
		{[]string{"pantau", "demo", "--help"}, 0},
		{[]string{"pantau", "serve", "--log-level", "loud"}, 2},
		{[]string{"pantau", "healthcheck", "--addr", "127.0.0.1:1"}, 1},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			if got := exitCode(run(context.Background(), tt.args, env(), &out, &errb)); got != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", got, tt.code, errb.String())
			}
		})
	}
}

// TestReadyzFollowsTheDatabase stops PostgreSQL under a running server:
// /readyz fails while it is down, /healthz does not, and both recover when it
// is back, without restarting Pantau.
func TestReadyzFollowsTheDatabase(t *testing.T) {
	cluster := pgtest.NewCluster(t)
	base := startServer(t, env("PANTAU_DATABASE_URL", cluster.URL, "PANTAU_LOG_LEVEL", "error"), "--demo")
	status := func(path string) int {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Fatalf("readyz = %d before the outage", got)
	}
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := status("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("readyz = %d with the database down, want 503", got)
	}
	if got := status("/healthz"); got != http.StatusOK {
		t.Errorf("healthz = %d with the database down, want 200 (the process is alive)", got)
	}
	// Reads say the outage passes: 503 with Retry-After, as /readyz does
	// (they used to answer 500).
	for _, path := range []string{"/api/v1/indicators", "/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", "/i/kemiskinan_ekstrem"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s = %d, Retry-After %q with the database down, want 503 and Retry-After", path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for status("/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := status("/api/v1/indicators"); got != http.StatusOK {
		t.Errorf("API = %d after recovery", got)
	}
	// Nothing committed before the crash is lost.
	var s seriesBody
	getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s)
	if len(s.Data.Observations) != 2 {
		t.Errorf("after the restart the series holds %+v", s.Data.Observations)
	}
}

// TestTwoInstancesShareOnePostgres runs two servers on one database, as
// behind a load balancer: an import through one process is served by both,
// and imports from two processes at once both land in history.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	url := testdb.URL(t, store.Postgres)
	getenv := env("PANTAU_DATABASE_URL", url, "PANTAU_LOG_LEVEL", "error")
	a := startServer(t, getenv, "--demo")
	b := startServer(t, getenv)
	files := []string{
		writeFile(t, "a.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,41\n"),
		writeFile(t, "b.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,42\n"),
	}
	errs := make(chan error, 2)
	for _, f := range files {
		go func(f string) {
			errs <- run(context.Background(), []string{"pantau", "import", f}, getenv, &bytes.Buffer{}, &bytes.Buffer{})
		}(f)
	}
	for range files {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	read := func(base string) float64 {
		var s seriesBody
		getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s)
		for _, o := range s.Data.Observations {
			if o.Year == 2025 && o.Disaggregation == "" {
				return o.Value
			}
		}
		return -1
	}
	va, vb := read(a), read(b)
	if va != vb || (va != 0.41 && va != 0.42) {
		t.Fatalf("instances disagree or lost the value: A %g, B %g", va, vb)
	}
	var h struct {
		Data []struct {
			OldValue float64 `json:"old_value"`
			NewValue float64 `json:"new_value"`
		} `json:"data"`
	}
	getJSON(t, b+"/api/v1/observations/history?indicator=kemiskinan_ekstrem&region=16.07&year=2025", &h)
	if len(h.Data) != 1 || h.Data[0].NewValue != va {
		t.Fatalf("racing imports: history %+v, current %g; want the first value kept as one revision", h.Data, va)
	}
}
