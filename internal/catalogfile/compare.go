package catalogfile

import (
	"encoding/json"
	"fmt"
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
	ix := indexOf(st)
	var plan Plan
	var probs Problems
	at := func(r Ref, field, code string, args ...any) {
		p := c.Where(r)
		if field != "" {
			p.Path = sub(p.Path, field)
		}
		probs = append(probs, Problem{Pos: p, Field: field, Code: code, Message: text(lang, code, args...)})
	}
	removed := map[Ref]bool{}
	for _, r := range c.Removals {
		removed[r] = true
	}
	emit := func(kind Kind, code string, old, new any, had bool) {
		switch {
		case !had:
			plan.Changes = append(plan.Changes, domain.CatalogChange{Kind: string(kind), Code: code, Action: domain.CatalogAdded, New: new})
		case reflect.DeepEqual(old, new):
			plan.Unchanged++
		default:
			plan.Changes = append(plan.Changes, domain.CatalogChange{Kind: string(kind), Code: code, Action: domain.CatalogChanged, Old: old, New: new})
		}
	}

	for _, a := range c.Agencies {
		old, had := ix.agencies[a.Code]
		emit(Agencies, a.Code, old, a, had)
	}
	agencyKnown := func(code string) bool {
		_, stored := ix.agencies[code]
		_, declared := c.pos[Ref{Agencies, code}]
		return (stored || declared) && !removed[Ref{Agencies, code}]
	}
	regionKnown := func(code string) bool {
		_, stored := ix.regions[code]
		_, declared := c.pos[Ref{Regions, code}]
		return (stored || declared) && !removed[Ref{Regions, code}]
	}

	for _, r := range c.Regions {
		ref := Ref{Regions, r.Code}
		old, had := ix.regions[r.Code]
		if had {
			if !c.regionNamed[r.Code] && strings.TrimSpace(r.Name) == "" {
				r.Name = old.Name
			}
			if r.BPSCode == "" {
				r.BPSCode = old.BPSCode
			}
			if r.ValidFrom == 0 && r.ValidTo == 0 {
				r.ValidFrom, r.ValidTo = old.ValidFrom, old.ValidTo
			}
			if r.Successors == nil {
				r.Successors = old.Successors
			}
		}
		if err := r.Validate(); err != nil {
			at(ref, "", CodeInvalid, domain.Message(err))
			continue
		}
		if r.ParentCode != "" && !regionKnown(r.ParentCode) {
			at(ref, "parent_code", CodeUnknownRef, KindName(lang, Regions), r.ParentCode)
			continue
		}
		for _, s := range r.Successors {
			if !regionKnown(s) {
				at(ref, "successors", CodeUnknownRef, KindName(lang, Regions), s)
			}
		}
		emit(Regions, r.Code, old, r, had)
	}

	for _, ind := range c.Indicators {
		ref := Ref{Indicators, ind.Code}
		old, had := ix.indicators[ind.Code]
		if had && old.Unit != ind.Unit {
			at(ref, "unit", CodeUnitChange, ind.Code, old.Unit, ind.Unit)
			continue
		}
		if ind.AgencyCode != "" && !agencyKnown(ind.AgencyCode) {
			at(ref, "agency_code", CodeUnknownRef, KindName(lang, Agencies), ind.AgencyCode)
			continue
		}
		emit(Indicators, ind.Code, old, ind, had)
	}

	plans := map[string]domain.Plan{}
	for code, p := range ix.plans {
		plans[code] = p
	}
	for _, p := range c.Plans {
		ref := Ref{Plans, p.Code}
		old, had := ix.plans[p.Code]
		plans[p.Code] = p
		if !regionKnown(p.RegionCode) {
			at(ref, "region", CodeUnknownRef, KindName(lang, Regions), p.RegionCode)
			continue
		}
		emit(Plans, p.Code, old, p, had)
	}
	for r := range removed {
		if r.Kind == Plans {
			delete(plans, r.Code)
		}
	}
	for _, p := range c.Plans {
		if p.Amends == "" {
			continue
		}
		if _, ok := plans[p.Amends]; !ok {
			at(Ref{Plans, p.Code}, "amends", CodeUnknownRef, KindName(lang, Plans), p.Amends)
		} else if cycle := amendCycle(plans, p.Code); cycle != nil {
			at(Ref{Plans, p.Code}, "amends", CodeAmendsCycle, strings.Join(cycle, " → "))
		}
	}

	plan.Changes = append(plan.Changes, removals(ix, c, removed, lang, at)...)
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool {
			if probs[i].File != probs[j].File {
				return probs[i].File < probs[j].File
			}
			return probs[i].Line < probs[j].Line
		})
		return Plan{}, probs
	}
	return plan, nil
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
