package httpx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func TestMatches(t *testing.T) {
	const etag = `"abc"`
	for _, tt := range []struct {
		name, header string
		want         bool
	}{
		{"the same tag", `"abc"`, true},
		{"weak comparison", `W/"abc"`, true},
		{"in a list", `"x", "abc"`, true},
		{"any", `*`, true},
		{"another tag", `"abd"`, false},
		{"unquoted", `abc`, false},
		{"empty", ``, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Matches(tt.header, etag); got != tt.want {
				t.Errorf("Matches(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestNotModified(t *testing.T) {
	modified := time.Date(2026, 3, 5, 10, 0, 30, 500, time.UTC)
	for _, tt := range []struct {
		name     string
		header   map[string]string
		modified time.Time
		want     bool
	}{
		{"no condition", nil, modified, false},
		{"matching tag", map[string]string{"If-None-Match": `"v1"`}, modified, true},
		{"tag wins over date", map[string]string{"If-None-Match": `"v0"`, "If-Modified-Since": modified.Add(time.Hour).Format(http.TimeFormat)}, modified, false},
		{"not changed since", map[string]string{"If-Modified-Since": modified.Format(http.TimeFormat)}, modified, true},
		{"changed since", map[string]string{"If-Modified-Since": modified.Add(-time.Minute).Format(http.TimeFormat)}, modified, false},
		{"date unknown", map[string]string{"If-Modified-Since": modified.Format(http.TimeFormat)}, time.Time{}, false},
		{"bad date", map[string]string{"If-Modified-Since": "yesterday"}, modified, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := gin.CreateTestContext(httptest.NewRecorder())
			c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range tt.header {
				c.Request.Header.Set(k, v)
			}
			if got := NotModified(c, `"v1"`, tt.modified); got != tt.want {
				t.Errorf("NotModified = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestConditional: over real HTTP, through Compress as Pantau serves, an
// answer carries its validators; a request holding the current copy gets a
// 304 with them and the headers set before the check, and no body.
func TestConditional(t *testing.T) {
	modified := time.Date(2026, 3, 5, 10, 0, 30, 0, time.UTC)
	body := strings.Repeat("region,value\n16.07,0.49\n", 100)
	r := gin.New()
	r.Use(Compress())
	for path, mod := range map[string]time.Time{"/dated": modified, "/undated": {}} {
		r.GET(path, func(c *gin.Context) {
			c.Header("Cache-Control", "no-cache")
			if Conditional(c, `"v1"`, mod) {
				return
			}
			c.Data(http.StatusOK, "text/csv", []byte(body))
		})
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, tt := range []struct {
		name, path   string
		header       map[string]string
		status       int
		lastModified string
		wantBody     bool
	}{
		{"no condition", "/dated", nil, 200, modified.Format(http.TimeFormat), true},
		{"the current tag", "/dated", map[string]string{"If-None-Match": `"v1"`}, 304, modified.Format(http.TimeFormat), false},
		{"the coded variant's tag", "/dated", map[string]string{"If-None-Match": VariantETag(`"v1"`, Gzip), "Accept-Encoding": "gzip"}, 304, modified.Format(http.TimeFormat), false},
		{"another tag", "/dated", map[string]string{"If-None-Match": `"v0"`}, 200, modified.Format(http.TimeFormat), true},
		{"not changed since", "/dated", map[string]string{"If-Modified-Since": modified.Format(http.TimeFormat)}, 304, modified.Format(http.TimeFormat), false},
		{"changed since", "/dated", map[string]string{"If-Modified-Since": modified.Add(-time.Minute).Format(http.TimeFormat)}, 200, modified.Format(http.TimeFormat), true},
		{"no date to compare", "/undated", map[string]string{"If-Modified-Since": modified.Format(http.TimeFormat)}, 200, "", true},
		{"undated, the current tag", "/undated", map[string]string{"If-None-Match": `"v1"`}, 304, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status || res.Header.Get("Last-Modified") != tt.lastModified || res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("%d, Last-Modified %q, Cache-Control %q; want %d, %q, no-cache",
					res.StatusCode, res.Header.Get("Last-Modified"), res.Header.Get("Cache-Control"), tt.status, tt.lastModified)
			}
			if etag := res.Header.Get("ETag"); etag != `"v1"` && etag != VariantETag(`"v1"`, Gzip) {
				t.Errorf("ETag %q, want \"v1\" or its gzip variant", etag)
			}
			if tt.wantBody != (string(got) == body) || !tt.wantBody && len(got) != 0 {
				t.Errorf("body of %d bytes, want it: %v", len(got), tt.wantBody)
			}
		})
	}
}

func TestEveryPolicyForbidsByDefault(t *testing.T) {
	for p := PagePolicy; p <= SandboxPolicy; p++ {
		csp := ContentSecurityPolicy(p, "n0nce")
		if len(csp) < len("default-src 'none'") || csp[:len("default-src 'none'")] != "default-src 'none'" {
			t.Errorf("policy %d does not start with default-src 'none': %q", p, csp)
		}
	}
}

// Every page links the favicon and the web manifest (templates/share.html):
// a policy that forbade them logged a CSP error on every page (Lighthouse's
// errors-in-console, best practices 93).
func TestPagePoliciesAllowIconsAndManifest(t *testing.T) {
	for _, p := range []Policy{PagePolicy, EmbedPolicy, FormPolicy, UploadPolicy} {
		csp := ContentSecurityPolicy(p, "n0nce")
		for _, want := range []string{"manifest-src 'self'", "img-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("policy %d lacks %s: %q", p, want, csp)
			}
		}
	}
}
