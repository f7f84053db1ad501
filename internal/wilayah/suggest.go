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
// codes at its level below its nearest existing ancestor, fewest edits first
// ("16.99" → 16.09 …). Any other query is a name, compared without case,
// spaces or punctuation, without a leading "Kab."/"Kabupaten"/"Kota"/"Kec."/
// "Kecamatan"/"Provinsi"/"Desa"/"Kelurahan" and with common short forms
// spelled out ("DKI", "Kep.", "Sumsel"): first the same name, then names with
// a word that starts with the query ("Jakarta" → Kota Administrasi Jakarta
// Selatan), then names within a small edit distance (one edit for up to 6
// letters, two up to 12, three beyond). Ties go to the kind the query named
// (a "Kota" query prefers cities), then to higher levels, then to code order.
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
	// level under the nearest ancestor that exists, fewest edits first (at
	// most the 83,762 villages, each a short comparison).
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
		cands = append(cands, candidate{index: k, score: levenshtein(&d, query, e.Code, len(query)+len(e.Code))})
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
// "Administrasi" of Jakarta's "Kota Administrasi Jakarta Pusat"); starts
// are where the words begin in full.
type folded struct {
	full, core []byte
	starts     []int
	kind       int
}

// abbreviations are the short forms people type for a word of a name:
// "Kep. Seribu", "DKI Jakarta", "Sumsel". Only queries are expanded.
var abbreviations = map[string]string{
	"kep": "kepulauan", "adm": "administrasi", "kepri": "kepulauanriau", "babel": "kepulauanbangkabelitung",
	"dki": "daerahkhususibukota", "diy": "daerahistimewayogyakarta", "yogya": "yogyakarta", "jogja": "yogyakarta",
	"sumut": "sumaterautara", "sumbar": "sumaterabarat", "sumsel": "sumateraselatan",
	"jabar": "jawabarat", "jateng": "jawatengah", "jatim": "jawatimur",
	"ntb": "nusatenggarabarat", "ntt": "nusatenggaratimur",
	"kalbar": "kalimantanbarat", "kalteng": "kalimantantengah", "kalsel": "kalimantanselatan",
	"kaltim": "kalimantantimur", "kaltara": "kalimantanutara",
	"sulut": "sulawesiutara", "sulteng": "sulawesitengah", "sulsel": "sulawesiselatan",
	"sultra": "sulawesitenggara", "sulbar": "sulawesibarat", "malut": "malukuutara",
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// fold writes s folded into f, reusing f's buffers (Suggest folds every
// name in the list, so it allocates nothing per name). stripKind drops a
// leading kind word from core; expand replaces abbreviations.
func (f *folded) fold(s string, stripKind, expand bool) {
	f.full, f.starts, f.kind = f.full[:0], f.starts[:0], kindNone
	for i := 0; i < len(s); {
		for i < len(s) && !isWordByte(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		start := len(f.full)
		for ; i < len(s) && isWordByte(s[i]); i++ {
			c := s[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.full = append(f.full, c)
		}
		if long, ok := abbreviations[string(f.full[start:])]; ok && expand {
			f.full = append(f.full[:start], long...)
		}
		f.starts = append(f.starts, start)
	}
	f.core = f.full
	if !stripKind || len(f.starts) < 2 {
		return
	}
	kind, ok := kindWords[string(f.full[:f.starts[1]])]
	if !ok {
		return
	}
	f.kind, f.core = kind, f.full[f.starts[1]:]
	if len(f.starts) > 2 && string(f.full[f.starts[1]:f.starts[2]]) == "administrasi" {
		f.core = f.full[f.starts[2]:]
	}
}

func (l *List) suggestName(query string, n int) []Entry {
	var q folded
	q.fold(query, true, true)
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
		name.fold(e.Name, e.Level == domain.LevelRegency, false)
		kind := name.kind
		switch e.Level {
		case domain.LevelProvince:
			kind = kindProvince
		case domain.LevelDistrict:
			kind = kindDistrict
		case domain.LevelVillage:
			kind = kindVillage
		}
		// Scores: 0 the same name; 1 a name with a word starting with the
		// query ("Jakarta" → "Kota Administrasi Jakarta Selatan"); 1+d a
		// name d edits away.
		score := -1
		if bytes.Equal(q.core, name.core) || bytes.Equal(q.full, name.full) {
			score = 0
		} else if len(q.core) >= 4 && startsAWord(&name, q.core) {
			score = 1
		} else if maxEdits > 0 {
			if dist := min(levenshtein(&d, q.core, name.core, maxEdits), levenshtein(&d, q.full, name.full, maxEdits)); dist <= maxEdits {
				score = 1 + dist
			}
		}
		if score < 0 {
			continue
		}
		cands = append(cands, candidate{index: k, score: score, otherKind: q.kind != kindNone && q.kind != kind})
	}
	return l.best(cands, n)
}

// startsAWord reports whether one of the words of name begins p (p may run
// on over the following words).
func startsAWord(name *folded, p []byte) bool {
	for _, at := range name.starts {
		if bytes.HasPrefix(name.full[at:], p) {
			return true
		}
	}
	return false
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
