package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"pantau/internal/testdb"
)

// Tests of issue 21: what a hostile client can make the service store,
// answer or count. Each runs against a real server on loopback.

// metricsSize fetches /metrics twice (the first fetch is itself counted)
// and returns the second body's size.
func metricsSize(t *testing.T, base string) (int, string) {
	t.Helper()
	var body []byte
	for range 2 {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return len(body), string(body)
}

// TestInventedMethodsLeaveMetricsAlone sends 2,000 requests with invented
// methods: /metrics keeps its size, since an unknown method is labelled
// "other" (each distinct method used to add 14 series).
func TestInventedMethodsLeaveMetricsAlone(t *testing.T) {
	base, _ := serveStore(t, testdb.SQLite(t))
	invent := func(i int) {
		req, err := http.NewRequest(fmt.Sprintf("X%dBREW", i), base+"/api/v1/indicators", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	invent(-1) // the "other" series appear once
	before, _ := metricsSize(t, base)
	for i := range 2000 {
		invent(i)
	}
	after, body := metricsSize(t, base)
	// Counters and runtime figures gain a digit here and there.
	if after-before > 512 {
		t.Errorf("/metrics grew from %d to %d bytes after 2,000 invented methods", before, after)
	}
	if strings.Contains(body, "X7BREW") || !strings.Contains(body, `method="other"`) {
		t.Errorf("/metrics labels a raw method, or not as other:\n%.2000s", body)
	}
}

