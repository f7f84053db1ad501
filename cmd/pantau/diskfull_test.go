package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/store"
)

// TestDiskFullSQLite fills the SQLite database's disk during an import, by
// `pantau import` and by the upload API of a running `pantau serve`: each
// fails with a message that says the database is full (exit 1, HTTP 507),
// nothing panics, the server goes on serving reads and stays ready, and once
// there is room again the database is intact, holds exactly what it held
// before, and takes the next import.
//
// "disk" is a real full disk: a 4 MiB tmpfs holds the database, which needs
// root on Linux (CI runs as root). "page limit" reaches the same SQLITE_FULL
// through SQLite's own PRAGMA max_page_count, so the path is tested wherever
// the tests run.
func TestDiskFullSQLite(t *testing.T) {
	t.Run("disk", func(t *testing.T) {
		if runtime.GOOS != "linux" || os.Geteuid() != 0 {
			t.Skip("a real full disk needs root on Linux to mount a small tmpfs; the page limit subtest covers the same path")
		}
		dir := t.TempDir()
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m,mode=0700"); err != nil {
			t.Skipf("mount a tmpfs (%v); the page limit subtest covers the same path", err)
		}
		t.Cleanup(func() {
			if err := syscall.Unmount(dir, 0); err != nil {
				t.Errorf("unmount %s: %v", dir, err)
				syscall.Unmount(dir, syscall.MNT_DETACH)
			}
		})
		db := filepath.Join(dir, "pantau.db")
		filler := filepath.Join(dir, "filler")
		diskFull(t, diskFullCase{
			url: db, fullURL: func() string { return db },
			// Whatever room the failed imports left, take it.
			fill: func(t *testing.T) { fillDisk(t, filler) },
			free: func(t *testing.T) {
				if err := os.Remove(filler); err != nil {
					t.Fatal(err)
				}
			},
		})
	})
	t.Run("page limit", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "pantau.db")
		diskFull(t, diskFullCase{
			url: db,
			// A few pages of room: enough for a token's use, far from
			// enough for the import.
			fullURL: func() string { return fmt.Sprintf("%s?_pragma=max_page_count(%d)", db, pageCount(t, db)+8) },
			fill:    func(*testing.T) {},
			free:    func(*testing.T) {},
		})
	})
}

// diskFullCase is one way of running out of room: url is the database,
// fullURL the URL that opens it with no room left (called once the demo is
// in), fill takes what room is left after the first failure, and free makes
// room again.
type diskFullCase struct {
	url        string
	fullURL    func() string
	fill, free func(t *testing.T)
}

func diskFull(t *testing.T, tc diskFullCase) {
	ctx := context.Background()
	getenv := env("PANTAU_DATABASE_URL", tc.url)
	if err := run(ctx, []string{"pantau", "demo"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	var tok bytes.Buffer
	if err := run(ctx, []string{"pantau", "token", "create", "--agency", "bps-banyuasin"}, getenv, &tok, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	before := contents(t, tc.url)
	full := tc.fullURL()
	big := bigImport(t)

	// The command line.
	cmd := pantauProcess(t, map[string]string{"PANTAU_DATABASE_URL": full}, "import", "--lang", "en", big)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("import into a full database: %v, want exit 1\n%s\n%s", err, stdout.String(), stderr.String())
	}
	noCrash(t, "pantau import", stderr.String())
	if !strings.Contains(stderr.String(), "pantau: the database is full: there is no space left on its disk") {
		t.Fatalf("import into a full database does not say so:\n%s", stderr.String())
	}
	if strings.Contains(stdout.String(), "stored as upload") {
		t.Fatalf("import into a full database claims success:\n%s", stdout.String())
	}
	if got := contents(t, tc.url); got != before {
		t.Fatalf("a failed import changed the database:\nbefore\n%s\nafter\n%s", before, got)
	}

	// The server: the upload fails with 507, reads go on, /readyz stays 200.
	base, stop := serveProcess(t, full)
	tc.fill(t)
	body, err := os.ReadFile(big)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/uploads?lang=en", bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok.String()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var answer struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatalf("upload into a full database: %s, body not JSON (%v): %s", resp.Status, err, raw)
	}
	if resp.StatusCode != http.StatusInsufficientStorage || answer.Error.Code != "storage_full" ||
		!strings.HasPrefix(answer.Error.Message, "the database is full") || strings.Contains(answer.Error.Message, "(13)") {
		t.Fatalf("upload into a full database: %s %s, want 507 storage_full with a plain message", resp.Status, raw)
	}
	var s seriesBody
	if code := getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s); code != 200 || len(s.Data.Observations) == 0 {
		t.Fatalf("reading while the database is full: %d %+v", code, s)
	}
	var ready struct{ Status string }
	if code := getJSON(t, base+"/readyz", &ready); code != 200 || ready.Status != "ok" {
		t.Fatalf("/readyz while the database is full: %d %+v, want 200: reads still work", code, ready)
	}
	logs := stop()
	noCrash(t, "pantau serve", logs)
	if !strings.Contains(logs, "database or disk is full") {
		t.Errorf("the server's log does not tell the operator the database is full:\n%s", logs)
	}

	// Room again: the database is intact and unchanged, and takes the next import.
	tc.free(t)
	st, err := store.Open(ctx, tc.url)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	err = st.DB().Get(&check, `PRAGMA integrity_check`)
	st.Close()
	if err != nil || check != "ok" {
		t.Fatalf("integrity_check after the disk was full: %q %v", check, err)
	}
	if got := contents(t, tc.url); got != before {
		t.Fatalf("failed imports changed the database:\nbefore\n%s\nafter\n%s", before, got)
	}
	small := writeFile(t, "small.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,40\n")
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"pantau", "import", small}, getenv, &out, &errb); err != nil || !strings.Contains(out.String(), "stored as upload") {
		t.Fatalf("import once there is room again: %v\n%s\n%s", err, out.String(), errb.String())
	}
}

// bigImport writes a valid file of about 3 MB that the demo's agency may
// upload: every year 1960–2100 of four of BPS's indicators for the regency
// and each kecamatan, each with a long note. Stored, its rows and its kept
// copy take more than the 4 MiB tmpfs holds (rows keyed by series id are
// small: notes make the bulk).
func bigImport(t *testing.T) string {
	var b strings.Builder
	b.WriteString("kode_wilayah;kode_indikator;tahun;nilai;catatan\n")
	regions := []string{"16.07"}
	for _, k := range demo.Kecamatan {
		regions = append(regions, k[0])
	}
	note := strings.Repeat("diisi untuk menguji disk penuh ", 8)
	for _, r := range regions {
		for _, ind := range []string{"kemiskinan", "kemiskinan_ekstrem", "tpt", "ipm"} {
			for y := 1960; y <= 2100; y++ {
				fmt.Fprintf(&b, "%s;%s;%d;%d,25;%s\n", r, ind, y, 50+y%3, note)
			}
		}
	}
	return writeFile(t, "big.csv", b.String())
}

// contents is everything a failed import could touch, row by row.
func contents(t *testing.T, url string) string {
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT indicator_code || ' ' || region_code || ' ' || disagg || ' ' || year || ' ' || value || ' ' || status || ' ' || note || ' ' || upload_id
			FROM observations ORDER BY indicator_code, region_code, disagg, year`,
		`SELECT id || ' ' || kind || ' ' || filename FROM uploads ORDER BY id`,
		`SELECT count(*) FROM observation_revisions`,
	} {
		var rows []string
		if err := st.DB().Select(&rows, q); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join(rows, "\n"))
		b.WriteString("\n--\n")
	}
	return b.String()
}

// pageCount is the database's size in pages.
func pageCount(t *testing.T, url string) int {
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB().Get(&n, `PRAGMA page_count`); err != nil {
		t.Fatal(err)
	}
	return n
}

// fillDisk writes path until its file system has no room left.
func fillDisk(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return
		}
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 64<<10)
	for {
		if _, err := f.Write(block); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}

// noCrash fails the test when a process's output shows a panic or a fatal
// runtime error.
func noCrash(t *testing.T, what, output string) {
	t.Helper()
	for _, sign := range []string{"panic", "goroutine ", "fatal error", "SIGBUS", "SIGSEGV"} {
		if strings.Contains(output, sign) {
			t.Fatalf("%s crashed (%q in its output):\n%s", what, sign, output)
		}
	}
}

// serveProcess starts `pantau serve` on url as its own process and waits for
// /readyz; stop ends it with SIGTERM and returns its log.
func serveProcess(t *testing.T, url string) (base string, stop func() string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := pantauProcess(t, map[string]string{"PANTAU_DATABASE_URL": url, "PANTAU_ADDR": addr}, "serve")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve ended with %v", err)
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Errorf("serve did not stop on SIGTERM")
			}
		}
		return logs.String()
	}
	t.Cleanup(func() { stop() })
	base = "http://" + addr
	for i := 0; i < 300; i++ {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop
			}
		}
		select {
		case err := <-done:
			stopped = true
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server on %s never became ready\n%s", addr, stop())
	return "", stop
}
