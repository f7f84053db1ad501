// Package catalogfile reads and writes catalogue files — agencies, regions,
// indicators and plans as YAML (one file or a directory) or CSV (one file
// per kind) — and compares a file's catalogue with the stored one, so that
// `pantau catalog import` can list every change old → new before the store
// applies them. Problems name the file, the line and the YAML path or CSV
// column, in Indonesian or English.
//
// A file adds and changes entries; an entry it leaves out stays as it is.
// Removing one is explicit: the item carries `remove: true`.
package catalogfile

import (
	"fmt"
	"sort"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Kind is a kind of catalogue entry, named as its YAML list.
type Kind string

// The kinds, in the order they are applied (a plan needs its region, an
// indicator its agency); spelled as the domain's, which the store applies
// a CatalogChange by.
const (
	Agencies   = Kind(domain.KindAgencies)
	Regions    = Kind(domain.KindRegions)
	Indicators = Kind(domain.KindIndicators)
	Plans      = Kind(domain.KindPlans)
)

// Kinds lists the kinds in application order.
var Kinds = []Kind{Agencies, Regions, Indicators, Plans}

// Pos is where an entry or a value was read: the file, its line, and the
// YAML path (indicators[3].polarity) or CSV column.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Path string `json:"path,omitempty"`
}

func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	if p.Path != "" {
		s += " (" + p.Path + ")"
	}
	return s
}

// Problem is one thing wrong with a catalogue file.
type Problem struct {
	Pos
	// Field is the item's field the problem is in ("" for the whole item).
	Field string `json:"field,omitempty"`
	// Code is the kind of problem (CodeUnknownField…), the same in every language.
	Code string `json:"code"`
	// Message is the text, in the language asked for.
	Message string `json:"message"`
}

func (p Problem) String() string {
	s := p.Pos.String()
	if p.Field != "" && !strings.HasSuffix(p.Path, p.Field) {
		s += " " + p.Field
	}
	return s + ": " + p.Message
}

// Problems is a catalogue file's list of problems; as an error it is of
// kind domain.ErrInvalid, and nothing of the file is stored.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes errors.Is(err, domain.ErrInvalid) hold.
func (ps Problems) Unwrap() error { return domain.ErrInvalid }

// Catalogue is what catalogue files declare: entries to add or change, and
// entries to remove, each with where it was declared.
type Catalogue struct {
	Agencies   []domain.Agency
	Regions    []domain.Region
	Indicators []domain.Indicator
	Plans      []domain.Plan
	// Removals are entries marked `remove: true`.
	Removals []Ref
	pos      map[Ref]Pos
	// regionNamed marks the region items that gave a name: one that gave
	// none (only a BPS code, say) keeps the stored or official name.
	regionNamed map[string]bool
}

// Ref names one entry.
type Ref struct {
	Kind Kind   `json:"kind"`
	Code string `json:"code"`
}

func (r Ref) String() string { return string(r.Kind) + ":" + r.Code }

// Where returns where an entry was declared.
func (c *Catalogue) Where(r Ref) Pos { return c.pos[r] }

// Len is the number of entries declared, removals included.
func (c *Catalogue) Len() int {
	return len(c.Agencies) + len(c.Regions) + len(c.Indicators) + len(c.Plans) + len(c.Removals)
}

func (c *Catalogue) declare(r Ref, p Pos, lang locale.Lang, probs *Problems) bool {
	if c.pos == nil {
		c.pos = map[Ref]Pos{}
	}
	if first, ok := c.pos[r]; ok {
		*probs = append(*probs, Problem{Pos: p, Field: "code", Code: CodeDuplicate,
			Message: text(lang, CodeDuplicate, KindName(lang, r.Kind), r.Code, first)})
		return false
	}
	c.pos[r] = p
	return true
}

// merge appends o's entries to c, refusing an entry declared in both.
func (c *Catalogue) merge(o *Catalogue, lang locale.Lang, probs *Problems) {
	keep := func(r Ref) bool { return c.declare(r, o.pos[r], lang, probs) }
	c.Agencies = appendKept(c.Agencies, o.Agencies, func(a domain.Agency) Ref { return Ref{Agencies, a.Code} }, keep)
	c.Regions = appendKept(c.Regions, o.Regions, func(r domain.Region) Ref { return Ref{Regions, r.Code} }, func(r Ref) bool {
		if !keep(r) {
			return false
		}
		if o.regionNamed[r.Code] {
			c.nameRegion(r.Code)
		}
		return true
	})
	c.Indicators = appendKept(c.Indicators, o.Indicators, func(ind domain.Indicator) Ref { return Ref{Indicators, ind.Code} }, keep)
	c.Plans = appendKept(c.Plans, o.Plans, func(p domain.Plan) Ref { return Ref{Plans, p.Code} }, keep)
	c.Removals = appendKept(c.Removals, o.Removals, func(r Ref) Ref { return r }, keep)
}

// appendKept appends to dst the entries of src whose Ref keep accepts, in
// order.
func appendKept[T any](dst, src []T, ref func(T) Ref, keep func(Ref) bool) []T {
	for _, e := range src {
		if keep(ref(e)) {
			dst = append(dst, e)
		}
	}
	return dst
}

func (c *Catalogue) nameRegion(code string) {
	if c.regionNamed == nil {
		c.regionNamed = map[string]bool{}
	}
	c.regionNamed[code] = true
}

// FillRegionNames gives each region item without a name the one lookup
// knows (the official list), so that an item may add only a BPS code or
// pemekaran years to an official region.
func (c *Catalogue) FillRegionNames(lookup func(code string) (name string, ok bool)) {
	for i, r := range c.Regions {
		if strings.TrimSpace(r.Name) == "" {
			if name, ok := lookup(r.Code); ok {
				c.Regions[i].Name = name
			}
		}
	}
}

// RegionsNeeded says which stored regions Compare needs to see: all of
// them when the file declares or removes regions (their parents, children
// and users matter), otherwise only those its plans are for.
func (c *Catalogue) RegionsNeeded() (all bool, codes []string) {
	if len(c.Regions) > 0 {
		return true, nil
	}
	for _, r := range c.Removals {
		if r.Kind == Regions {
			return true, nil
		}
	}
	seen := map[string]bool{}
	for _, p := range c.Plans {
		if !seen[p.RegionCode] {
			seen[p.RegionCode] = true
			codes = append(codes, p.RegionCode)
		}
	}
	return false, codes
}

// sortRegions puts parents before children, so that a file may list them
// in any order.
func sortRegions(rs []domain.Region) {
	sort.SliceStable(rs, func(i, j int) bool {
		di, dj := depth(rs[i].Code), depth(rs[j].Code)
		if di != dj {
			return di < dj
		}
		return rs[i].Code < rs[j].Code
	})
}

func depth(code string) int {
	if code == domain.NationalCode {
		return 0
	}
	return 1 + strings.Count(code, ".")
}

// Problem is a problem with the entry r, placed where the file declared it.
func (c *Catalogue) Problem(r Ref, field string, lang locale.Lang, code string, args ...any) Problem {
	p := c.Where(r)
	if field != "" {
		p.Path = sub(p.Path, field)
	}
	return Problem{Pos: p, Field: field, Code: code, Message: text(lang, code, args...)}
}
