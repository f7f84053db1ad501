package httpx

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gin-gonic/gin"
)

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", Gzip},
		{"br", Brotli},
		{"gzip, deflate, br, zstd", Brotli},
		{"gzip;q=1.0, br;q=0.5", Gzip},
		{"br;q=0.5, gzip;q=0.5", Brotli},
		{"br;q=0, gzip", Gzip},
		{"br;q=0, gzip;q=0", ""},
		{"br; q=0.000, gzip ;Q=0", ""},
		{"*", Brotli},
		{"*;q=0.1, br;q=0", Gzip},
		{"*;q=0", ""},
		{"x-gzip", Gzip},
		{"GZIP", Gzip},
		{"br;q=2", ""},
		{"br;q=abc, gzip", Gzip},
		{" , ,gzip", Gzip},
	} {
		t.Run(tt.header, func(t *testing.T) {
			if got := Negotiate(tt.header); got != tt.want {
				t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestVariantETag(t *testing.T) {
	for _, tt := range []struct{ etag, coding, want string }{
		{`"abc"`, Brotli, `"abc-br"`},
		{`"abc"`, Gzip, `"abc-gz"`},
		{`"abc"`, "", `"abc"`},
		{`W/"abc"`, Brotli, `W/"abc-br"`},
		{``, Gzip, ``},
	} {
		if got := VariantETag(tt.etag, tt.coding); got != tt.want {
			t.Errorf("VariantETag(%q, %q) = %q, want %q", tt.etag, tt.coding, got, tt.want)
		}
	}
	for _, tt := range []struct{ inm, coding, etag string }{
		{`"abc-br"`, Brotli, `"abc"`},
		{`"x", W/"abc-gz"`, Gzip, `"abc"`},
		{`"abc-gz"`, Brotli, ``}, // another coding's variant is another representation
	} {
		got := plainTags(tt.inm, tt.coding)
		if tt.etag == "" {
			if got != tt.inm {
				t.Errorf("plainTags(%q, %q) = %q, want it unchanged", tt.inm, tt.coding, got)
			}
		} else if !Matches(got, tt.etag) {
			t.Errorf("plainTags(%q, %q) = %q, does not match %s", tt.inm, tt.coding, got, tt.etag)
		}
	}
}

// decode undoes the answer's Content-Encoding.
func decode(t *testing.T, res *http.Response) []byte {
	t.Helper()
	var r io.Reader = res.Body
	switch res.Header.Get("Content-Encoding") {
	case "br":
		r = brotli.NewReader(res.Body)
	case "gzip":
		z, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = z
	case "":
	default:
		t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return b
}

func TestCompress(t *testing.T) {
	gin.SetMode(gin.TestMode)
	page := []byte("<!doctype html><title>t</title>" + strings.Repeat("<p>Kabupaten Banyuasin, kemiskinan ekstrem</p>\n", 200))
	tiny := []byte(`{"ok":true}`)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 4000)...)
	kept := NewVariants(page, nil, nil)
	etag := ETag(page)
	release := make(chan struct{})
	r := gin.New()
	r.Use(Compress())
	r.GET("/page", func(c *gin.Context) {
		c.Header("ETag", etag)
		if NotModified(c, etag, time.Time{}) {
			c.Status(http.StatusNotModified)
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	})
	r.HEAD("/page", func(c *gin.Context) { c.Data(http.StatusOK, "text/html; charset=utf-8", page) })
	r.GET("/kept", func(c *gin.Context) {
		c.Header("Vary", "Accept-Language") // one Vary field must name both
		c.Header("ETag", etag)
		if NotModified(c, etag, time.Time{}) {
			c.Status(http.StatusNotModified)
			return
		}
		kept.Serve(c, http.StatusOK, "text/html; charset=utf-8")
	})
	r.GET("/tiny", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", tiny) })
	r.GET("/png", func(c *gin.Context) { c.Data(http.StatusOK, "image/png", png) })
	r.GET("/missing", func(c *gin.Context) { c.Data(http.StatusNotFound, "text/html; charset=utf-8", page) })
	r.GET("/stream", func(c *gin.Context) {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Status(http.StatusOK)
		c.Writer.WriteString("region,value\n")
		c.Writer.Flush()
		<-release // the client must have the first row before the rest exists
		for i := 0; i < 300; i++ {
			c.Writer.WriteString("16.07,12.5\n")
		}
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(method, path, ae, inm string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	for _, tt := range []struct {
		name, path, accept, coding string
		want                       []byte
		status                     int
		vary                       bool
	}{
		{"brotli preferred", "/page", "gzip, deflate, br", "br", page, 200, true},
		{"gzip", "/page", "gzip", "gzip", page, 200, true},
		{"weights", "/page", "br;q=0.2, gzip", "gzip", page, 200, true},
		{"refused", "/page", "br;q=0, gzip;q=0", "", page, 200, true},
		{"none asked", "/page", "", "", page, 200, true},
		{"kept brotli", "/kept", "br", "br", page, 200, true},
		{"kept gzip", "/kept", "gzip", "gzip", page, 200, true},
		{"kept identity", "/kept", "identity", "", page, 200, true},
		{"tiny", "/tiny", "br", "", tiny, 200, true},
		{"png", "/png", "br, gzip", "", png, 200, false},
		{"error page", "/missing", "br", "br", page, 404, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := get("GET", tt.path, tt.accept, "")
			defer res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Encoding"); got != tt.coding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.coding)
			}
			if got := strings.Contains(res.Header.Get("Vary"), "Accept-Encoding"); got != tt.vary {
				t.Errorf("Vary %q, want Accept-Encoding: %v", res.Header.Get("Vary"), tt.vary)
			}
			if b := decode(t, res); !bytes.Equal(b, tt.want) {
				t.Errorf("decoded body of %d bytes differs from the %d plain bytes", len(b), len(tt.want))
			}
			if tt.status == 200 && tt.path != "/tiny" && tt.path != "/png" {
				if got, want := res.Header.Get("ETag"), VariantETag(etag, tt.coding); got != want {
					t.Errorf("ETag %s, want %s", got, want)
				}
			}
		})
	}

	// Revalidation: each variant's ETag gives a 304 naming that variant;
	// another variant's ETag is another representation: a full answer.
	for _, path := range []string{"/page", "/kept"} {
		for _, tt := range []struct{ accept, held, status, etag string }{
			{"br", `"X-br"`, "304", `"X-br"`},
			{"gzip", `"X-gz"`, "304", `"X-gz"`},
			{"identity", `"X"`, "304", `"X"`},
			{"br", `"X"`, "304", `"X"`},
			{"br", `"X-gz"`, "200", `"X-br"`},
			{"gzip", `"X-br"`, "200", `"X-gz"`},
		} {
			held := strings.ReplaceAll(tt.held, "X", strings.Trim(etag, `"`))
			want := strings.ReplaceAll(tt.etag, "X", strings.Trim(etag, `"`))
			res := get("GET", path, tt.accept, held)
			res.Body.Close()
			if got := res.Status[:3]; got != tt.status || res.Header.Get("ETag") != want {
				t.Errorf("%s Accept-Encoding %s If-None-Match %s: %s ETag %s, want %s ETag %s", path, tt.accept, held, got, res.Header.Get("ETag"), tt.status, want)
			}
			if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s %s: no Vary: Accept-Encoding", path, tt.status)
			}
		}
	}

	// HEAD says what GET would send.
	head := get("HEAD", "/page", "br", "")
	head.Body.Close()
	if head.Header.Get("Content-Encoding") != "br" || !strings.Contains(head.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("HEAD: Content-Encoding %q Vary %q", head.Header.Get("Content-Encoding"), head.Header.Get("Vary"))
	}

	// A range is answered by the handler, uncoded.
	req, _ := http.NewRequest("GET", srv.URL+"/page", nil)
	req.Header.Set("Accept-Encoding", "br")
	req.Header.Set("Range", "bytes=0-9")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("a range request got Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}

	// A stream flushes through the compressor: the first row arrives
	// while the handler waits, coded.
	for _, coding := range []string{"br", "gzip"} {
		res := get("GET", "/stream", coding, "")
		if res.Header.Get("Content-Encoding") != coding {
			t.Fatalf("stream: Content-Encoding %q, want %s", res.Header.Get("Content-Encoding"), coding)
		}
		var r io.Reader
		if coding == "br" {
			r = brotli.NewReader(res.Body)
		} else if r, err = gzip.NewReader(res.Body); err != nil {
			t.Fatal(err)
		}
		first := make([]byte, len("region,value\n"))
		if _, err := io.ReadFull(r, first); err != nil || string(first) != "region,value\n" {
			t.Fatalf("stream %s: first row %q, %v", coding, first, err)
		}
		release <- struct{}{}
		rest, err := io.ReadAll(r)
		res.Body.Close()
		if err != nil || string(rest) != strings.Repeat("16.07,12.5\n", 300) {
			t.Errorf("stream %s: rest of %d bytes, %v", coding, len(rest), err)
		}
	}
}
