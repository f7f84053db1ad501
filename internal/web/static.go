package web

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/httpx"
)

// staticFile serves the embedded chart assets. Scripts have a version or
// content hash in their name, so they are cached for a year as immutable;
// the licence text is not versioned and is cached for a day. Each goes
// out as make assets compressed it (brotli, gzip) when the client accepts
// that, else plain.
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
	serveAsset(c, name, f.Body, f.ContentType)
}

// serveAsset answers with an embedded file under its ETag, coded from
// the forms made at build time (chart.Coded), or once here when absent.
func serveAsset(c *gin.Context, name string, body []byte, contentType string) {
	a := asset(name, body)
	if httpx.Conditional(c, a.etag, time.Time{}) {
		return
	}
	a.Serve(c, http.StatusOK, contentType)
}

type codedAsset struct {
	*httpx.Variants
	etag string
}

var (
	assetsMu sync.Mutex
	assets   = map[string]codedAsset{}
)

// asset is the embedded file name with its coded forms, made once.
func asset(name string, body []byte) codedAsset {
	assetsMu.Lock()
	defer assetsMu.Unlock()
	a, ok := assets[name]
	if !ok {
		gz, br := chart.Coded(body)
		a = codedAsset{httpx.NewVariants(body, gz, br), httpx.ETag(body)}
		assets[name] = a
	}
	return a
}
