package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// bufferedWriter holds a response back so that its ETag can be computed
// from the bytes before anything is sent.
type bufferedWriter struct {
	gin.ResponseWriter
	buf    bytes.Buffer
	status int
}

func (w *bufferedWriter) WriteHeader(code int)              { w.status = code }
func (w *bufferedWriter) WriteHeaderNow()                   {}
func (w *bufferedWriter) Write(b []byte) (int, error)       { return w.buf.Write(b) }
func (w *bufferedWriter) WriteString(s string) (int, error) { return w.buf.WriteString(s) }
func (w *bufferedWriter) Status() int                       { return w.status }
func (w *bufferedWriter) Size() int                         { return w.buf.Len() }
func (w *bufferedWriter) Written() bool                     { return w.buf.Len() > 0 }

// etagJSON gives JSON reads an ETag computed from the answer itself, and
// answers 304 to a matching If-None-Match, so clients and caches revalidate
// instead of downloading again. The answer is the validator, so it is right
// whatever changed (data, catalogue, code). Streaming downloads (exports)
// set their own validators from the data version and are left alone.
func etagJSON(streaming ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			c.Next()
			return
		}
		for _, p := range streaming {
			if strings.HasPrefix(c.Request.URL.Path, p) {
				c.Next()
				return
			}
		}
		orig := c.Writer
		bw := &bufferedWriter{ResponseWriter: orig, status: http.StatusOK}
		c.Writer = bw
		c.Next()
		c.Writer = orig
		body := bw.buf.Bytes()
		if bw.status == http.StatusOK && strings.HasPrefix(orig.Header().Get("Content-Type"), "application/json") {
			sum := sha256.Sum256(body)
			etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
			h := orig.Header()
			h.Set("ETag", etag)
			if h.Get("Cache-Control") == "" {
				h.Set("Cache-Control", "no-cache")
			}
			if inm := c.GetHeader("If-None-Match"); inm != "" && etagMatches(inm, etag) {
				h.Del("Content-Type")
				h.Del("Content-Length")
				orig.WriteHeader(http.StatusNotModified)
				orig.WriteHeaderNow()
				return
			}
		}
		orig.WriteHeader(bw.status)
		orig.Write(body)
	}
}

// etagMatches implements If-None-Match's weak comparison over a list.
func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" || part == etag {
			return true
		}
	}
	return false
}
