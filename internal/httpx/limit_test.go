package httpx

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := NewLimiter(6, time.Minute, 3) // one every 10 s, bursts of 3
	now := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if d := l.Reserve("a", now); d != 0 {
			t.Fatalf("request %d of the burst waited %v", i+1, d)
		}
	}
	d := l.Reserve("a", now)
	if d <= 0 || d > 10*time.Second {
		t.Fatalf("fourth request: wait %v, want (0, 10s]", d)
	}
	if d := l.Reserve("b", now); d != 0 {
		t.Fatalf("another client is limited too: %v", d)
	}
	if d := l.Reserve("a", now.Add(10*time.Second)); d != 0 {
		t.Fatalf("after 10 s a token is back, but waited %v", d)
	}
	// A refused request does not use up the budget.
	l2 := NewLimiter(60, time.Minute, 1)
	l2.Reserve("c", now)
	for i := 0; i < 5; i++ {
		l2.Reserve("c", now)
	}
	if d := l2.Reserve("c", now.Add(time.Second)); d != 0 {
		t.Fatalf("refused requests consumed tokens: wait %v", d)
	}
}

func TestLimiterEvictsIdleClients(t *testing.T) {
	l := NewLimiter(60, time.Minute, 5)
	l.max = 10
	now := time.Unix(1000, 0)
	for i := 0; i < 10; i++ {
		l.Reserve(string(rune('a'+i)), now)
	}
	l.Reserve("new", now.Add(time.Hour))
	if len(l.clients) != 1 {
		t.Fatalf("%d clients kept after an hour idle, want only the new one", len(l.clients))
	}
}
