package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// SecurityHeaders are sent on every response. Pages set their own
// Content-Security-Policy (ContentSecurityPolicy); embeds lift the framing
// ban (AllowFraming).
func SecurityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.Request.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		c.Next()
	}
}

// AllowFraming lifts the framing ban for embeds.
func AllowFraming(c *gin.Context) {
	c.Writer.Header().Del("X-Frame-Options")
}

// Policy names a Content-Security-Policy: each kind of answer Pantau
// sends gets exactly one, written here and nowhere else.
type Policy int

const (
	// PagePolicy is the public pages' (dashboards, indicator pages, the
	// index, completeness): scripts only from this server and inline
	// scripts carrying the request's nonce. Styles may be inline:
	// ECharts' tooltips and SVG output use style attributes.
	PagePolicy Policy = iota
	// EmbedPolicy lets any site frame the embed. An embed runs no inline
	// script (its scripts are files under /static/), so the per-response
	// nonce admits nothing; that is what makes it safe to serve cached
	// bodies and to let a 304 refresh the stored headers with a new nonce.
	EmbedPolicy
	// FormPolicy is for the account, administration and review pages:
	// plain HTML forms, no script, so the policy allows none.
	FormPolicy
	// UploadPolicy is the upload page's: its one script is a file from
	// this server, its inline style carries the nonce.
	UploadPolicy
	// SandboxPolicy is for files people uploaded, served back as they
	// were: nothing in them may run or load.
	SandboxPolicy
)

// ContentSecurityPolicy is the header value of policy p with nonce (p's
// that take none ignore it).
func ContentSecurityPolicy(p Policy, nonce string) string {
	switch p {
	case PagePolicy:
		return "default-src 'none'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'unsafe-inline'; " +
			"img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	case EmbedPolicy:
		return "default-src 'none'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'unsafe-inline'; " +
			"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
	case FormPolicy:
		return "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	case UploadPolicy:
		return "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'nonce-" + nonce + "'; img-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
	}
	return "default-src 'none'; sandbox"
}

// SetContentSecurityPolicy sets h's Content-Security-Policy to policy p
// with nonce.
func SetContentSecurityPolicy(h http.Header, p Policy, nonce string) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy(p, nonce))
}
