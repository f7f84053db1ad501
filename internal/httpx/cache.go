package httpx

import (
	"bytes"
	"container/list"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// PageCache keeps rendered pages in memory, bounded in bytes, each for at
// most ttl, keyed by whatever the caller says makes two answers equal
// (Pantau: host, language, URL and data version). Each answer gets a fresh
// CSP nonce: the cached bytes hold a placeholder where the nonce was.
// Whether a request may be answered from the cache at all (no session, no
// preview) is the caller's decision.
type PageCache struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	order    *list.List // front: most recently used
	bytes    int
	maxBytes int
	ttl      time.Duration
	now      func() time.Time
	nonce    func() string
}

type cachedPage struct {
	key string
	// body holds a placeholder where the nonce was, for pages that write
	// it; kept is set instead for pages that do not (their bytes are the
	// same for every reader), with its coded forms and an ETag.
	body   []byte
	kept   *Variants
	etag   string
	size   int
	header http.Header
	at     time.Time
}

// keptOverhead is what a kept page's coded forms add to its bytes in the
// cache's bound (brotli and gzip of HTML: about a fifth each).
const keptOverhead = 2

// noncePlaceholder stands for the nonce in cached bytes; it cannot occur
// in a rendered page (templates escape NUL).
var noncePlaceholder = []byte("\x00nonce\x00")

var cspNonce = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)

// NewPageCache keeps up to maxBytes of pages for ttl each; nonce makes the
// fresh nonce of every answer served from the cache.
func NewPageCache(maxBytes int, ttl time.Duration, nonce func() string) *PageCache {
	return &PageCache{entries: map[string]*list.Element{}, order: list.New(), maxBytes: maxBytes, ttl: ttl, now: time.Now, nonce: nonce}
}

func (pc *PageCache) get(key string) *cachedPage {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.entries[key]
	if !ok {
		return nil
	}
	p := el.Value.(*cachedPage)
	if pc.now().Sub(p.at) > pc.ttl {
		pc.remove(el)
		return nil
	}
	pc.order.MoveToFront(el)
	return p
}

func (pc *PageCache) put(p *cachedPage) {
	if p.size > pc.maxBytes/8 {
		return // one page may not crowd out the others
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.entries[p.key]; ok {
		pc.remove(el)
	}
	pc.entries[p.key] = pc.order.PushFront(p)
	pc.bytes += p.size
	for pc.bytes > pc.maxBytes {
		pc.remove(pc.order.Back())
	}
}

func (pc *PageCache) remove(el *list.Element) {
	p := pc.order.Remove(el).(*cachedPage)
	delete(pc.entries, p.key)
	pc.bytes -= p.size
}

// Serve answers c from the entry under key, or runs h and keeps its answer
// under key when it may be shared: a 200 with a nonce in its policy, no
// cookie set and no Cache-Control that forbids it. A page whose body does
// not write its nonce is the same for every reader: it is kept with its
// coded forms (each made once, not per request) and an ETag, so readers
// revalidate with If-None-Match. It reports whether the answer came from
// the cache.
func (pc *PageCache) Serve(c *gin.Context, key string, h gin.HandlerFunc) (hit bool) {
	if p := pc.get(key); p != nil {
		nonce := pc.nonce()
		hdr := c.Writer.Header()
		for k, vs := range p.header {
			hdr[k] = append([]string(nil), vs...)
		}
		hdr.Set("Content-Security-Policy", cspNonce.ReplaceAllString(p.header.Get("Content-Security-Policy"), "'nonce-"+nonce+"'"))
		if p.kept != nil {
			serveKept(c, p)
			return true
		}
		c.Status(http.StatusOK)
		c.Writer.Write(bytes.ReplaceAll(p.body, noncePlaceholder, []byte(nonce)))
		return true
	}
	status, body := buffer(c, h)
	hdr := c.Writer.Header()
	m := cspNonce.FindStringSubmatch(hdr.Get("Content-Security-Policy"))
	if cc := hdr.Get("Cache-Control"); status != http.StatusOK || m == nil || hdr.Get("Set-Cookie") != "" ||
		strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		c.Writer.WriteHeader(status)
		c.Writer.Write(body)
		return false
	}
	keep := http.Header{}
	for k, vs := range hdr {
		if k != "Set-Cookie" && k != "X-Request-Id" && k != "Content-Length" {
			keep[k] = append([]string(nil), vs...)
		}
	}
	p := &cachedPage{key: key, header: keep, at: time.Now()}
	if bytes.Contains(body, []byte(m[1])) {
		p.body = bytes.ReplaceAll(body, []byte(m[1]), noncePlaceholder)
		p.size = len(p.body)
		c.Writer.WriteHeader(status)
		c.Writer.Write(body)
	} else {
		p.kept, p.etag, p.size = NewVariants(body, nil, nil), ETag(body), len(body)*keptOverhead
		serveKept(c, p)
	}
	pc.put(p)
	return false
}

// serveKept answers c with a kept page: 304 when the reader has it.
func serveKept(c *gin.Context, p *cachedPage) {
	c.Header("ETag", p.etag)
	if NotModified(c, p.etag, time.Time{}) {
		c.Writer.Header().Del("Content-Type")
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	p.kept.Serve(c, http.StatusOK, p.header.Get("Content-Type"))
}

const (
	// versionTTL is how long the current data version is trusted before
	// asking the database again: uploads may come from another process or
	// instance, and a second of delay on a five-minute cache is nothing.
	versionTTL = time.Second
	// liveTTL expires live entries although the version did not move:
	// catalogue edits (names, sources) do not make a data version.
	liveTTL = 5 * time.Minute
)

// Versions is where the data version comes from (the store): the current
// one, and when a version was made.
type Versions interface {
	DataVersion(ctx context.Context) (int64, error)
	VersionTime(ctx context.Context, v int64) (time.Time, error)
}

// EmbedCache is a bounded LRU of rendered answers made from one data
// version (Pantau's embeds), with the current data version and the times
// of versions. Live entries follow the newest data and are dropped when
// it moves; pinned ones were made from a fixed version and stay valid.
type EmbedCache struct {
	src     Versions
	mu      sync.Mutex
	order   *list.List // front: most recently used
	entries map[string]*list.Element
	max     int

	version   int64
	versionAt time.Time
	times     map[int64]time.Time
}

// Entry is one cached answer.
type Entry struct {
	Key string
	// Live entries were made from the current data version.
	Live        bool
	At          time.Time
	Body        []byte
	ContentType string
	coded       *Variants
}

// Serve answers c with e, coded as c accepts; each coded form is made
// once for the entry, not per request.
func (e *Entry) Serve(c *gin.Context) {
	if e.coded == nil {
		e.coded = NewVariants(e.Body, nil, nil) // an entry not (yet) Put
	}
	e.coded.Serve(c, http.StatusOK, e.ContentType)
}

// NewEmbedCache keeps up to max answers, with data versions read from src.
func NewEmbedCache(max int, src Versions) *EmbedCache {
	return &EmbedCache{src: src, order: list.New(), entries: map[string]*list.Element{}, max: max, times: map[int64]time.Time{}}
}

// Current returns the data version, from memory when it was read less
// than versionTTL ago. A new version drops every live entry: they were
// made from older data. Pinned entries stay valid for ever.
func (ec *EmbedCache) Current(ctx context.Context) (int64, error) {
	ec.mu.Lock()
	if time.Since(ec.versionAt) < versionTTL {
		v := ec.version
		ec.mu.Unlock()
		return v, nil
	}
	ec.mu.Unlock()
	v, err := ec.src.DataVersion(ctx)
	if err != nil {
		return 0, err
	}
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if v != ec.version {
		for el := ec.order.Front(); el != nil; {
			next := el.Next()
			if e := el.Value.(*Entry); e.Live {
				ec.order.Remove(el)
				delete(ec.entries, e.Key)
			}
			el = next
		}
	}
	ec.version, ec.versionAt = v, time.Now()
	return v, nil
}

// VersionTime is the upload time of version v (zero when v is 0).
func (ec *EmbedCache) VersionTime(ctx context.Context, v int64) (time.Time, error) {
	if v <= 0 {
		return time.Time{}, nil
	}
	ec.mu.Lock()
	t, ok := ec.times[v]
	ec.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := ec.src.VersionTime(ctx, v)
	if err != nil {
		return t, err
	}
	ec.mu.Lock()
	if len(ec.times) > 4096 {
		clear(ec.times)
	}
	ec.times[v] = t
	ec.mu.Unlock()
	return t, nil
}

// Get returns the entry under key, or nil (also when a live entry is
// older than liveTTL).
func (ec *EmbedCache) Get(key string) *Entry {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	el, ok := ec.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*Entry)
	if e.Live && time.Since(e.At) > liveTTL {
		ec.order.Remove(el)
		delete(ec.entries, key)
		return nil
	}
	ec.order.MoveToFront(el)
	return e
}

// Put keeps e, dropping the least recently used entries beyond the bound.
func (ec *EmbedCache) Put(e *Entry) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if el, ok := ec.entries[e.Key]; ok {
		ec.order.Remove(el)
	}
	if e.coded == nil {
		e.coded = NewVariants(e.Body, nil, nil)
	}
	ec.entries[e.Key] = ec.order.PushFront(e)
	for ec.order.Len() > ec.max {
		old := ec.order.Remove(ec.order.Back()).(*Entry)
		delete(ec.entries, old.Key)
	}
}
