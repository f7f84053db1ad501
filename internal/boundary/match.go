package boundary

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"pantau/internal/domain"
)

// Catalogue is what matching needs of the instance: its regions and the
// BPS bridge (BPS code → Kemendagri code).
type Catalogue struct {
	Regions []domain.Region
	BPS     map[string]string
}

// MatchOptions override what Match detects.
type MatchOptions struct {
	// CodeProperty names the property that holds region codes; empty means
	// detect it. Its values may be Kemendagri codes (dotted or not) or BPS
	// codes; which, is still detected.
	CodeProperty string
	// SkipUnmatched stores the features that match and only reports the
	// others (and ignores their geometry): for a national file loaded into
	// a province's or a regency's instance. By default an unmatched feature
	// stops the import, since it usually means a file for another place.
	SkipUnmatched bool
}

// Code kinds: how a property's values name regions.
const (
	KindKemendagri = "kemendagri"
	KindBPS        = "bps"
)

// Problem is what is wrong with one feature.
type Problem struct {
	// Index is the feature's position in the file's "features" array.
	Index int `json:"index"`
	// Feature names it for people: features[4] (KDCPUM 16.07.01, WADMKC Talang Kelapa).
	Feature string `json:"feature"`
	Code    string `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Problem string `json:"problem"`
}

func (p Problem) String() string { return p.Feature + ": " + p.Problem }

// RegionRef names a region in a report.
type RegionRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Shape is one region's boundary from a file: the polygons of every
// feature that named the region (a region split over several features is
// one MultiPolygon).
type Shape struct {
	RegionCode string
	Geometry   orb.MultiPolygon
	// Features are the indexes of the features it came from.
	Features []int
}

// Report is what a file's features matched: the property read for codes
// (and for names), the shapes of matched regions, and every problem.
type Report struct {
	Features     int    `json:"features"`
	Bytes        int64  `json:"bytes"`
	CodeProperty string `json:"code_property"`
	// CodeKind says whether the codes are Kemendagri's or BPS's (read
	// through the bridge).
	CodeKind     string `json:"code_kind"`
	NameProperty string `json:"name_property,omitempty"`
	// Matched counts the regions that got a shape.
	Matched int     `json:"matched"`
	Shapes  []Shape `json:"-"`
	// Unmatched are features whose code names no region of this instance.
	Unmatched []Problem `json:"unmatched"`
	// Invalid are features whose geometry cannot be used.
	Invalid []Problem `json:"invalid"`
	// Dropped are degenerate rings (fewer than 4 points, no area) left out of a feature; the
	// rest of the feature is stored.
	Dropped []Problem `json:"dropped"`
	// Missing are regions of the matched levels, under the same parents,
	// that no feature named: the map will draw them as gaps.
	Missing []RegionRef `json:"regions_without_feature"`
	// SkipUnmatched says unmatched features were left out, not refused.
	SkipUnmatched bool `json:"skip_unmatched"`
}

// OK reports whether the file can be stored: every feature matched a
// region and has a usable geometry, and at least one region matched.
func (r *Report) OK() bool {
	return r.Matched > 0 && (r.SkipUnmatched || len(r.Unmatched) == 0) && len(r.Invalid) == 0
}

// Err is nil for a report that can be stored, and otherwise an ErrInvalid
// naming the first problems (the report lists them all).
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	if r.Matched == 0 && len(r.Invalid) == 0 && len(r.Unmatched) > 0 {
		return domain.Errorf(domain.ErrInvalid, "no feature names a region of this instance (read %s as %s codes); first: %s", r.CodeProperty, r.CodeKind, r.Unmatched[0])
	}
	all := append(append([]Problem{}, r.Invalid...), r.Unmatched...)
	sort.Slice(all, func(i, j int) bool { return all[i].Index < all[j].Index })
	var b strings.Builder
	for i, p := range all {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(all)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return domain.Errorf(domain.ErrInvalid, "nothing stored: %d invalid and %d unmatched features: %s", len(r.Invalid), len(r.Unmatched), b.String())
}

// digitsOnly matches codes written without dots (1607, 160701).
var digitsOnly = regexp.MustCompile(`^\d+$`)

// kemendagriOf reads a value as a Kemendagri code: dotted as it is, or
// dots put back into 2, 4, 6 or 10 digits (BIG writes 16.07, others 1607).
func kemendagriOf(v string) string {
	if !digitsOnly.MatchString(v) {
		return v
	}
	switch len(v) {
	case 2:
		return v
	case 4:
		return v[:2] + "." + v[2:]
	case 6:
		return v[:2] + "." + v[2:4] + "." + v[4:]
	case 10:
		return v[:2] + "." + v[2:4] + "." + v[4:6] + "." + v[6:]
	}
	return v
}

// codeShape matches what a region code looks like: Kemendagri's (16,
// 16.07, 16.07.01, 16.07.01.2001) or digits (Kemendagri without dots, or
// BPS's 16, 1607, 1607010, 1607010001).
var codeShape = regexp.MustCompile(`^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$|^\d{2}(\d{2}(\d{2,3}(\d{3,4})?)?)?$`)

// codeLike reports whether a property's values look like the codes of one
// level: nine in ten of them shaped like a code and of the same length. A
// row number (OBJECTID 1…514) fails it, though one of its values may be a
// province's code.
func codeLike(f *File, prop string) bool {
	n, lengths := 0, map[int]int{}
	for _, ft := range f.Features {
		v := ft.Properties[prop]
		if v == "" {
			continue
		}
		n++
		if codeShape.MatchString(v) {
			lengths[len(v)]++
		}
	}
	most := 0
	for _, c := range lengths {
		most = max(most, c)
	}
	return n > 0 && most*10 >= n*9
}

// reading is one way to read a property as region codes.
type reading struct {
	prop, kind string
	regions    int // distinct regions matched
}

// Match finds the property holding region codes (the one whose values name
// the most distinct regions of the instance, read as Kemendagri codes or
// through the BPS bridge; Kemendagri wins a tie), the property holding
// names, and matches every feature to its region. BIG's files carry the
// codes of every level above a feature too (KDPPUM, KDPKAB beside KDCPUM):
// counting distinct regions, not matching features, picks the feature's own.
func Match(f *File, cat Catalogue, opt MatchOptions) (*Report, error) {
	ix := indexRegions(cat)
	props := propertyNames(f)
	code, err := codeReading(f, props, ix, opt.CodeProperty)
	if err != nil {
		return nil, err
	}
	m := &matching{f: f, ix: ix, code: code, rep: &Report{
		Features: len(f.Features), Bytes: f.Bytes, CodeProperty: code.prop, CodeKind: code.kind,
		NameProperty: nameProperty(f, props, code, ix.resolve), SkipUnmatched: opt.SkipUnmatched,
		Unmatched: []Problem{}, Invalid: []Problem{}, Dropped: []Problem{}, Missing: []RegionRef{},
	}}
	invalid := m.addReadProblems()
	m.addShapes(m.collectShapes(invalid), cat.Regions)
	return m.rep, nil
}

// regionIndex finds the instance's regions by the codes a file gives.
type regionIndex struct {
	byCode map[string]domain.Region
	bps    map[string]string
}

func indexRegions(cat Catalogue) regionIndex {
	ix := regionIndex{byCode: make(map[string]domain.Region, len(cat.Regions)), bps: cat.BPS}
	for _, r := range cat.Regions {
		ix.byCode[r.Code] = r
	}
	return ix
}

// resolve reads v as a code of the kind (KindKemendagri, KindBPS) and
// finds its region.
func (ix regionIndex) resolve(kind, v string) (domain.Region, bool) {
	if v == "" {
		return domain.Region{}, false
	}
	code := kemendagriOf(v)
	if kind == KindBPS {
		code = ix.bps[v]
	}
	r, ok := ix.byCode[code]
	return r, ok
}

// codeReading picks the reading of the file's codes: of the property named
// (named not empty) or of every property whose values look like codes, as
// Kemendagri or as BPS codes, the one that names the most distinct regions.
func codeReading(f *File, props []string, ix regionIndex, named string) (reading, error) {
	if named != "" && !slices.Contains(props, named) {
		return reading{}, domain.Errorf(domain.ErrInvalid, "no feature has the property %q (the file's properties: %s)", named, strings.Join(props, ", "))
	}
	var best reading
	for _, p := range props {
		if named != "" && p != named {
			continue
		}
		if named == "" && !codeLike(f, p) {
			continue
		}
		for _, kind := range []string{KindKemendagri, KindBPS} {
			seen := map[string]bool{}
			for _, ft := range f.Features {
				if r, ok := ix.resolve(kind, ft.Properties[p]); ok {
					seen[r.Code] = true
				}
			}
			if rd := (reading{p, kind, len(seen)}); better(rd, best) {
				best = rd
			}
		}
	}
	switch {
	case best.prop != "":
		return best, nil
	case named != "":
		return reading{}, domain.Errorf(domain.ErrInvalid, "no value of the property %q is the Kemendagri or BPS code of a region of this instance", named)
	}
	return reading{}, domain.Errorf(domain.ErrInvalid, "no property holds the Kemendagri or BPS code of a region of this instance (the file's properties: %s); name it with --code-property", strings.Join(props, ", "))
}

// matching is a file's features being matched to regions through one
// reading of their codes, into its report.
type matching struct {
	f    *File
	ix   regionIndex
	code reading
	rep  *Report
}

func (m *matching) region(ft Feature) (domain.Region, bool) {
	return m.ix.resolve(m.code.kind, ft.Properties[m.code.prop])
}

// reported says whether a problem with feature i goes in the report: every
// feature's does, unless unmatched features are skipped, then a matched
// one's only.
func (m *matching) reported(i int) bool {
	_, ok := m.region(m.f.Features[i])
	return ok || !m.rep.SkipUnmatched
}

// label names the feature of p for people by its code and name:
// features[4] (KDCPUM 16.07.01, WADMKC Talang Kelapa).
func (m *matching) label(p Problem) Problem {
	ft := m.f.Features[p.Index]
	p.Code, p.Name = ft.Properties[m.rep.CodeProperty], ft.Properties[m.rep.NameProperty]
	var parts []string
	if p.Code != "" {
		parts = append(parts, m.rep.CodeProperty+" "+p.Code)
	}
	if p.Name != "" {
		parts = append(parts, m.rep.NameProperty+" "+p.Name)
	}
	p.Feature = fmt.Sprintf("features[%d]", p.Index)
	if len(parts) > 0 {
		p.Feature += " (" + strings.Join(parts, ", ") + ")"
	}
	return p
}

// addReadProblems reports what reading the file found wrong with the
// features' geometry, and returns the features whose geometry is unusable.
func (m *matching) addReadProblems() (invalid map[int]bool) {
	for _, p := range m.f.Dropped {
		if m.reported(p.Index) {
			m.rep.Dropped = append(m.rep.Dropped, m.label(p))
		}
	}
	invalid = map[int]bool{}
	for _, p := range m.f.Invalid {
		if m.reported(p.Index) {
			m.rep.Invalid = append(m.rep.Invalid, m.label(p))
		}
		invalid[p.Index] = true
	}
	return invalid
}

// collectShapes joins the usable geometry of the features naming a region
// into its shape, by region code, and reports the features that name none.
func (m *matching) collectShapes(invalid map[int]bool) map[string]*Shape {
	shapes := map[string]*Shape{}
	for _, ft := range m.f.Features {
		r, ok := m.region(ft)
		if !ok {
			p := Problem{Index: ft.Index, Problem: "its code names no region of this instance"}
			if ft.Properties[m.code.prop] == "" {
				p.Problem = fmt.Sprintf("it has no %s", m.code.prop)
			}
			m.rep.Unmatched = append(m.rep.Unmatched, m.label(p))
			continue
		}
		if invalid[ft.Index] {
			continue
		}
		sh := shapes[r.Code]
		if sh == nil {
			sh = &Shape{RegionCode: r.Code}
			shapes[r.Code] = sh
		}
		sh.Geometry = append(sh.Geometry, ft.Geometry...)
		sh.Features = append(sh.Features, ft.Index)
	}
	return shapes
}

// addShapes puts the shapes in the report in code order, and the regions
// left without one among those of the same levels under the same parents.
func (m *matching) addShapes(shapes map[string]*Shape, regions []domain.Region) {
	levels, parents := map[domain.Level]bool{}, map[string]bool{}
	for _, code := range slices.Sorted(maps.Keys(shapes)) {
		m.rep.Shapes = append(m.rep.Shapes, *shapes[code])
		r := m.ix.byCode[code]
		levels[r.Level], parents[r.ParentCode] = true, true
	}
	m.rep.Matched = len(m.rep.Shapes)
	for _, r := range regions {
		if levels[r.Level] && parents[r.ParentCode] && shapes[r.Code] == nil {
			m.rep.Missing = append(m.rep.Missing, RegionRef{Code: r.Code, Name: r.Name})
		}
	}
	sort.Slice(m.rep.Missing, func(i, j int) bool { return m.rep.Missing[i].Code < m.rep.Missing[j].Code })
}

// better orders readings: more regions matched, then Kemendagri before BPS.
func better(a, b reading) bool {
	if a.regions == 0 {
		return false
	}
	if a.regions != b.regions {
		return a.regions > b.regions
	}
	return a.kind == KindKemendagri && b.kind == KindBPS
}

// propertyNames lists the properties any feature has, sorted, so that
// detection does not depend on map order.
func propertyNames(f *File) []string {
	seen := map[string]bool{}
	for _, ft := range f.Features {
		for k := range ft.Properties {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// nameProperty finds the property holding region names: the one whose
// values equal most often the names of the regions the codes matched
// (compared without case and without "Kabupaten"/"Kota"/"Kecamatan", which
// some files drop), or else the first of the usual names present.
func nameProperty(f *File, props []string, code reading, resolve func(kind, v string) (domain.Region, bool)) string {
	best, bestN := "", 0
	for _, p := range props {
		if p == code.prop {
			continue
		}
		n := 0
		for _, ft := range f.Features {
			if r, ok := resolve(code.kind, ft.Properties[code.prop]); ok && plainName(ft.Properties[p]) == plainName(r.Name) {
				n++
			}
		}
		if n > bestN {
			best, bestN = p, n
		}
	}
	if best != "" {
		return best
	}
	for _, p := range []string{"nama", "name", "NAMOBJ", "WADMKD", "WADMKC", "WADMKK", "WADMPR", "NAME_3", "NAME_2", "NAME_1"} {
		if slices.Contains(props, p) {
			return p
		}
	}
	return ""
}

// plainName is a name without case or the words of its level.
func plainName(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for _, w := range []string{"kabupaten ", "kab. ", "kota ", "kecamatan ", "provinsi "} {
		s = strings.TrimPrefix(s, w)
	}
	return s
}
