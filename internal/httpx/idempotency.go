package httpx

import (
	"bytes"
	"container/list"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// IdempotencyHeader names the key a client sends so that a retry of a
// request whose answer it never got (a dropped connection, a timeout)
// answers the first result instead of doing the work twice.
const IdempotencyHeader = "Idempotency-Key"

var idempotencyKeyPattern = regexp.MustCompile(`^[\x21-\x7e]{1,255}$`)

// maxKeptAnswer is the largest answer kept for a retry; a larger one is
// not kept (the retry is done again).
const maxKeptAnswer = 1 << 20

// Idempotency remembers answers by key for a window, in this process (a
// retry that reaches another instance is done again). It holds at most max
// answers and 64 MB of them, dropping the oldest first.
type Idempotency struct {
	window time.Duration
	max    int

	mu      sync.Mutex
	entries map[string]*list.Element
	order   *list.List // front: newest
	bytes   int
}

type kept struct {
	key    string
	at     time.Time
	done   chan struct{} // closed when the first request has answered
	ok     bool          // the answer is kept (set before done closes)
	status int
	header http.Header
	body   []byte
}

// NewIdempotency remembers up to max answers for window each.
func NewIdempotency(window time.Duration, max int) *Idempotency {
	return &Idempotency{window: window, max: max, entries: map[string]*list.Element{}, order: list.New()}
}

// Handler makes the handlers after it idempotent for requests that carry
// an Idempotency-Key: the first request with a key runs, and its answer,
// unless a server failure (5xx), a timeout (408) or a rate limit (429), is
// kept; a later one with the same key and scope gets that answer again,
// with Idempotent-Replayed: true. One arriving while the first runs waits
// for it. scope names who asks (keys of different clients never meet);
// without a scope ("") the request runs as it is. A malformed key is
// refused with a message.
func (id *Idempotency) Handler(scope func(c *gin.Context) string, refuse func(c *gin.Context, message string)) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyHeader)
		if key == "" {
			c.Next()
			return
		}
		if !idempotencyKeyPattern.MatchString(key) {
			refuse(c, "Idempotency-Key must be 1 to 255 visible ASCII characters")
			return
		}
		who := scope(c)
		if who == "" {
			c.Next()
			return
		}
		k := who + "\x00" + c.Request.Method + " " + c.FullPath() + "\x00" + key
		for {
			e, first := id.claim(k)
			if first {
				id.run(c, e)
				return
			}
			select {
			case <-e.done:
			case <-c.Request.Context().Done():
				c.Abort()
				return
			}
			if e.ok {
				replay(c, e)
				return
			}
			// The first was not kept (a 5xx): this one runs in its place.
		}
	}
}

// claim returns the entry for k, new (first) when there is none.
func (id *Idempotency) claim(k string) (*kept, bool) {
	id.mu.Lock()
	defer id.mu.Unlock()
	now := time.Now()
	for el := id.order.Back(); el != nil; el = id.order.Back() {
		e := el.Value.(*kept)
		if now.Sub(e.at) < id.window && id.order.Len() <= id.max && id.bytes <= 64<<20 {
			break
		}
		id.drop(el)
	}
	if el, ok := id.entries[k]; ok {
		return el.Value.(*kept), false
	}
	e := &kept{key: k, at: now, done: make(chan struct{})}
	id.entries[k] = id.order.PushFront(e)
	return e, true
}

func (id *Idempotency) drop(el *list.Element) {
	e := id.order.Remove(el).(*kept)
	id.bytes -= len(e.body)
	delete(id.entries, e.key)
}

// run serves the first request with a key and keeps its answer.
func (id *Idempotency) run(c *gin.Context, e *kept) {
	w := &recorder{ResponseWriter: c.Writer}
	c.Writer = w
	defer func() {
		status := w.Status()
		keep := !w.over && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
		id.mu.Lock()
		if el, ok := id.entries[e.key]; ok && el.Value == e {
			if keep {
				e.ok, e.status, e.header, e.body = true, status, w.Header().Clone(), w.buf.Bytes()
				id.bytes += len(e.body)
			} else {
				id.drop(el)
			}
		}
		id.mu.Unlock()
		close(e.done)
	}()
	c.Next()
}

// replay writes a kept answer.
func replay(c *gin.Context, e *kept) {
	h := c.Writer.Header()
	for k, vs := range e.header {
		if k != "X-Request-Id" {
			h[k] = append([]string(nil), vs...)
		}
	}
	h.Set("Idempotent-Replayed", "true")
	c.Status(e.status)
	c.Writer.Write(e.body)
	c.Abort()
}

// recorder copies an answer's body as it is written, up to maxKeptAnswer.
type recorder struct {
	gin.ResponseWriter
	buf  bytes.Buffer
	over bool
}

// Unwrap lets http.ResponseController reach the connection (MinRate's
// read deadlines) through the recorder.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recorder) Write(b []byte) (int, error) {
	w.keep(b)
	return w.ResponseWriter.Write(b)
}

func (w *recorder) WriteString(s string) (int, error) {
	w.keep([]byte(s))
	return w.ResponseWriter.WriteString(s)
}

func (w *recorder) keep(b []byte) {
	if w.over || w.buf.Len()+len(b) > maxKeptAnswer {
		w.over = true
		w.buf.Reset()
		return
	}
	w.buf.Write(b)
}
