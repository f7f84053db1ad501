package web

import (
	"cmp"
	"slices"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// searchIndicators ranks the catalogue's indicators for a reader's query
// (/?q=): every word must match the code, SDG code, name or definition (in
// either language); an exact code or SDG code ranks first, then names,
// then definitions. The catalogue is small (hundreds of entries), so it is
// searched here rather than in SQL, the same on every engine.
func searchIndicators(inds []domain.Indicator, q string, l locale.Lang) []domain.Indicator {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return inds
	}
	type hit struct {
		ind   domain.Indicator
		score int
	}
	var hits []hit
	for _, ind := range inds {
		code, sdg := strings.ToLower(ind.Code), strings.ToLower(ind.SDGCode)
		names := strings.ToLower(ind.NameID + " " + ind.NameEN)
		defs := strings.ToLower(ind.Definition + " " + ind.DefinitionEN)
		total := 0
		for _, w := range words {
			score := 0
			switch {
			case w == code || (sdg != "" && w == sdg):
				score = 100
			case sdg != "" && strings.HasPrefix(sdg, w+"."):
				score = 80 // "1.2" finds 1.2.1 and 1.2.2
			case strings.Contains(code, w):
				score = 60
			case wordStart(names, w):
				score = 50
			case strings.Contains(names, w):
				score = 30
			case strings.Contains(defs, w):
				score = 10
			}
			if score == 0 {
				total = 0
				break
			}
			total += score
		}
		if total > 0 {
			hits = append(hits, hit{ind, total})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.ind.Name(l), b.ind.Name(l)))
	})
	out := make([]domain.Indicator, len(hits))
	for i, h := range hits {
		out[i] = h.ind
	}
	return out
}

// wordStart reports whether w begins a word of text.
func wordStart(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		if k := i + j; k == 0 || !isLetter(text[k-1]) {
			return true
		}
		i += j + 1
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80 }
