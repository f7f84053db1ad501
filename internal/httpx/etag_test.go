package httpx

import (
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
