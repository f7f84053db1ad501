package catalogfile

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Plan is what applying a catalogue file to the stored catalogue does:
// every change old → new, in the order the store applies them, and how
// many declared entries are already as the file says.
type Plan struct {
	Changes   []domain.CatalogChange
	Unchanged int
}

// Counts returns how many entries are added, changed and removed.
func (p Plan) Counts() (added, changed, removed int) {
	for _, ch := range p.Changes {
		switch ch.Action {
		case domain.CatalogAdded:
			added++
		case domain.CatalogChanged:
			changed++
		case domain.CatalogRemoved:
			removed++
		}
	}
	return
}

type index struct {
	agencies   map[string]domain.Agency
	regions    map[string]domain.Region
	indicators map[string]domain.Indicator
	plans      map[string]domain.Plan
}

func indexOf(st Stored) index {
	ix := index{map[string]domain.Agency{}, map[string]domain.Region{}, map[string]domain.Indicator{}, map[string]domain.Plan{}}
	for _, a := range st.Agencies {
		ix.agencies[a.Code] = a
	}
	for _, r := range st.Regions {
		ix.regions[r.Code] = NormalRegion(r)
	}
	for _, ind := range st.Indicators {
		ix.indicators[ind.Code] = NormalIndicator(ind)
	}
	for _, p := range st.Plans {
		ix.plans[p.Code] = NormalPlan(p)
	}
	return ix
}

// Compare works out what applying c to the stored catalogue changes, and
// refuses what the catalogue cannot become: an indicator's unit changed,
// a reference to an entry that neither the store nor the file has, an
// amendment cycle, the removal of an entry another entry uses or that is
// not stored. The uses by data and targets are the store's to check (it
// does, in the transaction that applies the plan).
//
// A region item is a patch: what it leaves out (name, BPS code, validity,
// successors) stays as stored, so that a file may add a BPS code to an
// official region by its code alone. Other items are the whole entry.
func Compare(st Stored, c *Catalogue, lang locale.Lang) (Plan, error) {
	cmp := &comparison{ix: indexOf(st), c: c, lang: lang, removed: map[Ref]bool{}}
	for _, r := range c.Removals {
		cmp.removed[r] = true
	}
	cmp.compareAgencies()
	cmp.compareRegions()
	cmp.compareIndicators()
	cmp.comparePlans()
	cmp.checkAmends()
	cmp.plan.Changes = append(cmp.plan.Changes, removals(cmp.ix, c, cmp.removed, lang, cmp.problem)...)
	if len(cmp.probs) > 0 {
		return Plan{}, inFileOrder(cmp.probs)
	}
	return cmp.plan, nil
}

// comparison is a catalogue file being compared with the stored
// catalogue: the plan so far and the problems found so far.
type comparison struct {
	ix      index
	c       *Catalogue
	lang    locale.Lang
	removed map[Ref]bool
	plan    Plan
	probs   Problems
}

// problem records a problem with the entry r, at its field when one is
// given.
func (cmp *comparison) problem(r Ref, field, code string, args ...any) {
	cmp.probs = append(cmp.probs, cmp.c.Problem(r, field, cmp.lang, code, args...))
}

// record puts a declared entry in the plan: added when it was not stored
// (had is false), changed when it differs from the stored old, else
// counted as unchanged.
func (cmp *comparison) record(kind Kind, code string, old, new any, had bool) {
	switch {
	case !had:
		cmp.plan.Changes = append(cmp.plan.Changes, domain.CatalogChange{Kind: string(kind), Code: code, Action: domain.CatalogAdded, New: new})
	case reflect.DeepEqual(old, new):
		cmp.plan.Unchanged++
	default:
		cmp.plan.Changes = append(cmp.plan.Changes, domain.CatalogChange{Kind: string(kind), Code: code, Action: domain.CatalogChanged, Old: old, New: new})
	}
}

// known reports whether another entry may refer to r: it is stored or
// declared, and not removed.
func (cmp *comparison) known(r Ref) bool {
	var stored bool
	switch r.Kind {
	case Agencies:
		_, stored = cmp.ix.agencies[r.Code]
	case Regions:
		_, stored = cmp.ix.regions[r.Code]
	case Indicators:
		_, stored = cmp.ix.indicators[r.Code]
	case Plans:
		_, stored = cmp.ix.plans[r.Code]
	}
	_, declared := cmp.c.pos[r]
	return (stored || declared) && !cmp.removed[r]
}

func (cmp *comparison) compareAgencies() {
	for _, a := range cmp.c.Agencies {
		old, had := cmp.ix.agencies[a.Code]
		cmp.record(Agencies, a.Code, old, a, had)
	}
}

// compareRegions records the region items, each patched onto its stored
// region, and refuses one that is not valid or names a parent or a
// successor that is not known.
func (cmp *comparison) compareRegions() {
	for _, r := range cmp.c.Regions {
		ref := Ref{Regions, r.Code}
		old, had := cmp.ix.regions[r.Code]
		if had {
			r = patchRegion(r, old, cmp.c.regionNamed[r.Code])
		}
		if err := r.Validate(); err != nil {
			cmp.problem(ref, "", CodeInvalid, domain.Message(err))
			continue
		}
		if r.ParentCode != "" && !cmp.known(Ref{Regions, r.ParentCode}) {
			cmp.problem(ref, "parent_code", CodeUnknownRef, KindName(cmp.lang, Regions), r.ParentCode)
			continue
		}
		for _, s := range r.Successors {
			if !cmp.known(Ref{Regions, s}) {
				cmp.problem(ref, "successors", CodeUnknownRef, KindName(cmp.lang, Regions), s)
			}
		}
		cmp.record(Regions, r.Code, old, r, had)
	}
}

// patchRegion is the region item r over its stored region: what r leaves
// out keeps the stored value, its name only when the item gave no name
// (named is false) and no official one was filled in.
func patchRegion(r, stored domain.Region, named bool) domain.Region {
	if !named && strings.TrimSpace(r.Name) == "" {
		r.Name = stored.Name
	}
	if r.BPSCode == "" {
		r.BPSCode = stored.BPSCode
	}
	if r.ValidFrom == 0 && r.ValidTo == 0 {
		r.ValidFrom, r.ValidTo = stored.ValidFrom, stored.ValidTo
	}
	if r.Successors == nil {
		r.Successors = stored.Successors
	}
	return r
}

// compareIndicators records the indicator items, refusing a changed unit
// (the stored values are in the old one) and an agency that is not known.
func (cmp *comparison) compareIndicators() {
	for _, ind := range cmp.c.Indicators {
		ref := Ref{Indicators, ind.Code}
		old, had := cmp.ix.indicators[ind.Code]
		if had && old.Unit != ind.Unit {
			cmp.problem(ref, "unit", CodeUnitChange, ind.Code, old.Unit, ind.Unit)
			continue
		}
		if ind.AgencyCode != "" && !cmp.known(Ref{Agencies, ind.AgencyCode}) {
			cmp.problem(ref, "agency_code", CodeUnknownRef, KindName(cmp.lang, Agencies), ind.AgencyCode)
			continue
		}
		cmp.record(Indicators, ind.Code, old, ind, had)
	}
}

// comparePlans records the plan items, refusing one whose region is not
// known.
func (cmp *comparison) comparePlans() {
	for _, p := range cmp.c.Plans {
		old, had := cmp.ix.plans[p.Code]
		if !cmp.known(Ref{Regions, p.RegionCode}) {
			cmp.problem(Ref{Plans, p.Code}, "region", CodeUnknownRef, KindName(cmp.lang, Regions), p.RegionCode)
			continue
		}
		cmp.record(Plans, p.Code, old, p, had)
	}
}

// checkAmends refuses a plan item amending a plan the catalogue will not
// hold, and one whose amendments lead back to itself.
func (cmp *comparison) checkAmends() {
	plans := cmp.plansAfter()
	for _, p := range cmp.c.Plans {
		if p.Amends == "" {
			continue
		}
		if _, ok := plans[p.Amends]; !ok {
			cmp.problem(Ref{Plans, p.Code}, "amends", CodeUnknownRef, KindName(cmp.lang, Plans), p.Amends)
		} else if cycle := amendCycle(plans, p.Code); cycle != nil {
			cmp.problem(Ref{Plans, p.Code}, "amends", CodeAmendsCycle, strings.Join(cycle, " → "))
		}
	}
}

// plansAfter is every plan as the catalogue will hold it once the file is
// applied: the stored plans, the declared ones over them, less the removed.
func (cmp *comparison) plansAfter() map[string]domain.Plan {
	plans := maps.Clone(cmp.ix.plans)
	for _, p := range cmp.c.Plans {
		plans[p.Code] = p
	}
	for r := range cmp.removed {
		if r.Kind == Plans {
			delete(plans, r.Code)
		}
	}
	return plans
}

// inFileOrder sorts problems by file and line, keeping the order they were
// found in within a line.
func inFileOrder(probs Problems) Problems {
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].File != probs[j].File {
			return probs[i].File < probs[j].File
		}
		return probs[i].Line < probs[j].Line
	})
	return probs
}

// amendCycle returns the chain from code back to itself, or nil.
func amendCycle(plans map[string]domain.Plan, code string) []string {
	chain := []string{code}
	seen := map[string]bool{code: true}
	for c := plans[code].Amends; c != ""; c = plans[c].Amends {
		chain = append(chain, c)
		if c == code {
			return chain
		}
		if seen[c] {
			return nil // a cycle further on, reported at its own plans
		}
		seen[c] = true
	}
	return nil
}

// removals checks the entries marked for removal against the stored
// entries that use them and orders them users first: plans, indicators,
// regions (deepest first), agencies.
func removals(ix index, c *Catalogue, removed map[Ref]bool, lang locale.Lang, at func(Ref, string, string, ...any)) []domain.CatalogChange {
	var out []domain.CatalogChange
	order := map[Kind]int{Plans: 0, Indicators: 1, Regions: 2, Agencies: 3}
	refs := append([]Ref(nil), c.Removals...)
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].Kind != refs[j].Kind {
			return order[refs[i].Kind] < order[refs[j].Kind]
		}
		return depth(refs[i].Code) > depth(refs[j].Code)
	})
	for _, r := range refs {
		var old any
		var ok bool
		var users []string
		switch r.Kind {
		case Agencies:
			old, ok = ix.agencies[r.Code]
			for _, ind := range ix.indicators {
				if ind.AgencyCode == r.Code && !removed[Ref{Indicators, ind.Code}] {
					users = append(users, KindName(lang, Indicators)+" "+ind.Code)
				}
			}
		case Regions:
			old, ok = ix.regions[r.Code]
			for _, reg := range ix.regions {
				if reg.ParentCode == r.Code && !removed[Ref{Regions, reg.Code}] {
					users = append(users, KindName(lang, Regions)+" "+reg.Code)
				}
			}
			for _, p := range ix.plans {
				if p.RegionCode == r.Code && !removed[Ref{Plans, p.Code}] {
					users = append(users, KindName(lang, Plans)+" "+p.Code)
				}
			}
		case Indicators:
			old, ok = ix.indicators[r.Code]
		case Plans:
			old, ok = ix.plans[r.Code]
			for _, p := range ix.plans {
				if p.Amends == r.Code && !removed[Ref{Plans, p.Code}] {
					users = append(users, KindName(lang, Plans)+" "+p.Code)
				}
			}
		}
		if !ok {
			at(r, "remove", CodeRemoveUnknown, KindName(lang, r.Kind), r.Code)
			continue
		}
		if len(users) > 0 {
			sort.Strings(users)
			if len(users) > 5 {
				users = append(users[:5], fmt.Sprintf("… (%d)", len(users)))
			}
			at(r, "remove", CodeInUse, KindName(lang, r.Kind), r.Code, strings.Join(users, ", "))
			continue
		}
		out = append(out, domain.CatalogChange{Kind: string(r.Kind), Code: r.Code, Action: domain.CatalogRemoved, Old: old})
	}
	return out
}

// Describe is one change as a person reads it: the entry and, for a
// change, each field old → new.
func Describe(lang locale.Lang, ch domain.CatalogChange) string {
	head := fmt.Sprintf("%s %s %s", lang.Get("catalogfile.action."+string(ch.Action)), KindName(lang, Kind(ch.Kind)), ch.Code)
	if ch.Action != domain.CatalogChanged {
		return head
	}
	var parts []string
	for _, f := range FieldChanges(ch.Old, ch.New) {
		parts = append(parts, fmt.Sprintf("%s %s → %s", f.Field, f.Old, f.New))
	}
	return head + ": " + strings.Join(parts, "; ")
}

// FieldChange is one field of an entry, old → new, as JSON.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// FieldChanges compares two entries field by field, through their JSON
// (the API's field names), nested fields as progress.base_year.
func FieldChanges(old, new any) []FieldChange {
	o, n := flatJSON(old), flatJSON(new)
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if o[k] != n[k] {
			out = append(out, FieldChange{Field: k, Old: orNone(o[k]), New: orNone(n[k])})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func orNone(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func flatJSON(v any) map[string]string {
	out := map[string]string{}
	if v == nil {
		return out
	}
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, x := range m {
			if sub, ok := x.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			b, _ := json.Marshal(x)
			out[prefix+k] = string(b)
		}
	}
	walk("", m)
	return out
}
