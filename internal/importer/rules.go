package importer

import (
	"sort"

	"pantau/internal/domain"
	"pantau/internal/ingest"
	"pantau/internal/store"
)

// ruleCheck checks the catalogue's validation rules (domain.Rule) on every
// region, year and disaggregation the upload gives a value of an indicator
// they name: with the file's values where it has them, the stored ones
// elsewhere. It keeps the file's values of those indicators only.
type ruleCheck struct {
	rules    []domain.Rule
	texts    []string
	byInd    map[string][]int
	uploaded map[domain.ObservationKey]float64
	spots    map[ruleSpot]int // the first line giving a value there
}

// ruleSpot is where a rule is checked.
type ruleSpot struct {
	region string
	year   int
	disagg domain.Disaggregation
}

func newRuleCheck(cat *domain.Catalog) *ruleCheck {
	rc := &ruleCheck{byInd: map[string][]int{}, uploaded: map[domain.ObservationKey]float64{}, spots: map[ruleSpot]int{}}
	codes := make([]string, 0, len(cat.Indicators))
	for code := range cat.Indicators {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		for _, text := range cat.Indicators[code].Rules {
			r, err := domain.ParseRule(text)
			if err != nil {
				continue // the catalogue refuses bad rules; one stored before is skipped
			}
			rc.rules, rc.texts = append(rc.rules, r), append(rc.texts, r.String())
			for _, ind := range r.Indicators() {
				rc.byInd[ind] = append(rc.byInd[ind], len(rc.rules)-1)
			}
		}
	}
	return rc
}

// add notes an uploaded value.
func (rc *ruleCheck) add(o domain.Observation) {
	if len(rc.byInd[o.IndicatorCode]) == 0 {
		return
	}
	rc.uploaded[o.ObservationKey] = o.Value
	spot := ruleSpot{o.RegionCode, o.Year, o.Disagg}
	if _, ok := rc.spots[spot]; !ok {
		rc.spots[spot] = o.Line
	}
}

// run checks every rule at every spot: broken warning rules go to p (to be
// confirmed), broken error rules are returned as row errors.
func (rc *ruleCheck) run(p *plausibility, values *store.StoredValues) []ingest.RowError {
	if len(rc.spots) == 0 {
		return nil
	}
	spots := make([]ruleSpot, 0, len(rc.spots))
	for s := range rc.spots {
		spots = append(spots, s)
	}
	sort.Slice(spots, func(i, j int) bool {
		a, b := spots[i], spots[j]
		if rc.spots[a] != rc.spots[b] {
			return rc.spots[a] < rc.spots[b]
		}
		if a.region != b.region {
			return a.region < b.region
		}
		if a.year != b.year {
			return a.year < b.year
		}
		return a.disagg < b.disagg
	})
	var errs []ingest.RowError
	for _, s := range spots {
		value := func(ind string) (float64, bool) {
			k := domain.ObservationKey{IndicatorCode: ind, RegionCode: s.region, Year: s.year, Disagg: s.disagg}
			if v, ok := rc.uploaded[k]; ok {
				return v, true
			}
			return values.Value(k)
		}
		for i, r := range rc.rules {
			if !rc.touches(r, s) {
				continue
			}
			left, right, ok := r.Sides(value)
			if !ok || r.Holds(left, right) {
				continue
			}
			reason := p.lang.Get("changes.rule", p.regionName(s.region), s.year, rc.texts[i], p.num(left), p.num(right))
			e := ingest.RowError{Line: rc.spots[s], Value: p.num(left), Reason: reason, Warning: !r.Error, Code: CodeRule}
			if r.Error {
				errs = append(errs, e)
				continue
			}
			p.count++
			if len(p.list) < maxWarnings {
				l, rv := left, right
				p.list = append(p.list, Warning{RowError: e, Indicator: r.Indicators()[0], Region: s.region, Year: s.year, Disagg: s.disagg,
					Old: &rv, New: &l, Against: "rule", Rule: rc.texts[i], Confirm: true})
			}
		}
	}
	return errs
}

// touches reports whether the file gives a value at s of an indicator r
// names: a rule is checked where the upload changes something it reads.
func (rc *ruleCheck) touches(r domain.Rule, s ruleSpot) bool {
	for _, ind := range r.Indicators() {
		if _, ok := rc.uploaded[domain.ObservationKey{IndicatorCode: ind, RegionCode: s.region, Year: s.year, Disagg: s.disagg}]; ok {
			return true
		}
	}
	return false
}
