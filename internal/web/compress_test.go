package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"pantau/internal/chart"
	"pantau/internal/httpx"
)

// TestCompressedAnswers asks each kind of answer Pantau sends (pages, an
// embed, API JSON, a streamed CSV export, GeoJSON, scripts) plain, with
// brotli and with gzip, over real HTTP: every coded body decodes to the
// plain bytes, says Vary: Accept-Encoding, carries its own ETag, and that
// ETag revalidates to a 304 naming the same variant. Compression does not
// depend on the engine, so SQLite alone serves.
func TestCompressedAnswers(t *testing.T) {
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	do := func(path, accept, inm string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Accept-Encoding", accept)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return res, b
	}
	paths := []string{
		"/d/makro-banyuasin",
		"/i/kemiskinan_ekstrem?region=16.07",
		"/embed/i/kemiskinan_ekstrem?region=16.07",
		"/api/v1/indicators",
		"/api/v1/export?format=csv&indicator=kemiskinan_ekstrem&region=16.07",
		"/api/v1/boundaries?parent=16.07",
		"/static/embed.js",
		chart.BootstrapURL,
	}
	if chart.Available() {
		paths = append(paths, chart.EChartsURL)
	}
	for _, path := range paths {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			// Twice: the first answer of a cached page is made, the second
			// comes from the cache; both must be the same bytes.
			do(path, "identity", "")
			res, plain := do(path, "identity", "")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" {
				t.Fatalf("plain: status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
			}
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("no ETag")
			}
			sizes := []int{len(plain)}
			for _, coding := range []string{httpx.Gzip, httpx.Brotli} {
				res, body := do(path, "gzip, deflate, br;q="+map[string]string{"gzip": "0.5", "br": "1"}[coding], "")
				if got := res.Header.Get("Content-Encoding"); got != coding {
					t.Fatalf("Content-Encoding %q, want %s", got, coding)
				}
				if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("%s: Vary %q", coding, res.Header.Get("Vary"))
				}
				var r io.Reader
				if coding == httpx.Brotli {
					r = brotli.NewReader(bytes.NewReader(body))
				} else {
					z, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatalf("gzip: %v", err)
					}
					r = z
				}
				decoded, err := io.ReadAll(r)
				if err != nil {
					t.Fatalf("%s: %v", coding, err)
				}
				if !bytes.Equal(decoded, plain) {
					t.Errorf("%s decodes to %d bytes unlike the %d plain ones", coding, len(decoded), len(plain))
				}
				want := httpx.VariantETag(etag, coding)
				if got := res.Header.Get("ETag"); got != want {
					t.Errorf("%s: ETag %s, want %s", coding, got, want)
				}
				// The variant revalidates as itself; the plain tag does too
				// (the client holds those same bytes, uncoded).
				for _, held := range []string{want, etag} {
					res, _ = do(path, coding, held)
					if res.StatusCode != http.StatusNotModified || res.Header.Get("ETag") != held || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
						t.Errorf("%s If-None-Match %s: %d ETag %s Vary %q", coding, held, res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Vary"))
					}
				}
				sizes = append(sizes, len(body))
			}
			t.Logf("%s: %d bytes plain, %d gzip, %d brotli", path, sizes[0], sizes[1], sizes[2])
		})
	}
}
