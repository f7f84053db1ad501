// Package web is Pantau's HTTP edge: the Gin router (every route in
// routes.go), thin handlers, server-rendered pages (all written by
// renderPage, the cached embeds by renderTo under it, every HTML error
// by showProblem; render.go) and the JSON API. The generic machinery
// under them (caches, limits, ETags, headers) is internal/httpx.
package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

// Server holds what the handlers need.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	pages   *template.Template
	metrics *Metrics
	// pageCache keeps rendered public pages by data version.
	pageCache *httpx.PageCache
	// embeds caches rendered embeds by request and data version.
	embeds *httpx.EmbedCache
	// accounts holds the cookie policy and the login and token rate limits.
	accounts *accounts
	// uploads holds the upload endpoints' size limit and pending previews.
	uploads *uploads
	// dashboards are the validated dashboard definitions.
	dashboards []dashboards.Dashboard
	// requireReview sends agencies' uploads to the walidata first.
	requireReview bool
	// publicURL is PANTAU_PUBLIC_URL, "" to follow each request's host.
	publicURL string
	// regions are the stored regions in memory, for the region picker
	// and search (region_picker.go).
	regions regionCache
}

// Options are New's optional settings.
type Options struct {
	// MaxUploadBytes bounds an upload body (PANTAU_MAX_UPLOAD_BYTES); 0
	// means DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// MinUploadRate is the slowest an upload body may arrive, in bytes per
	// second (PANTAU_MIN_UPLOAD_RATE), after UploadGrace (0:
	// DefaultUploadGrace); 0 means no minimum.
	MinUploadRate int64
	UploadGrace   time.Duration
	// DashboardsDir holds dashboard YAML files that override or add to the
	// embedded ones (PANTAU_DASHBOARDS_DIR).
	DashboardsDir string
	// SecureCookies marks session cookies Secure even on plain HTTP, for
	// TLS that ends at a proxy (PANTAU_SECURE_COOKIES).
	SecureCookies bool
	// RequireReview sends every upload by an agency (token or uploader) to
	// the walidata before the public sees it (PANTAU_REQUIRE_REVIEW).
	RequireReview bool
	// TrustedProxies are the CIDRs of proxies whose X-Forwarded-For (or
	// X-Real-IP) names the client (PANTAU_TRUSTED_PROXIES); empty: none.
	TrustedProxies []string
	// PublicURL is the scheme and host readers reach Pantau at
	// (PANTAU_PUBLIC_URL), for absolute links; empty: the request's host.
	PublicURL string
}

// New builds the HTTP handler. It fails when a dashboard definition is
// invalid, with a message naming the file and field.
func New(st *store.Store, log *slog.Logger, options ...Options) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	var opt Options
	if len(options) > 0 {
		opt = options[0]
	}
	pages, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	dash, err := dashboards.Load(opt.DashboardsDir)
	if err != nil {
		return nil, err
	}
	s := &Server{store: st, log: log, pages: pages, metrics: NewMetrics(st), pageCache: httpx.NewPageCache(64<<20, time.Minute, chart.Nonce), embeds: httpx.NewEmbedCache(embedCacheEntries, st), accounts: newAccounts(opt.SecureCookies), uploads: newUploads(opt.MaxUploadBytes, opt.MinUploadRate, opt.UploadGrace), dashboards: dash,
		requireReview: opt.RequireReview, publicURL: opt.PublicURL}
	// The region index at start-up, so that no reader waits for it; a
	// database not ready yet is retried by the first request that needs it.
	if _, err := s.regionIndex(context.Background()); err != nil {
		log.Warn("region index not built at start-up", "err", err)
	}
	r := gin.New()
	// Client addresses key rate limits and the audit log: trust no
	// X-Forwarded-For except from a configured proxy, or anyone could pick
	// their own address; behind one, the proxy's address is everyone's.
	if err := r.SetTrustedProxies(opt.TrustedProxies); err != nil {
		return nil, err
	}
	r.Use(httpx.RequestID(), s.recoverer(), s.logRequests(), s.metrics.observe(), httpx.SecurityHeaders(), httpx.Compress(), httpx.ValidUTF8(refuseInput, fileRoutes...),
		s.authenticate(), s.csrfProtect(), s.auditWrites())
	s.routes(r)
	return r, nil
}

// logRequests writes one structured line per request.
func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		s.log.Info("request", "id", c.GetString(httpx.RequestIDKey), "method", c.Request.Method, "path", c.Request.URL.Path, "route", c.FullPath(),
			"status", c.Writer.Status(), "bytes", c.Writer.Size(), "duration", time.Since(start))
	}
}

// recoverer turns a panic into a logged 500 without details for the client.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "path", c.Request.URL.Path, "panic", v)
				c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody("internal", "internal error", nil))
			}
		}()
		c.Next()
	}
}

// refuseInput answers a request httpx.ValidUTF8 refuses: 400, in the API's
// error shape.
func refuseInput(c *gin.Context, message string) {
	c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid", message, nil))
}

// errorBody is the one shape of every API error.
func errorBody(code, message string, details any) gin.H {
	e := gin.H{"code": code, "message": message}
	if details != nil {
		e["details"] = details
	}
	return gin.H{"error": e}
}

// statusOf maps the domain's error kinds to HTTP, once for every handler.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, domain.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, domain.ErrConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, domain.ErrUnauthorized):
		return http.StatusUnauthorized, "unauthorized"
	case errors.Is(err, domain.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, os.ErrDeadlineExceeded):
		// A request body slower than its minimum rate (httpx.MinRate).
		return http.StatusRequestTimeout, "too_slow"
	case store.Unreachable(err):
		// An outage, not a failure of this request: the client may try
		// again (Retry-After, set by retryLater).
		return http.StatusServiceUnavailable, "unavailable"
	case errors.Is(err, store.ErrFull):
		// The request was fine and may succeed once the operator frees
		// space; 507 says exactly that (RFC 4918).
		return http.StatusInsufficientStorage, "storage_full"
	}
	return http.StatusInternalServerError, "internal"
}

// fail answers an API request with err: the user-safe message for known
// kinds, a generic one for everything else. Server-side failures (5xx) are
// logged: the operator has to act on them.
func (s *Server) fail(c *gin.Context, err error) {
	status, code := statusOf(err)
	if errors.Is(err, context.Canceled) && c.Request.Context().Err() != nil {
		// The client went away and its request (an import) was stopped
		// and rolled back: nobody reads this answer, nothing to act on.
		s.log.Info("request cancelled by its client", "path", c.Request.URL.Path, "err", err)
		c.AbortWithStatus(statusClientClosed)
		return
	}
	if status >= http.StatusInternalServerError {
		s.log.Error("request failed", "path", c.Request.URL.Path, "err", err)
	}
	msg := domain.Message(err)
	if status == http.StatusServiceUnavailable {
		retryLater(c)
		msg = unavailableMessage
	}
	c.AbortWithStatusJSON(status, errorBody(code, msg, nil))
}

// statusClientClosed is what the metrics and the audit log record for a
// request its client abandoned (nginx's 499): no one receives it.
const statusClientClosed = 499

// unavailableMessage is what a client is told during a database outage.
const unavailableMessage = "the database is unreachable for the moment; try again shortly"

// retryLater tells a client when to try again after an outage: a
// PostgreSQL restart or fail-over takes seconds.
func retryLater(c *gin.Context) {
	c.Header("Retry-After", "5")
}
