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
// copy) can be made from the bytes before anything is sent. With holds set,
// only answers it accepts (by their headers, at the first write) are held:
// any other goes straight through, so a download is never held whole.
type bufferedWriter struct {
	gin.ResponseWriter
	buf    bytes.Buffer
	status int
	holds  func(http.Header) bool
	// decided says whether holds was asked; through, what it answered no.
	decided, through bool
}

// passes decides, at the first write, whether the answer goes through.
func (w *bufferedWriter) passes() bool {
	if !w.decided {
		w.decided = true
		if w.holds != nil && !w.holds(w.ResponseWriter.Header()) {
			w.through = true
			w.ResponseWriter.WriteHeader(w.status)
		}
	}
	return w.through
}

func (w *bufferedWriter) WriteHeader(code int) {
	if w.through {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
}

func (w *bufferedWriter) WriteHeaderNow() {
	if w.holds != nil && w.passes() {
		w.ResponseWriter.WriteHeaderNow()
	}
}

func (w *bufferedWriter) Write(b []byte) (int, error) {
	if w.passes() {
		return w.ResponseWriter.Write(b)
	}
	return w.buf.Write(b)
}

func (w *bufferedWriter) WriteString(s string) (int, error) {
	if w.passes() {
		return w.ResponseWriter.WriteString(s)
	}
	return w.buf.WriteString(s)
}

// Flush sends a streamed answer on; a held one waits for its end.
func (w *bufferedWriter) Flush() {
	if w.passes() {
		w.ResponseWriter.Flush()
	}
}

func (w *bufferedWriter) Status() int {
	if w.through {
		return w.ResponseWriter.Status()
	}
	return w.status
}

func (w *bufferedWriter) Size() int {
	if w.through {
		return w.ResponseWriter.Size()
	}
	return w.buf.Len()
}

func (w *bufferedWriter) Written() bool {
	if w.through {
		return true
	}
	return w.buf.Len() > 0
}

// buffer runs h with its response held back, and returns what it wrote
// (status, body) with c's writer restored; the headers are already on it.
func buffer(c *gin.Context, h gin.HandlerFunc) (int, []byte) {
	status, body, _ := bufferIf(c, h, nil)
	return status, body
}

// bufferIf is buffer for the answers holds accepts (nil: all); streamed
// reports that the answer went through, already sent.
func bufferIf(c *gin.Context, h gin.HandlerFunc, holds func(http.Header) bool) (status int, body []byte, streamed bool) {
	orig := c.Writer
	bw := &bufferedWriter{ResponseWriter: orig, status: http.StatusOK, holds: holds}
	c.Writer = bw
	h(c)
	c.Writer = orig
	return bw.status, bw.buf.Bytes(), bw.through
}

// isJSON reports whether an answer's headers say JSON.
func isJSON(h http.Header) bool { return strings.HasPrefix(h.Get("Content-Type"), "application/json") }

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
// version and are left alone, and so is any answer that is not JSON: it
// goes through as it is written.
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
		// Only JSON is held for its tag: a download (a kept file, the
		// audit CSV) streams, with validators its handler sets.
		status, body, streamed := bufferIf(c, func(c *gin.Context) { c.Next() }, isJSON)
		if streamed {
			return
		}
		h := c.Writer.Header()
		if status == http.StatusOK && isJSON(h) {
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

// Conditional gives an answer its validators, etag and (when known)
// modified as Last-Modified, and answers 304 when the request's copy is
// current (NotModified), reporting so: the handler then returns without a
// body. Headers a 304 must repeat (Cache-Control, Vary, the policy) are set
// before it is called.
func Conditional(c *gin.Context, etag string, modified time.Time) bool {
	h := c.Writer.Header()
	h.Set("ETag", etag)
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if !NotModified(c, etag, modified) {
		return false
	}
	c.Status(http.StatusNotModified)
	c.Writer.WriteHeaderNow()
	return true
}
