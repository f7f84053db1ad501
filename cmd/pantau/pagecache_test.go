package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	cspNonceRe  = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)
	pageNonceRe = regexp.MustCompile(`nonce="([^"]*)"`)
	scriptTagRe = regexp.MustCompile(`<script[^>]*>`)
)

// TestPageCacheFollowsTheData reads an indicator page twice (the second from
// the page cache), checks each answer has its own CSP nonce and the page no
// inline script, then imports a new value: the next read shows it.
func TestPageCacheFollowsTheData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pantau.db")
	getenv := env("PANTAU_DATABASE_URL", db, "PANTAU_LOG_LEVEL", "error")
	base := startServer(t, getenv)
	page := func() (string, string) {
		resp, err := http.Get(base + "/i/kemiskinan_ekstrem?region=16.07")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("page: %d", resp.StatusCode)
		}
		m := cspNonceRe.FindStringSubmatch(resp.Header.Get("Content-Security-Policy"))
		if m == nil {
			t.Fatalf("no nonce in CSP %q", resp.Header.Get("Content-Security-Policy"))
		}
		// Pages carry no inline script (so a cached page is the same bytes
		// for everyone and is compressed once): a script has a src, or is
		// JSON data; any nonce attribute left must be the answer's own.
		for _, tag := range scriptTagRe.FindAllString(string(body), -1) {
			if !strings.Contains(tag, ` src="`) && !strings.Contains(tag, `type="application/json"`) {
				t.Fatalf("inline script on the page: %s", tag)
			}
		}
		for _, s := range pageNonceRe.FindAllStringSubmatch(string(body), -1) {
			if s[1] != m[1] {
				t.Fatalf("nonce %q on the page differs from the CSP nonce %q", s[1], m[1])
			}
		}
		return string(body), m[1]
	}
	first, n1 := page()
	second, n2 := page()
	if n1 == n2 {
		t.Fatal("two answers share a nonce")
	}
	if first != second {
		t.Fatal("the cached page differs from the rendered one")
	}
	if strings.Contains(first, "0,37") {
		t.Fatal("test value already on the page")
	}
	file := writeFile(t, "a.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,37\n")
	if err := run(context.Background(), []string{"pantau", "import", file}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if third, _ := page(); !strings.Contains(third, "0,37") {
		t.Fatal("after an upload the page still shows the old data")
	}
}

// TestPageCacheKeysOnHost sends a forged Host header first: the page it
// caches (with embed code naming that host) must not reach a reader of
// the real host.
func TestPageCacheKeysOnHost(t *testing.T) {
	base := startServer(t, env("PANTAU_DATABASE_URL", filepath.Join(t.TempDir(), "pantau.db"), "PANTAU_LOG_LEVEL", "error"))
	req, _ := http.NewRequest(http.MethodGet, base+"/i/kemiskinan_ekstrem?region=16.07", nil)
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(forged), "evil.example") {
		t.Fatal("the indicator page no longer names the request host (its embed code did): this test would check nothing; make it poison what the page echoes now")
	}
	resp, err = http.Get(base + "/i/kemiskinan_ekstrem?region=16.07")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "evil.example") {
		t.Fatal("a forged Host header poisoned the page cache")
	}
}
