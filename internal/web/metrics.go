package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pantau/internal/store"
)

// Metrics are the service's Prometheus metrics, on their own registry so
// that tests can build several servers in one process.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	UploadRow *prometheus.CounterVec
	CacheHits *prometheus.CounterVec
}

// NewMetrics registers the metrics, the database pool statistics of st and
// the Go runtime and process collectors.
func NewMetrics(st *store.Store) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pantau_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "pantau_http_request_duration_seconds", Help: "HTTP request latency by route template.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "method"}),
		UploadRow: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pantau_upload_rows_total", Help: "Rows of uploads by outcome (new, changed, unchanged, missing, rejected).",
		}, []string{"outcome"}),
		CacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pantau_cache_requests_total", Help: "Rendered-response cache lookups by cache and result (hit, miss).",
		}, []string{"cache", "result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.UploadRow, m.CacheHits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(st.DB().DB, string(st.Dialect())))
	return m
}

// observe records every request under its route template and a known
// method. Neither the raw path nor the raw method is a label: a client
// sends any token it likes as a method, and each new label value is a new
// series kept for the life of the process (13 with the histogram), so
// invented methods would grow /metrics and memory without bound.
func (m *Metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		method := metricMethod(c.Request.Method)
		m.requests.WithLabelValues(route, method, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	}
}

// metricMethod is the method's label: one of RFC 9110's methods, else
// "other".
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// handler serves /metrics in the Prometheus text format.
func (m *Metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return gin.WrapH(h)
}
