package domain

import (
	"slices"
	"testing"
)

func TestAncestryOfCode(t *testing.T) {
	for _, tt := range []struct {
		code string
		want []string
	}{
		{code: "ID", want: []string{"ID"}},
		{code: "16", want: []string{"16", "ID"}},
		{code: "16.07", want: []string{"16.07", "16", "ID"}},
		{code: "16.07.01.2001", want: []string{"16.07.01.2001", "16.07.01", "16.07", "16", "ID"}},
	} {
		t.Run(tt.code, func(t *testing.T) {
			if got := AncestryOfCode(tt.code); !slices.Equal(got, tt.want) {
				t.Errorf("AncestryOfCode(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestLevelDepth(t *testing.T) {
	for want, l := range []Level{LevelNational, LevelProvince, LevelRegency, LevelDistrict, LevelVillage} {
		if got := l.Depth(); got != want {
			t.Errorf("%s: depth %d, want %d", l, got, want)
		}
	}
}
