package httpx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gin-gonic/gin"
)

// Content codings Pantau sends. Identity is the empty string.
const (
	Brotli = "br"
	Gzip   = "gzip"
)

// MinCompressSize is the smallest body worth compressing: below it the
// coding's header and the client's work cost more than the bytes saved.
const MinCompressSize = 1024

// On-the-fly levels favour speed (a page is compressed while its reader
// waits); bodies compressed once and kept (Variants) get denser levels.
const (
	streamBrotliLevel = 4
	streamGzipLevel   = 5
	keptBrotliLevel   = 7
	keptGzipLevel     = gzip.BestCompression
)

// compressible are the media types worth compressing: text formats. PNG,
// ZIP-based workbooks and anything else already compressed are left as
// they are.
var compressible = map[string]bool{
	"text/html": true, "text/css": true, "text/csv": true, "text/plain": true, "text/javascript": true,
	"application/javascript": true, "application/json": true, "application/geo+json": true,
	"image/svg+xml": true, "application/xml": true, "text/xml": true,
}

// Compressible reports whether an answer of content type ct is worth
// compressing (JSON-based types such as application/problem+json too).
func Compressible(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return compressible[mt] || strings.HasSuffix(mt, "+json")
}

// Negotiate picks the coding for a request's Accept-Encoding (RFC 9110
// 12.5.3): the acceptable coding with the highest q-value, brotli on a tie
// (it is smaller), "*" standing for codings not named; "" (identity) when
// the client names neither or refuses both with q=0.
func Negotiate(acceptEncoding string) string {
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0 // a malformed weight is no consent
				}
				v = f
			}
		}
		if name == "*" {
			star = v
		} else {
			q[name] = v
		}
	}
	weight := func(coding string) float64 {
		if v, ok := q[coding]; ok {
			return v
		}
		if coding == Gzip {
			if v, ok := q["x-gzip"]; ok {
				return v
			}
		}
		return max(star, 0)
	}
	br, gz := weight(Brotli), weight(Gzip)
	switch {
	case br > 0 && br >= gz:
		return Brotli
	case gz > 0:
		return Gzip
	}
	return ""
}

// etagSuffix marks the ETag of a coded variant: a coded body is another
// representation, so it needs its own strong validator (RFC 9110 8.8.3).
func etagSuffix(coding string) string {
	switch coding {
	case Brotli:
		return "-br"
	case Gzip:
		return "-gz"
	}
	return ""
}

// VariantETag is etag marked as the one of its body coded with coding
// (`"abc"` → `"abc-br"`; weak tags stay weak; identity is etag itself).
func VariantETag(etag, coding string) string {
	s := etagSuffix(coding)
	if s == "" || len(etag) < 2 || !strings.HasSuffix(etag, `"`) {
		return etag
	}
	return etag[:len(etag)-1] + s + `"`
}

// plainTags adds to an If-None-Match list the identity form of each tag
// carrying coding's suffix, so that handlers compare against the ETag of
// their uncoded body and never need to know about codings.
func plainTags(inm, coding string) string {
	s := etagSuffix(coding) + `"`
	if inm == "" || s == `"` || !strings.Contains(inm, s) {
		return inm
	}
	out := []string{inm}
	for _, part := range strings.Split(inm, ",") {
		if part = strings.TrimSpace(part); strings.HasSuffix(part, s) {
			out = append(out, strings.TrimSuffix(part, s)+`"`)
		}
	}
	return strings.Join(out, ", ")
}

// addVary adds Accept-Encoding to h's Vary unless it is there, in one
// field (a client reading only the first Vary line still sees it all).
func addVary(h http.Header) {
	vs := h.Values("Vary")
	for _, v := range vs {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Accept-Encoding") {
				return
			}
		}
	}
	h.Set("Vary", strings.Join(append(vs, "Accept-Encoding"), ", "))
}

var (
	gzipPool   sync.Pool
	brotliPool sync.Pool
)

// encoder is a pooled compressor for coding writing to w; release
// returns it to its pool once closed.
type encoder interface {
	io.WriteCloser
	Flush() error
}

func newEncoder(coding string, w io.Writer) encoder {
	if coding == Brotli {
		if e, ok := brotliPool.Get().(*brotli.Writer); ok {
			e.Reset(w)
			return e
		}
		return brotli.NewWriterLevel(w, streamBrotliLevel)
	}
	if e, ok := gzipPool.Get().(*gzip.Writer); ok {
		e.Reset(w)
		return e
	}
	e, _ := gzip.NewWriterLevel(w, streamGzipLevel)
	return e
}

func release(e encoder) {
	switch e := e.(type) {
	case *brotli.Writer:
		brotliPool.Put(e)
	case *gzip.Writer:
		gzipPool.Put(e)
	}
}

// Compress codes answers with brotli or gzip as each request's
// Accept-Encoding allows, for text media types (Compressible) of at least
// MinCompressSize bytes; streamed answers stay streamed (a Flush goes
// through the compressor). It is the one place coded variants get their
// ETags: a coded answer's ETag carries the coding's suffix (VariantETag),
// also when a handler sent a body it had coded before (Variants), and an
// If-None-Match naming a variant reaches the handler as the plain ETag,
// so handlers compute and compare only the ETag of their plain body.
// Every answer that could be coded says Vary: Accept-Encoding. Range
// requests and answers that are not 200 or an error page are left alone.
func Compress() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("Range") != "" {
			c.Next()
			return
		}
		coding := Negotiate(c.GetHeader("Accept-Encoding"))
		inm := c.GetHeader("If-None-Match")
		if p := plainTags(inm, coding); p != inm {
			c.Request.Header.Set("If-None-Match", p)
		}
		w := &compressWriter{ResponseWriter: c.Writer, coding: coding, inm: inm, status: http.StatusOK}
		c.Writer = w
		defer func() {
			w.finish()
			c.Writer = w.ResponseWriter
		}()
		c.Next()
	}
}

// compressWriter holds the first MinCompressSize bytes back until it knows
// whether the answer is worth coding, then sends it coded or as it is.
type compressWriter struct {
	gin.ResponseWriter
	coding  string // what the client accepts best; "" identity
	inm     string // If-None-Match as the client sent it
	status  int
	buf     []byte
	decided bool
	enc     encoder // nil: identity
	// hijacked: the handler took the connection; nothing more is written.
	hijacked bool
}

func (w *compressWriter) WriteHeader(code int) {
	if !w.decided {
		w.status = code
	}
}

func (w *compressWriter) WriteHeaderNow() {
	if !w.decided {
		w.decide(true)
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if w.decided {
		if w.enc != nil {
			return w.enc.Write(b)
		}
		return w.ResponseWriter.Write(b)
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= MinCompressSize {
		if err := w.decide(true); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

func (w *compressWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Flush sends what was written so far: a stream that flushes is taken to
// be long, so it is coded whatever it has written yet.
func (w *compressWriter) Flush() {
	if !w.decided {
		w.decide(true)
	}
	if w.enc != nil {
		w.enc.Flush()
	}
	w.ResponseWriter.Flush()
}

func (w *compressWriter) Status() int {
	if w.decided {
		return w.ResponseWriter.Status()
	}
	return w.status
}

func (w *compressWriter) Written() bool { return w.decided || len(w.buf) > 0 }

// Hijack hands the connection over (a failed stream is cut off so): what
// is held back or inside the compressor is dropped, never sent after.
func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := w.ResponseWriter.Hijack()
	if err == nil {
		w.hijacked = true
	}
	return conn, rw, err
}

// finish ends the answer once the handlers returned.
func (w *compressWriter) finish() {
	if w.hijacked {
		if w.enc != nil {
			release(w.enc)
		}
		return
	}
	if !w.decided {
		w.decide(len(w.buf) >= MinCompressSize)
	}
	if w.enc != nil {
		w.enc.Close()
		release(w.enc)
		w.enc = nil
	}
}

// decide sets the headers of the answer, sends them with what is held
// back, and from then on passes writes to the client, through a
// compressor when big enough (or streamed) and coded.
func (w *compressWriter) decide(big bool) error {
	w.decided = true
	h := w.ResponseWriter.Header()
	switch {
	case w.status == http.StatusNotModified:
		// The 304 names the variant the client holds, as its 200 did.
		addVary(h)
		if etag := h.Get("ETag"); etag != "" && w.coding != "" && Matches(w.inm, VariantETag(etag, w.coding)) {
			h.Set("ETag", VariantETag(etag, w.coding))
		}
	case h.Get("Content-Encoding") != "":
		// Coded by the handler (Variants): only its validator is ours.
		addVary(h)
		if etag := h.Get("ETag"); etag != "" {
			h.Set("ETag", VariantETag(etag, h.Get("Content-Encoding")))
		}
	case (w.status == http.StatusOK || w.status >= 400) && h.Get("Content-Range") == "" && Compressible(h.Get("Content-Type")):
		addVary(h)
		if big && w.coding != "" {
			h.Set("Content-Encoding", w.coding)
			h.Del("Content-Length")
			if etag := h.Get("ETag"); etag != "" {
				h.Set("ETag", VariantETag(etag, w.coding))
			}
			w.enc = newEncoder(w.coding, w.ResponseWriter)
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.ResponseWriter.WriteHeaderNow()
	if len(w.buf) == 0 {
		return nil
	}
	var err error
	if w.enc != nil {
		_, err = w.enc.Write(w.buf)
	} else {
		_, err = w.ResponseWriter.Write(w.buf)
	}
	w.buf = nil
	return err
}

// Variants is a body kept to be served many times (a cached page, an
// embed, a static file) with its coded forms, each made once, on first
// need, at a denser level than on-the-fly coding affords, or given ready
// (assets compressed at build time).
type Variants struct {
	plain []byte
	mu    sync.Mutex
	coded map[string][]byte
}

// NewVariants keeps plain; gz and br are its codings made before (nil:
// made when first asked for).
func NewVariants(plain, gz, br []byte) *Variants {
	v := &Variants{plain: plain, coded: map[string][]byte{}}
	if gz != nil {
		v.coded[Gzip] = gz
	}
	if br != nil {
		v.coded[Brotli] = br
	}
	return v
}

// Plain is the uncoded body.
func (v *Variants) Plain() []byte { return v.plain }

// Size is the bytes kept, coded forms included.
func (v *Variants) Size() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := len(v.plain)
	for _, b := range v.coded {
		n += len(b)
	}
	return n
}

// Coded is the body coded with coding, made now if it was not before.
func (v *Variants) Coded(coding string) []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	if b, ok := v.coded[coding]; ok {
		return b
	}
	var buf bytes.Buffer
	var e io.WriteCloser
	if coding == Brotli {
		e = brotli.NewWriterLevel(&buf, keptBrotliLevel)
	} else {
		e, _ = gzip.NewWriterLevel(&buf, keptGzipLevel)
	}
	e.Write(v.plain)
	e.Close()
	b := buf.Bytes()
	v.coded[coding] = b
	return b
}

// Serve answers c with v: coded as the request accepts when the content
// type is compressible and the body not tiny, else plain. The Compress
// middleware in front gives the ETag the coding's suffix.
func (v *Variants) Serve(c *gin.Context, status int, contentType string) {
	h := c.Writer.Header()
	body := v.plain
	if Compressible(contentType) {
		addVary(h)
		if coding := Negotiate(c.GetHeader("Accept-Encoding")); coding != "" && len(v.plain) >= MinCompressSize && c.GetHeader("Range") == "" {
			body = v.Coded(coding)
			h.Set("Content-Encoding", coding)
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.Data(status, contentType, body)
}
