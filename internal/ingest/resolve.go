package ingest

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"pantau/internal/domain"
	"pantau/internal/textmatch"
)

// resolver finds catalogue entries from what a file writes: codes, BPS
// codes through the bridge, names. It gives each region, indicator and plan
// a small index so that per-file bookkeeping stays in small integers.
type resolver struct {
	cat        *domain.Catalog
	regions    []domain.Region
	regionIdx  map[string]int32 // Kemendagri and BPS codes
	inds       []domain.Indicator
	bounds     [][2]float64     // per indicator, from Indicator.Bounds
	indIdx     map[string]int32 // codes, normalised codes, SDG and national codes, names
	plans      []domain.Plan
	planIdx    map[string]int32
	names      map[string][]int32 // normalised region name → regions; built on first use
	nameCache  map[string]lookup
	suggested  int // did-you-mean searches done; they are bounded
	suggestMax int
	// territory is the code of the region whose subtree names are looked
	// for in first (Options.Territory); "" or NationalCode for none.
	territory string
}

// lookup is the outcome of resolving a cell.
type lookup struct {
	idx        int32 // -1 when not found
	candidates []int32
}

func newResolver(cat *domain.Catalog) *resolver {
	r := &resolver{cat: cat, regionIdx: make(map[string]int32, 2*len(cat.Regions)), indIdx: make(map[string]int32, 4*len(cat.Indicators)),
		planIdx: make(map[string]int32, len(cat.Plans)), nameCache: map[string]lookup{}, suggestMax: 50}
	r.regions = indexByCode(cat.Regions, r.regionIdx)
	for bps, code := range cat.BPS {
		if i, ok := r.regionIdx[code]; ok {
			if _, taken := r.regionIdx[bps]; !taken {
				r.regionIdx[bps] = i
			}
		}
	}
	r.inds = indexByCode(cat.Indicators, r.indIdx)
	r.bounds = make([][2]float64, len(r.inds))
	for i, ind := range r.inds {
		r.bounds[i][0], r.bounds[i][1] = ind.Bounds()
	}
	// Secondary keys, only where they name one indicator.
	seen := map[string]int{}
	for i, ind := range r.inds {
		for _, k := range []string{normalizeHeader(ind.Code), ind.SDGCode, ind.NationalCode, normName(ind.NameID), normName(ind.NameEN)} {
			if k != "" {
				if _, primary := r.indIdx[k]; !primary {
					seen[k]++
					if seen[k] == 1 {
						r.indIdx[k] = int32(i)
					} else {
						delete(r.indIdx, k)
					}
				}
			}
		}
	}
	r.plans = indexByCode(cat.Plans, r.planIdx)
	// A plan may also be named by its name, as people write it ("RPJMD
	// Kab. Banyuasin 2025–2029"): exactly, or in any case, spacing and
	// dash. A name two plans share names neither.
	names := map[string]int32{}
	for i, p := range r.plans {
		for _, k := range []string{"name:" + strings.TrimSpace(p.Name), "fold:" + foldPlanName(p.Name)} {
			if _, dup := names[k]; dup {
				names[k] = -1
			} else {
				names[k] = int32(i)
			}
		}
	}
	for k, i := range names {
		if i >= 0 {
			r.planIdx[k] = i
		}
	}
	return r
}

// indexByCode lists the entries of byCode in code order and records each
// one's position in idx under its code.
func indexByCode[T any](byCode map[string]T, idx map[string]int32) []T {
	codes := slices.Sorted(maps.Keys(byCode))
	out := make([]T, len(codes))
	for i, c := range codes {
		idx[c] = int32(i)
		out[i] = byCode[c]
	}
	return out
}

// foldPlanName is a plan name in lower case, with single spaces and
// hyphens for en and em dashes.
func foldPlanName(s string) string {
	s = strings.NewReplacer("–", "-", "—", "-").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

// indicator finds an indicator by code (exact, then in any case and
// spacing), SDG or national code, or exact name.
func (r *resolver) indicator(s string) int32 {
	if i, ok := r.indIdx[s]; ok {
		return i
	}
	if i, ok := r.indIdx[normalizeHeader(s)]; ok {
		return i
	}
	if i, ok := r.indIdx[normName(s)]; ok {
		return i
	}
	return -1
}

// plan finds a plan by code, in any case, or by name.
func (r *resolver) plan(s string) int32 {
	for _, k := range []string{s, strings.ToLower(s), "name:" + strings.TrimSpace(s), "fold:" + foldPlanName(s)} {
		if i, ok := r.planIdx[k]; ok {
			return i
		}
	}
	return -1
}

// prefix kinds of region names.
const (
	kindNone = iota
	kindKab
	kindKota
	kindKec
	kindProv
	kindDesa
)

var namePrefixes = map[string]int{
	"kab": kindKab, "kabupaten": kindKab,
	"kota": kindKota, "kotamadya": kindKota,
	"kec": kindKec, "kecamatan": kindKec,
	"prov": kindProv, "provinsi": kindProv, "propinsi": kindProv,
	"desa": kindDesa, "kel": kindDesa, "kelurahan": kindDesa,
}

// normName reduces a region or indicator name to a key: lower case, the
// administrative prefix (Kab., Kabupaten, Kota, Kec., Prov.…) dropped, and
// spaces and punctuation removed, so that "Kab. Banyu Asin", "KABUPATEN
// BANYUASIN" and "Banyuasin" meet.
func normName(s string) string {
	k, _ := normNameKind(s)
	return k
}

func normNameKind(s string) (string, int) {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	kind := kindNone
	if len(words) > 1 {
		if k, ok := namePrefixes[words[0]]; ok {
			kind, words = k, words[1:]
		}
	}
	return strings.Join(words, ""), kind
}

// regionKind is the kind a catalogue region's own name or level implies.
func regionKind(reg domain.Region) int {
	_, k := normNameKind(reg.Name)
	if k != kindNone {
		return k
	}
	switch reg.Level {
	case domain.LevelRegency:
		return kindKab
	case domain.LevelDistrict:
		return kindKec
	case domain.LevelProvince:
		return kindProv
	case domain.LevelVillage:
		return kindDesa
	}
	return kindNone
}

// region resolves a cell by Kemendagri code, BPS code (through the bridge),
// then name. A name is looked for in the territory's subtree first and in
// the rest of the catalogue only when nothing inside bears it, so that a
// regency's file can still name its province. An ambiguous name returns its
// candidates.
func (r *resolver) region(s string) lookup {
	if i, ok := r.regionIdx[s]; ok {
		return lookup{idx: i}
	}
	if l, ok := r.nameCache[s]; ok {
		return l
	}
	l := r.regionByName(s)
	if len(r.nameCache) < 4096 {
		r.nameCache[strings.Clone(s)] = l
	}
	return l
}

func (r *resolver) regionByName(s string) lookup {
	// Codes written with spaces or a trailing dot ("16.07 ", "1607.0").
	c := strings.TrimSuffix(strings.ReplaceAll(s, " ", ""), ".0")
	if i, ok := r.regionIdx[c]; ok {
		return lookup{idx: i}
	}
	if r.names == nil {
		r.names = map[string][]int32{}
		for i, reg := range r.regions {
			k := normName(reg.Name)
			r.names[k] = append(r.names[k], int32(i))
		}
	}
	key, kind := normNameKind(s)
	cands := r.names[key]
	if len(cands) > 1 && kind != kindNone {
		cands = narrow(cands, func(i int32) bool { return regionKind(r.regions[i]) == kind })
	}
	if len(cands) > 1 && r.territory != "" && r.territory != domain.NationalCode {
		cands = narrow(cands, func(i int32) bool { return within(r.regions[i].Code, r.territory) })
	}
	switch len(cands) {
	case 0:
		return lookup{idx: -1}
	case 1:
		return lookup{idx: cands[0]}
	}
	return lookup{idx: -1, candidates: cands}
}

// narrow keeps the candidates keep accepts, unless it accepts none. A name
// is narrowed by what the file says (the kind its prefix states, "Kec.
// Lais") and by the instance's territory; whatever remains is equal: two or
// more candidates are ambiguous, never one of them preferred.
func narrow(cands []int32, keep func(int32) bool) []int32 {
	var kept []int32
	for _, i := range cands {
		if keep(i) {
			kept = append(kept, i)
		}
	}
	if len(kept) == 0 {
		return cands
	}
	return kept
}

// within reports whether the region code lies in the subtree of root: root
// itself or any region below it.
func within(code, root string) bool {
	return code == root || len(code) > len(root) && code[len(root)] == '.' && strings.HasPrefix(code, root)
}

// suggestRegions lists the closest region codes and names to s.
func (r *resolver) suggestRegions(s string) []string {
	if r.suggested >= r.suggestMax {
		return nil
	}
	r.suggested++
	var keys []string
	var labels []string
	looksCode := strings.IndexFunc(s, unicode.IsLetter) < 0
	for _, reg := range r.regions {
		if looksCode {
			keys = append(keys, reg.Code)
			labels = append(labels, reg.Code)
			if reg.BPSCode != "" {
				keys = append(keys, reg.BPSCode)
				labels = append(labels, reg.BPSCode)
			}
		} else {
			keys = append(keys, normName(reg.Name))
			labels = append(labels, reg.Name+" ("+reg.Code+")")
		}
	}
	q := s
	if !looksCode {
		q = normName(s)
	}
	return textmatch.Closest(q, keys, labels, 3)
}

// suggestIndicators lists the closest indicator codes to s.
func (r *resolver) suggestIndicators(s string) []string {
	if r.suggested >= r.suggestMax {
		return nil
	}
	r.suggested++
	var keys, labels []string
	for _, ind := range r.inds {
		keys = append(keys, ind.Code, normName(ind.NameID))
		labels = append(labels, ind.Code, ind.Code)
	}
	return textmatch.Closest(normalizeHeader(s), keys, labels, 3)
}

func (r *resolver) suggestPlans(s string) []string {
	var keys, labels []string
	for _, p := range r.plans {
		keys = append(keys, p.Code, foldPlanName(p.Name))
		labels = append(labels, p.Code, p.Name)
	}
	return textmatch.Closest(foldPlanName(s), keys, labels, 3)
}
