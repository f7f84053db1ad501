package wilayah

import (
	"bytes"
	"sort"
	"strings"

	"pantau/internal/domain"
)

// Suggest returns at most n entries close to query, best first: the "did
// you mean" for a region code or name that is not in the list.
//
// A query of digits and dots is a code: the codes starting with it, else the
// codes at its level below its nearest existing ancestor, closest first
// ("16.99" → 16.09 …). Any other query is a name, compared without case,
// spaces or punctuation and without a leading "Kab."/"Kabupaten"/"Kota"/
// "Kec."/"Kecamatan"/"Provinsi"/"Desa"/"Kelurahan", exactly, then within a
// small edit distance (one edit for up to 6 letters, two up to 12, three
// beyond), then as a prefix of a longer name. Ties go to the kind the query
// named (a "Kota" query prefers cities), then to higher levels, then to code
// order.
func (l *List) Suggest(query string, n int) []Entry {
	query = strings.TrimSpace(query)
	if query == "" || n <= 0 {
		return nil
	}
	if isCode(query) {
		return l.suggestCode(query, n)
	}
	return l.suggestName(query, n)
}

func isCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && s[i] != '.' {
			return false
		}
	}
	return true
}

func (l *List) suggestCode(query string, n int) []Entry {
	rest := l.entries[1:]
	k := sort.Search(len(rest), func(k int) bool { return rest[k].Code >= query })
	var out []Entry
	for ; k < len(rest) && len(out) < n && strings.HasPrefix(rest[k].Code, query); k++ {
		out = append(out, rest[k])
	}
	if len(out) > 0 {
		return out
	}
	// Nothing starts with it: a typo in one part. Offer the codes of the same
	// level under the nearest ancestor that exists, fewest edits first.
	anc := domain.ParentOfCode(query)
	for anc != "" {
		if _, ok := l.index(anc); ok {
			break
		}
		anc = domain.ParentOfCode(anc)
	}
	i, _ := l.index(anc)
	dots := strings.Count(query, ".")
	var cands []candidate
	var d distance
	for k, end := i+1, l.subtreeEnd(i); k < end; k++ {
		e := l.entries[k]
		if strings.Count(e.Code, ".") != dots {
			continue
		}
		if s := levenshtein(&d, query, e.Code, 3); s <= 3 {
			cands = append(cands, candidate{index: k, score: s})
		}
	}
	return l.best(cands, n)
}

// candidate is an entry with its score (edits; lower is better) and
// whether it is of the kind the query named.
type candidate struct {
	index     int
	score     int
	otherKind bool
}

func (l *List) best(cands []candidate, n int) []Entry {
	sort.Slice(cands, func(a, b int) bool {
		x, y := cands[a], cands[b]
		if x.score != y.score {
			return x.score < y.score
		}
		if x.otherKind != y.otherKind {
			return !x.otherKind
		}
		if lx, ly := levelRank[l.entries[x.index].Level], levelRank[l.entries[y.index].Level]; lx != ly {
			return lx < ly
		}
		return x.index < y.index
	})
	out := make([]Entry, 0, min(n, len(cands)))
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, l.entries[c.index])
	}
	return out
}

var levelRank = map[domain.Level]int{
	domain.LevelNational: 0, domain.LevelProvince: 1, domain.LevelRegency: 2,
	domain.LevelDistrict: 3, domain.LevelVillage: 4,
}

// The kinds a leading word of a name can name.
const (
	kindNone = iota
	kindProvince
	kindRegency // Kabupaten
	kindCity    // Kota
	kindDistrict
	kindVillage
)

var kindWords = map[string]int{
	"prov": kindProvince, "provinsi": kindProvince,
	"kab": kindRegency, "kabupaten": kindRegency,
	"kota": kindCity,
	"kec":  kindDistrict, "kecamatan": kindDistrict,
	"desa": kindVillage, "kel": kindVillage, "kelurahan": kindVillage,
}

// folded is a name lower-cased with everything but letters and digits
// removed: full keeps every word, core drops a leading kind word (and the
// "Administrasi" of Jakarta's "Kota Administrasi Jakarta Pusat").
type folded struct {
	full, core []byte
	kind       int
}

// fold writes s folded into f, reusing f's buffers (Suggest folds every
// name in the list, so it allocates nothing per name).
func (f *folded) fold(s string, stripKind bool) {
	f.full, f.kind = f.full[:0], kindNone
	var ends [2]int // length of full after the first and the second word
	words := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c >= 0x80:
		default:
			if words < len(ends) && len(f.full) > ends[max(words-1, 0)] {
				ends[words] = len(f.full)
				words++
			}
			continue
		}
		f.full = append(f.full, c)
	}
	for ; words < len(ends); words++ {
		ends[words] = len(f.full)
	}
	f.core = f.full
	kind, ok := kindWords[string(f.full[:ends[0]])]
	if !stripKind || !ok || ends[0] == len(f.full) {
		return
	}
	f.kind, f.core = kind, f.full[ends[0]:]
	if string(f.full[ends[0]:ends[1]]) == "administrasi" && ends[1] < len(f.full) {
		f.core = f.full[ends[1]:]
	}
}

func (l *List) suggestName(query string, n int) []Entry {
	var q folded
	q.fold(query, true)
	if len(q.full) == 0 {
		return nil
	}
	maxEdits := 3
	switch {
	case len(q.core) <= 3:
		maxEdits = 0
	case len(q.core) <= 6:
		maxEdits = 1
	case len(q.core) <= 12:
		maxEdits = 2
	}
	var (
		name  folded
		d     distance
		cands []candidate
	)
	for k, e := range l.entries {
		// Only regency names carry their kind ("Kabupaten Banyuasin",
		// "Kota Palembang"); a kecamatan called "Kota Baru" keeps its word.
		name.fold(e.Name, e.Level == domain.LevelRegency)
		kind := name.kind
		switch e.Level {
		case domain.LevelProvince:
			kind = kindProvince
		case domain.LevelDistrict:
			kind = kindDistrict
		case domain.LevelVillage:
			kind = kindVillage
		}
		score := min(levenshtein(&d, q.core, name.core, maxEdits), levenshtein(&d, q.full, name.full, maxEdits))
		if score > maxEdits {
			if len(q.core) < 4 || !bytes.HasPrefix(name.core, q.core) {
				continue
			}
			score = maxEdits + 1
		}
		cands = append(cands, candidate{index: k, score: score, otherKind: q.kind != kindNone && q.kind != kind})
	}
	return l.best(cands, n)
}

// distance holds the rows of the edit-distance table between calls.
type distance struct{ prev, cur []int }

// levenshtein returns the edit distance between a and b, or max+1 as soon
// as it is known to exceed max. Only the cells within max of the diagonal
// can stay within max (Ukkonen), so each row computes at most 2·max+1.
func levenshtein[S ~string | ~[]byte](d *distance, a, b S, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	if cap(d.prev) < len(b)+1 {
		d.prev, d.cur = make([]int, len(b)+1, 2*len(b)+2), make([]int, len(b)+1, 2*len(b)+2)
	}
	prev, cur := d.prev[:len(b)+1], d.cur[:len(b)+1]
	over := max + 1
	for j := range prev {
		prev[j] = min(j, over)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := i-max, i+max
		if lo > 1 {
			cur[lo-1] = over
		} else {
			lo, cur[0] = 1, min(i, over)
		}
		hi = min(hi, len(b))
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, over)
			rowMin = min(rowMin, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = over
		}
		if rowMin > max {
			return over
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
