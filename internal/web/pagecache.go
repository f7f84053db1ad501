package web

import (
	"bytes"
	"container/list"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
)

// pageCache keeps rendered public pages (dashboards, indicator pages, the
// index) for anonymous readers, keyed by the request and the data version:
// a new upload changes the version and so every key. Catalogue edits do not
// move the version, so entries also expire after ttl. Each answer gets a
// fresh CSP nonce: the cached bytes hold a placeholder where the nonce was.
// Requests with a session cookie are never cached or served from the cache,
// since what a signed-in planner sees may differ from the public pages.
type pageCache struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	order    *list.List // front: most recently used
	bytes    int
	maxBytes int
	ttl      time.Duration
	now      func() time.Time
}

type cachedPage struct {
	key    string
	body   []byte
	header http.Header
	at     time.Time
}

// noncePlaceholder stands for the nonce in cached bytes; it cannot occur
// in a rendered page (templates escape NUL).
var noncePlaceholder = []byte("\x00nonce\x00")

var cspNonce = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)

func newPageCache(maxBytes int, ttl time.Duration) *pageCache {
	return &pageCache{entries: map[string]*list.Element{}, order: list.New(), maxBytes: maxBytes, ttl: ttl, now: time.Now}
}

func (pc *pageCache) get(key string) *cachedPage {
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

func (pc *pageCache) put(p *cachedPage) {
	if len(p.body) > pc.maxBytes/8 {
		return // one page may not crowd out the others
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.entries[p.key]; ok {
		pc.remove(el)
	}
	pc.entries[p.key] = pc.order.PushFront(p)
	pc.bytes += len(p.body)
	for pc.bytes > pc.maxBytes {
		pc.remove(pc.order.Back())
	}
}

func (pc *pageCache) remove(el *list.Element) {
	p := pc.order.Remove(el).(*cachedPage)
	delete(pc.entries, p.key)
	pc.bytes -= len(p.body)
}

// cached serves a page handler through the cache.
func (s *Server) cached(h gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		// Only the public's pages are shared: a session, a token (which may
		// see its agency's unpublished submissions) or a preview skips the
		// cache both ways.
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
		if p := s.pageCache.get(key); p != nil {
			s.metrics.CacheHits.WithLabelValues("pages", "hit").Inc()
			nonce := chart.Nonce()
			h := c.Writer.Header()
			for k, vs := range p.header {
				h[k] = append([]string(nil), vs...)
			}
			h.Set("Content-Security-Policy", cspNonce.ReplaceAllString(p.header.Get("Content-Security-Policy"), "'nonce-"+nonce+"'"))
			c.Status(http.StatusOK)
			c.Writer.Write(bytes.ReplaceAll(p.body, noncePlaceholder, []byte(nonce)))
			return
		}
		s.metrics.CacheHits.WithLabelValues("pages", "miss").Inc()
		orig := c.Writer
		bw := &bufferedWriter{ResponseWriter: orig, status: http.StatusOK}
		c.Writer = bw
		h(c)
		c.Writer = orig
		body := bw.buf.Bytes()
		orig.WriteHeader(bw.status)
		orig.Write(body)
		hdr := orig.Header()
		m := cspNonce.FindStringSubmatch(hdr.Get("Content-Security-Policy"))
		if cc := hdr.Get("Cache-Control"); bw.status != http.StatusOK || m == nil || hdr.Get("Set-Cookie") != "" ||
			strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
			return
		}
		keep := http.Header{}
		for k, vs := range hdr {
			if k != "Set-Cookie" && k != "X-Request-Id" && k != "Content-Length" {
				keep[k] = append([]string(nil), vs...)
			}
		}
		s.pageCache.put(&cachedPage{key: key, header: keep, at: time.Now(),
			body: bytes.ReplaceAll(body, []byte(m[1]), noncePlaceholder)})
	}
}
