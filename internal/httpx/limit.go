package httpx

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per client (per IP address), for the routes a
// client could abuse: uploads, token use, logins. Idle clients are dropped
// so the table stays bounded.
type Limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	clients map[string]*client
	max     int
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows n requests per period per client, in bursts of up to burst.
func NewLimiter(n int, period time.Duration, burst int) *Limiter {
	return &Limiter{every: rate.Limit(float64(n) / period.Seconds()), burst: burst, clients: map[string]*client{}, max: 100000}
}

// Reserve takes one token for key and says how long to wait if none is
// left; a refused request takes nothing.
func (l *Limiter) Reserve(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	cl, ok := l.clients[key]
	if !ok {
		if len(l.clients) >= l.max {
			l.evict(now)
		}
		cl = &client{lim: rate.NewLimiter(l.every, l.burst)}
		l.clients[key] = cl
	}
	cl.seen = now
	r := cl.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// evict drops clients idle long enough for their bucket to be full again.
func (l *Limiter) evict(now time.Time) {
	full := time.Duration(float64(l.burst)/float64(l.every)*float64(time.Second)) + time.Minute
	for k, c := range l.clients {
		if now.Sub(c.seen) > full {
			delete(l.clients, k)
		}
	}
	if len(l.clients) >= l.max { // still full: a flood of new addresses
		for k := range l.clients {
			delete(l.clients, k)
			if len(l.clients) < l.max/2 {
				break
			}
		}
	}
}
