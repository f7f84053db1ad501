package textmatch

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kemiskinan", "kemiskinan", 0},
		{"kemiskinan", "kemiskinen", 1}, {"ipm", "imp", 2}, {"Musi Rawas", "Musi Rawas Utara", 6},
		{"äb", "ab", 1}, // by rune, not byte
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"kemiskinan", "kemiskinan_ekstrem", "ipm", "stunting", "kemiskinen"}
	if got := Closest("kemiskinam", keys, nil, 3); !slices.Equal(got, []string{"kemiskinan", "kemiskinen"}) {
		t.Errorf("Closest = %q", got)
	}
	if got := Closest("kemiskinam", keys, nil, 1); !slices.Equal(got, []string{"kemiskinan"}) {
		t.Errorf("Closest n=1 = %q", got)
	}
	if got := Closest("zzz", keys, nil, 3); got != nil {
		t.Errorf("Closest of nothing near = %q", got)
	}
	// labels are returned for keys, once each
	if got := Closest("16.07", []string{"16.07", "16.7"}, []string{"Banyuasin", "Banyuasin"}, 3); !slices.Equal(got, []string{"Banyuasin"}) {
		t.Errorf("Closest with labels = %q", got)
	}
}
