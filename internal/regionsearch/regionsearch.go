// Package regionsearch keeps an instance's regions in memory for the region
// picker: ranked search by name or code, a region's ancestry and its
// children, and pages of the region list, each without a database query.
// At national scale (91,600 regions) a substring search is a scan that
// SQLite and PostgreSQL both answer in tens of milliseconds without a
// trigram index; over folded names held here it takes a few milliseconds,
// and the whole index costs about 20 MB.
package regionsearch

import (
	"sort"
	"strings"
	"unsafe"

	"pantau/internal/domain"
)

// Index is an immutable set of regions in code order. Build a new one when
// the regions change.
type Index struct {
	regions []domain.Region
	folded  []string // lower-case names, for matching
	bare    []string // folded names without a leading kind word ("kabupaten ", "kota ")
	byCode  map[string]int
	bps     map[string]int
	// children of each region, and each level's regions, as indexes into
	// regions in code order: a page of either is a slice.
	children map[string][]int
	levels   map[domain.Level][]int

	// What Search reads, per level (buildSearch): word starts sorted by
	// the rest of the name; every folded name of the level in one text,
	// each followed by a 0 byte, with the end of each name in the text and
	// its region.
	words     [depths][]word
	text      [depths][]byte
	starts    [depths][]int32
	ofDepth   [depths][]int32
	bpsSorted []bpsEntry
}

// New indexes regions (in any order; the index keeps them by code).
func New(regions []domain.Region) *Index {
	rs := append([]domain.Region(nil), regions...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	ix := &Index{regions: rs, folded: make([]string, len(rs)), bare: make([]string, len(rs)),
		byCode: make(map[string]int, len(rs)), bps: map[string]int{}, children: map[string][]int{}, levels: map[domain.Level][]int{}}
	for i, r := range rs {
		ix.folded[i] = strings.ToLower(r.Name)
		ix.bare[i] = stripKind(ix.folded[i])
		ix.byCode[r.Code] = i
		if r.BPSCode != "" {
			ix.bps[r.BPSCode] = i
		}
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

// word is where a word of a folded name starts: key is the name from
// there on (a substring of the folded name, not a copy).
type word struct {
	key  string
	idx  int32
	rank int8 // namePrefix (the name's start, or after its kind word) or wordPrefix
}

// bpsEntry is a BPS code and its region, sorted by code.
type bpsEntry struct {
	code string
	idx  int
}

// isWordStart says whether position k of name begins a word.
func isWordStart(name string, k int) bool {
	if k == 0 {
		return true
	}
	c := name[k-1]
	return (c == ' ' || c == '-' || c == '(' || c == '/' || c == '.') && name[k] != ' '
}

// buildSearch fills the sorted tables Search reads: every word start of
// every name, per level, and the BPS codes.
func (ix *Index) buildSearch() {
	for i, name := range ix.folded {
		d := ix.regions[i].Level.Depth()
		bareAt := len(name) - len(ix.bare[i])
		for k := 0; k < len(name); k++ {
			if !isWordStart(name, k) {
				continue
			}
			rank := int8(wordPrefix)
			if k == 0 || k == bareAt {
				rank = namePrefix
			}
			ix.words[d] = append(ix.words[d], word{key: name[k:], idx: int32(i), rank: rank})
		}
		ix.text[d] = append(ix.text[d], name...)
		ix.text[d] = append(ix.text[d], 0)
		ix.starts[d] = append(ix.starts[d], int32(len(ix.text[d])))
		ix.ofDepth[d] = append(ix.ofDepth[d], int32(i))
	}
	for d := range ix.words {
		sort.Slice(ix.words[d], func(a, b int) bool { return ix.words[d][a].key < ix.words[d][b].key })
	}
	for code, i := range ix.bps {
		ix.bpsSorted = append(ix.bpsSorted, bpsEntry{code, i})
	}
	sort.Slice(ix.bpsSorted, func(a, b int) bool { return ix.bpsSorted[a].code < ix.bpsSorted[b].code })
}

// hits collects a search's results in buckets of (rank, depth), each capped
// at limit, and knows which regions it holds.
type hits struct {
	limit   int
	buckets [ranks * depths][]int
	seen    map[int]bool
	n       int
}

func (h *hits) add(rank, d, i int) {
	b := rank*depths + d
	if h.seen[i] || len(h.buckets[b]) >= h.limit {
		return
	}
	h.seen[i] = true
	h.buckets[b] = append(h.buckets[b], i)
	h.n++
}

// full says that rank and every better one hold limit regions: nothing of
// a worse rank can make the list.
func (h *hits) full(rank int) bool {
	n := 0
	for b := 0; b < (rank+1)*depths; b++ {
		n += len(h.buckets[b])
	}
	return n >= h.limit
}

// Search returns up to limit regions matching q, best first: the exact
// Kemendagri or BPS code, then codes starting with q, names starting with
// q (also after a kind word: "banyu" finds "Kabupaten Banyuasin"), names
// with a word starting with q, names containing q; higher levels before
// lower at equal match, then by name (codes: by code). Case is ignored. A query of digits and dots is a
// code and matched against codes only.
//
// Codes and word starts are sorted tables, so a match by code, name or
// word is a binary search and a walk over what matches; only when those
// do not fill the list is the text of every name scanned for q.
func (ix *Index) Search(q string, limit int) []domain.Region {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	if q == "" || limit <= 0 {
		return []domain.Region{}
	}
	h := &hits{limit: limit, seen: map[int]bool{}}
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

func (ix *Index) searchCode(h *hits, q string) {
	lo := sort.Search(len(ix.regions), func(i int) bool { return ix.regions[i].Code >= q })
	for i := lo; i < len(ix.regions) && strings.HasPrefix(ix.regions[i].Code, q); i++ {
		rank := codePrefix
		if ix.regions[i].Code == q {
			rank = exactCode
		}
		h.add(rank, ix.regions[i].Level.Depth(), i)
	}
	lo = sort.Search(len(ix.bpsSorted), func(i int) bool { return ix.bpsSorted[i].code >= q })
	for k := lo; k < len(ix.bpsSorted) && strings.HasPrefix(ix.bpsSorted[k].code, q); k++ {
		i := ix.bpsSorted[k].idx
		rank := codePrefix
		if ix.bpsSorted[k].code == q {
			rank = exactCode
		}
		h.add(rank, ix.regions[i].Level.Depth(), i)
	}
}

func (ix *Index) searchName(h *hits, q string) {
	for d, ws := range ix.words {
		lo := sort.Search(len(ws), func(k int) bool { return ws[k].key >= q })
		// Name prefixes first, so a region matching both ways counts as one.
		for _, rank := range []int8{namePrefix, wordPrefix} {
			for k := lo; k < len(ws) && strings.HasPrefix(ws[k].key, q); k++ {
				if ws[k].rank == rank {
					h.add(int(rank), d, int(ws[k].idx))
				}
			}
		}
	}
	if h.full(wordPrefix) {
		return
	}
	for d, text := range ix.text {
		t := unsafeString(text)
		for at := 0; ; {
			k := strings.Index(t[at:], q)
			if k < 0 {
				break
			}
			k += at
			// The name holding byte k: the first whose end lies beyond it.
			n := sort.Search(len(ix.starts[d]), func(j int) bool { return int(ix.starts[d][j]) > k })
			h.add(substring, d, int(ix.ofDepth[d][n]))
			at = int(ix.starts[d][n]) // on to the next name
			if len(h.buckets[substring*depths+d]) >= h.limit {
				break
			}
		}
	}
}

// unsafeString views b as a string without copying; b is never changed
// after buildSearch.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
