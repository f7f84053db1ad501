package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
)

// cached serves a public page handler (dashboards, indicator pages, the
// index) through the page cache (httpx.PageCache) for anonymous readers,
// keyed by the request and the data version: a new upload changes the
// version and so every key. Catalogue edits do not move the version, so
// entries also expire after the cache's ttl.
func (s *Server) cached(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Only the public's pages are shared: a session, a token (which may
		// see its agency's unpublished submissions) or a preview skips the
		// cache both ways, since what a signed-in planner sees may differ
		// from the public pages.
		if _, err := c.Cookie(sessionCookie); err == nil || c.Request.Method != http.MethodGet ||
			principal(c).Kind != domain.Anonymous || c.Query("pratinjau") != "" {
			h(c)
			return
		}
		version, err := s.store.DataVersion(c.Request.Context())
		if err != nil {
			h(c) // the handler reports the database problem itself
			return
		}
		// The host is part of the key: pages build embed code and links
		// from it, and a forged Host header must not reach other readers.
		key := c.Request.Host + "\x00" + string(lang(c)) + "\x00" + c.Request.URL.RequestURI() + "\x00" + strconv.FormatInt(version, 10)
		result := "miss"
		if s.pageCache.Serve(c, key, h) {
			result = "hit"
		}
		s.metrics.CacheHits.WithLabelValues("pages", result).Inc()
	}
}
