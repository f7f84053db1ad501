package progress

import (
	"cmp"

	"pantau/internal/domain"
)

// assessAll builds one assessment per relevant target, both methods side
// by side. win is nil when the series has no observations.
func assessAll(s Series, opt Options, a Analysis, f valueFormatter, win *windowPoints) []Assessment {
	ind := s.Indicator
	plans := make(map[string]domain.Plan, len(s.Plans))
	for _, p := range s.Plans {
		plans[p.Code] = p
	}
	w := windowPoints{Window: a.Window}
	if win != nil {
		w = *win
	}
	out := []Assessment{}
	for _, t := range relevantTargets(s) {
		ref := TargetRef{Plan: t.PlanCode, Region: t.RegionCode, Year: t.Year, Low: t.Low, High: t.High, Value: t.Value(ind.Polarity)}
		if p, ok := plans[t.PlanCode]; ok {
			ref.PlanName, ref.Level, ref.Illustrative = p.Name, p.Level, p.Illustrative
		}
		as := Assessment{Target: ref}
		if a.Latest != nil && t.Year > a.Latest.Year {
			n := float64(t.Year - a.Latest.Year)
			as.RequiredAnnualChange = finite((ref.Value - a.Latest.Value) / n)
			as.RequiredAnnualGrowth = finite(growth(ref.Value, a.Latest.Value, t.Year, a.Latest.Year))
		}
		var gp *goal
		if len(w.points) > 0 {
			base, latest := w.points[0].Value, w.points[len(w.points)-1].Value
			if g, ok := newGoal(ind, ref, base, latest); ok {
				gp = &g
			}
		} else if g, ok := newGoal(ind, ref, ref.Value, ref.Value); ok {
			gp = &g
		}
		as.SDG = sdgAssess(ind, w, gp, f)
		as.Anticipated = anticipate(ind, w, a.Trend, gp, f)
		out = append(out, as)
	}
	return out
}

// directionOfTravel is sdg-build's methodology 1 (no target). A band
// indicator is judged by its direction towards its band: inside the band it
// has met its standing target.
func directionOfTravel(ind domain.Indicator, win windowPoints, f valueFormatter) SDGResult {
	if ind.Polarity == domain.Band && ind.BandLow != nil && ind.BandHigh != nil && len(win.points) > 0 {
		last := win.points[len(win.points)-1]
		ref := TargetRef{Plan: bandPlan, Year: last.Year, Low: *ind.BandLow, High: *ind.BandHigh, Value: (*ind.BandLow + *ind.BandHigh) / 2}
		g, _ := newGoal(ind, ref, win.points[0].Value, last.Value)
		if g.meets(last.Value) {
			return sdgAssess(ind, win, &g, f)
		}
		toward := ind
		toward.Polarity = domain.HigherIsBetter
		if g.dir < 0 {
			toward.Polarity = domain.LowerIsBetter
		}
		return sdgAssess(toward, win, nil, f)
	}
	return sdgAssess(ind, win, nil, f)
}

// levelRank orders plan levels from the most local: a regency's own plan
// comes first in its dashboard.
func levelRank(l domain.PlanLevel) int {
	switch l {
	case domain.PlanRegency:
		return 0
	case domain.PlanProvince:
		return 1
	case domain.PlanNational:
		return 2
	}
	return 3
}

// headline picks the assessment to show first (see headlineIndex).
func headline(as []Assessment, planCode string) *Assessment {
	refs := make([]TargetRef, len(as))
	for i, a := range as {
		refs[i] = a.Target
	}
	i := headlineIndex(refs, planCode)
	if i < 0 {
		return nil
	}
	h := as[i]
	return &h
}

// headlineIndex picks the target to show first: of planCode when given,
// otherwise of the most local plan; within the plan, its last target year
// (the end of a medium-term plan, 2029). It returns -1 when none fits.
func headlineIndex(refs []TargetRef, planCode string) int {
	best := -1
	for i, r := range refs {
		if planCode != "" && r.Plan != planCode {
			continue
		}
		if best < 0 || cmp.Or(
			cmp.Compare(levelRank(refs[best].Level), levelRank(r.Level)),
			cmp.Compare(r.Year, refs[best].Year),
			cmp.Compare(refs[best].Plan, r.Plan),
		) > 0 {
			best = i
		}
	}
	return best
}
