package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// bufferedWriter holds a response back so that its ETag (or its cached
// copy) can be made from the bytes before anything is sent.
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

// buffer runs h with its response held back, and returns what it wrote
// (status, body) with c's writer restored; the headers are already on it.
func buffer(c *gin.Context, h gin.HandlerFunc) (int, []byte) {
	orig := c.Writer
	bw := &bufferedWriter{ResponseWriter: orig, status: http.StatusOK}
	c.Writer = bw
	h(c)
	c.Writer = orig
	return bw.status, bw.buf.Bytes()
}

// ETag is a strong validator made from b (a body, or a key that names
// one): 18 bytes of its SHA-256, quoted.
func ETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// ETagJSON gives JSON reads an ETag computed from the answer itself, and
// answers 304 to a matching If-None-Match, so clients and caches revalidate
// instead of downloading again. The answer is the validator, so it is right
// whatever changed (data, catalogue, code). Streaming downloads (paths
// starting with one of streaming) set their own validators from the data
// version and are left alone.
func ETagJSON(streaming ...string) gin.HandlerFunc {
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
		status, body := buffer(c, func(c *gin.Context) { c.Next() })
		h := c.Writer.Header()
		if status == http.StatusOK && strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			etag := ETag(body)
			h.Set("ETag", etag)
			if h.Get("Cache-Control") == "" {
				h.Set("Cache-Control", "no-cache")
			}
			if NotModified(c, etag, time.Time{}) {
				h.Del("Content-Type")
				h.Del("Content-Length")
				c.Writer.WriteHeader(http.StatusNotModified)
				c.Writer.WriteHeaderNow()
				return
			}
		}
		c.Writer.WriteHeader(status)
		c.Writer.Write(body)
	}
}

// Matches implements If-None-Match's weak comparison of etag against the
// header's list (RFC 9110 13.1.2).
func Matches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" || part == etag {
			return true
		}
	}
	return false
}

// NotModified applies RFC 9110's conditional GET to an answer with etag,
// last changed at modified (zero: unknown): If-None-Match when present,
// else If-Modified-Since.
func NotModified(c *gin.Context, etag string, modified time.Time) bool {
	if inm := c.GetHeader("If-None-Match"); inm != "" {
		return Matches(inm, etag)
	}
	if ims := c.GetHeader("If-Modified-Since"); ims != "" && !modified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}
