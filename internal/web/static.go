package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
)

// staticFile serves the embedded chart assets. Scripts have a version or
// content hash in their name, so they are cached for a year as immutable;
// the licence text is not versioned and is cached for a day.
func (s *Server) staticFile(c *gin.Context) {
	name := c.Param("file")
	f, ok := chart.Static[name]
	if !ok {
		c.String(http.StatusNotFound, "not found")
		return
	}
	if strings.HasSuffix(name, ".js") {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "public, max-age=86400")
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, f.ContentType, f.Body)
}
