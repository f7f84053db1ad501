// Package regionsearch keeps an instance's regions in memory for the region
// picker: ranked search by name or code, a region's ancestry and its
// children, and pages of the region list, each without a database query.
// At national scale (91,600 regions) a substring search is a scan that
// SQLite and PostgreSQL both answer in tens of milliseconds without a
// trigram index; over the sorted word starts and suffix arrays of the
// folded names held here a search takes tens of microseconds (a scan of
// the names took up to 6 ms where few names matched), and the whole index
// costs about 25 MB of heap besides the regions themselves.
package regionsearch

import (
	"index/suffixarray"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"pantau/internal/domain"
)

// Index is an immutable set of regions in code order. Build a new one when
// the regions change.
type Index struct {
	regions []domain.Region
	byCode  map[string]int
	// children of each region, and each level's regions, as indexes into
	// regions in code order: a page of either is a slice.
	children map[string][]int
	levels   map[domain.Level][]int

	// What Search reads, per level (buildSearch): every folded name of
	// the level in one text, each followed by a 0 byte, with the end of
	// each name in the text and its region (in code order, so ofDepth is
	// also the level's codes in order); the word starts sorted by the rest
	// of the name; a suffix array of the text; the BPS codes sorted. None
	// of it but the BPS codes holds a pointer: the collector does not
	// trace a table of 300,000 words at every cycle.
	text    [depths][]byte
	starts  [depths][]int32
	ofDepth [depths][]int32
	words   [depths][]word
	suffix  [depths]*suffixarray.Index
	bps     [depths][]bpsEntry
}

// New indexes regions (in any order; the index keeps them by code).
func New(regions []domain.Region) *Index {
	rs := append([]domain.Region(nil), regions...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	ix := &Index{regions: rs, byCode: make(map[string]int, len(rs)), children: map[string][]int{}, levels: map[domain.Level][]int{}}
	for i, r := range rs {
		ix.byCode[r.Code] = i
		if r.ParentCode != "" {
			ix.children[r.ParentCode] = append(ix.children[r.ParentCode], i)
		}
		ix.levels[r.Level] = append(ix.levels[r.Level], i)
	}
	ix.buildSearch()
	return ix
}

// kindWords are the words an official name starts with to say what kind of
// region it is: "Kabupaten Banyuasin" should match "banyu" as a name
// prefix, as the kecamatan "Banyuasin I" does.
var kindWords = []string{"kabupaten ", "kab. ", "kota administrasi ", "kota ", "provinsi ", "kecamatan ", "desa ", "kelurahan "}

func stripKind(name string) string {
	for _, w := range kindWords {
		if strings.HasPrefix(name, w) {
			return name[len(w):]
		}
	}
	return name
}

// Len is the number of regions.
func (ix *Index) Len() int { return len(ix.regions) }

// Lookup returns the region with the given Kemendagri code.
func (ix *Index) Lookup(code string) (domain.Region, bool) {
	i, ok := ix.byCode[code]
	if !ok {
		return domain.Region{}, false
	}
	return ix.regions[i], true
}

// Ancestry returns the stored regions above code, the nation first; code
// itself is not included.
func (ix *Index) Ancestry(code string) []domain.Region {
	var out []domain.Region
	r, ok := ix.Lookup(code)
	for n := 0; ok && r.ParentCode != "" && n < 8; n++ {
		if r, ok = ix.Lookup(r.ParentCode); ok {
			out = append(out, r)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Children returns the regions directly below code, by code.
func (ix *Index) Children(code string) []domain.Region {
	return ix.pick(ix.children[code])
}

func (ix *Index) pick(idx []int) []domain.Region {
	out := make([]domain.Region, len(idx))
	for k, i := range idx {
		out[k] = ix.regions[i]
	}
	return out
}

// Filter narrows List; zero fields match everything (the same filters as
// store.RegionFilter).
type Filter struct {
	Parent  string
	Level   domain.Level
	Subtree string
}

// List returns the page [offset, offset+limit) of the regions that f
// keeps, by code, and how many it keeps in all. A filter by parent or
// level and a subtree (a contiguous run of codes) are found without a
// scan; only the three combined scan their run.
func (ix *Index) List(f Filter, offset, limit int) ([]domain.Region, int) {
	var run []int
	switch {
	case f.Parent != "":
		run = ix.children[f.Parent]
	case f.Level != "":
		run = ix.levels[f.Level]
	case f.Subtree != "":
		lo, hi := ix.subtree(f.Subtree)
		return ix.window(lo, hi, offset, limit), hi - lo
	default:
		return ix.window(0, len(ix.regions), offset, limit), len(ix.regions)
	}
	if (f.Parent != "" && f.Level != "") || f.Subtree != "" {
		kept := make([]int, 0, len(run))
		for _, i := range run {
			r := ix.regions[i]
			if (f.Level == "" || r.Level == f.Level) && (f.Subtree == "" || inSubtree(r.Code, f.Subtree)) {
				kept = append(kept, i)
			}
		}
		run = kept
	}
	lo := min(offset, len(run))
	hi := min(lo+limit, len(run))
	return ix.pick(run[lo:hi]), len(run)
}

func inSubtree(code, root string) bool {
	return code == root || strings.HasPrefix(code, root+".")
}

// subtree is the run of codes root and "root.…" occupy in code order:
// every one of them lies in [root, root+"/"), '/' being the byte after '.'
// and before the digits.
func (ix *Index) subtree(root string) (int, int) {
	lo := sort.Search(len(ix.regions), func(i int) bool { return ix.regions[i].Code >= root })
	hi := sort.Search(len(ix.regions), func(i int) bool { return ix.regions[i].Code >= root+"/" })
	return lo, hi
}

func (ix *Index) window(lo, hi, offset, limit int) []domain.Region {
	a := min(lo+offset, hi)
	b := min(a+limit, hi)
	return append([]domain.Region(nil), ix.regions[a:b]...)
}

// How well a region matches a search, best first.
const (
	exactCode = iota
	codePrefix
	namePrefix
	wordPrefix
	substring
	ranks
)

// depths is the number of levels, nation to village (domain.Level.Depth):
// at equal match a province comes before a regency of the same name.
const depths = 5

// word is where a word of a folded name starts in its level's text: its
// key is the name from there to the name's end.
type word struct {
	at, end int32
	idx     int32
	rank    int8 // namePrefix (the name's start, or after its kind word) or wordPrefix
}

// key is the rest of the name from w on, viewed in the level's text.
func (ix *Index) key(d int, w word) string { return unsafeString(ix.text[d][w.at:w.end]) }

// bpsEntry is a BPS code and its region, sorted by code.
type bpsEntry struct {
	code string
	idx  int32
}

// isWordStart says whether position k of name begins a word.
func isWordStart(name string, k int) bool {
	if k == 0 {
		return true
	}
	c := name[k-1]
	return (c == ' ' || c == '-' || c == '(' || c == '/' || c == '.') && name[k] != ' '
}

// buildSearch fills the tables Search reads: per level the text of the
// folded names, every word start sorted, the text's suffix array and the
// BPS codes sorted.
func (ix *Index) buildSearch() {
	for i, r := range ix.regions {
		d := r.Level.Depth()
		name := strings.ToLower(r.Name)
		bareAt := len(name) - len(stripKind(name))
		at := int32(len(ix.text[d]))
		end := at + int32(len(name))
		for k := 0; k < len(name); k++ {
			if !isWordStart(name, k) {
				continue
			}
			rank := int8(wordPrefix)
			if k == 0 || k == bareAt {
				rank = namePrefix
			}
			ix.words[d] = append(ix.words[d], word{at: at + int32(k), end: end, idx: int32(i), rank: rank})
		}
		ix.text[d] = append(ix.text[d], name...)
		ix.text[d] = append(ix.text[d], 0)
		ix.starts[d] = append(ix.starts[d], int32(len(ix.text[d])))
		ix.ofDepth[d] = append(ix.ofDepth[d], int32(i))
		if r.BPSCode != "" {
			ix.bps[d] = append(ix.bps[d], bpsEntry{r.BPSCode, int32(i)})
		}
	}
	for d := range ix.words {
		ws := ix.words[d]
		sort.Slice(ws, func(a, b int) bool { return ix.key(d, ws[a]) < ix.key(d, ws[b]) })
		ix.suffix[d] = suffixarray.New(ix.text[d])
		sort.Slice(ix.bps[d], func(a, b int) bool { return ix.bps[d][a].code < ix.bps[d][b].code })
	}
}

// hits collects a search's results in buckets of (rank, depth), each
// holding at most what can still make the list: a search fills them best
// bucket first and stops when the better ones hold limit regions.
type hits struct {
	limit   int
	buckets [ranks * depths][]int32
	n       int
}

// room is how many more regions bucket b can take: the list's limit less
// what the buckets before b and b itself hold.
func (h *hits) room(b int) int {
	n := 0
	for k := 0; k <= b; k++ {
		n += len(h.buckets[k])
	}
	return h.limit - n
}

// add puts region i in bucket (rank, d) unless a better bucket of its
// level has it already; false when the bucket is full.
func (h *hits) add(rank, d int, i int32) bool {
	b := rank*depths + d
	if h.room(b) <= 0 {
		return false
	}
	for r := 0; r <= rank; r++ {
		if slices.Contains(h.buckets[r*depths+d], i) {
			return true
		}
	}
	h.buckets[b] = append(h.buckets[b], i)
	h.n++
	return true
}

// Search returns up to limit regions matching q, best first: the exact
// Kemendagri or BPS code, then codes starting with q, names starting with
// q (also after a kind word: "banyu" finds "Kabupaten Banyuasin"), names
// with a word starting with q, names containing q; higher levels before
// lower at equal match, then by name (codes: by code). Case is ignored. A query of digits and dots is a
// code and matched against codes only.
//
// Every table is sorted, so each match is a binary search and a walk over
// what matches, which stops once the list is full: a code or word prefix
// is found in a level's sorted codes or words, a substring in its suffix
// array. A search costs the list it returns, not the country.
func (ix *Index) Search(q string, limit int) []domain.Region {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	if q == "" || limit <= 0 {
		return []domain.Region{}
	}
	h := &hits{limit: limit}
	if strings.Trim(q, "0123456789.") == "" {
		ix.searchCode(h, q)
	} else {
		ix.searchName(h, q)
	}
	out := make([]domain.Region, 0, min(limit, h.n))
	for _, b := range h.buckets {
		for _, i := range b {
			if len(out) == limit {
				return out
			}
			out = append(out, ix.regions[i])
		}
	}
	return out
}

// searchCode finds the Kemendagri and then the BPS codes starting with q,
// level by level; the exact code, if any, is the first of its level's walk.
func (ix *Index) searchCode(h *hits, q string) {
	rank := func(code string) int {
		if code == q {
			return exactCode
		}
		return codePrefix
	}
	for d := range depths {
		codes := ix.ofDepth[d]
		for k := sort.Search(len(codes), func(k int) bool { return ix.regions[codes[k]].Code >= q }); k < len(codes); k++ {
			c := ix.regions[codes[k]].Code
			if !strings.HasPrefix(c, q) || !h.add(rank(c), d, codes[k]) {
				break
			}
		}
		bps := ix.bps[d]
		for k := sort.Search(len(bps), func(k int) bool { return bps[k].code >= q }); k < len(bps); k++ {
			if !strings.HasPrefix(bps[k].code, q) || !h.add(rank(bps[k].code), d, bps[k].idx) {
				break
			}
		}
	}
}

// substringCap bounds a substring lookup in a suffix array: fewer matches
// are all read and sorted into code order; more mean the names holding q
// are common, and a scan of the text finds the first ones soon.
const substringCap = 2048

func (ix *Index) searchName(h *hits, q string) {
	// Name prefixes of every level first, so a region matching both ways
	// counts as a name prefix, then word prefixes, then substrings.
	for _, rank := range []int8{namePrefix, wordPrefix} {
		for d, ws := range ix.words {
			if h.room(int(rank)*depths+d) <= 0 {
				return
			}
			for k := sort.Search(len(ws), func(k int) bool { return ix.key(d, ws[k]) >= q }); k < len(ws); k++ {
				if !strings.HasPrefix(ix.key(d, ws[k]), q) {
					break
				}
				if ws[k].rank == rank && !h.add(int(rank), d, ws[k].idx) {
					break
				}
			}
		}
	}
	for d := range ix.text {
		if h.room(substring*depths+d) <= 0 {
			return
		}
		if at := ix.suffix[d].Lookup([]byte(q), substringCap); len(at) < substringCap {
			slices.Sort(at)
			for _, k := range at {
				if !h.add(substring, d, ix.nameAt(d, k)) {
					break
				}
			}
			continue
		}
		t := unsafeString(ix.text[d])
		for at := 0; ; {
			k := strings.Index(t[at:], q)
			if k < 0 || !h.add(substring, d, ix.nameAt(d, at+k)) {
				break
			}
			n := sort.Search(len(ix.starts[d]), func(j int) bool { return int(ix.starts[d][j]) > at+k })
			at = int(ix.starts[d][n]) // on to the next name
		}
	}
}

// nameAt is the region whose name holds byte k of level d's text: the
// first name whose end lies beyond k.
func (ix *Index) nameAt(d, k int) int32 {
	n := sort.Search(len(ix.starts[d]), func(j int) bool { return int(ix.starts[d][j]) > k })
	return ix.ofDepth[d][n]
}

// unsafeString views b as a string without copying; b is never changed
// after buildSearch.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
