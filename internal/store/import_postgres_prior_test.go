package store

import (
	"context"
	"testing"
)

// TestPriorEvictionLeavesLoadsAlone: while one loader fills an indicator
// the writer is waiting for, the other finishes a load that goes over
// maxPriorEntries and looks for indicators to drop. It must not touch the
// one still loading (run with -race: the loader writes its fields without
// a lock until it closes done).
func TestPriorEvictionLeavesLoadsAlone(t *testing.T) {
	ctx := context.Background()
	s := testStore(t, Postgres)
	p := &priorValues{s: s, ctx: ctx, inds: map[string]*priorIndicator{}}
	// Loaded indicators already hold more than the maximum.
	p.held = maxPriorEntries + 1
	// "loading": the writer waits for it (used), a loader is filling it.
	loading := &priorIndicator{code: "loading", done: make(chan struct{}), used: 1}
	p.inds[loading.code] = loading
	filled := make(chan struct{})
	go func() {
		defer close(filled)
		loading.series, loading.vals = map[priorSeries]priorSpan{}, nil // as read does
		loading.vals = append(loading.vals, priorYear{})
	}()
	pi := &priorIndicator{code: "other", done: make(chan struct{})}
	p.inds[pi.code] = pi
	p.load(pi)
	<-filled
	close(loading.done)
	if p.inds[loading.code] == nil {
		t.Error("an indicator still loading was dropped")
	}
}
