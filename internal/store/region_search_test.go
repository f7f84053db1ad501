package store_test

import (
	"context"
	"testing"

	"pantau/internal/store"
	"pantau/internal/testdb"
)

// TestSearchRegions finds regions by any part of the name in any case, by
// Kemendagri code prefix and by BPS code prefix, shallower first; a LIKE
// wildcard typed by a person matches only itself.
func TestSearchRegions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		for _, tt := range []struct {
			q    string
			want []string
		}{
			{"banyu", []string{"16.07"}},
			{"SUMATERA", []string{"16"}},
			{"16", []string{"16", "16.07"}},
			{"1607", []string{"16.07"}},
			{"%", nil},
			{"  ", nil},
		} {
			got, err := st.SearchRegions(ctx, tt.q, 10)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, r := range got {
				codes = append(codes, r.Code)
			}
			if len(codes) != len(tt.want) || (len(codes) > 0 && codes[len(codes)-1] != tt.want[len(tt.want)-1]) || (len(codes) > 0 && codes[0] != tt.want[0]) {
				t.Errorf("%q: %v, want %v", tt.q, codes, tt.want)
			}
		}
	})
}
