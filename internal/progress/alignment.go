package progress

import (
	"cmp"
	"slices"

	"pantau/internal/domain"
)

// Ambition is how a regency target compares with a higher level's.
type Ambition string

// Ambitions. For higher-is-better a lower regency target is less
// ambitious; for lower-is-better a higher one; for a band, a range that is
// not inside the higher level's range.
const (
	MoreAmbitious = Ambition("more_ambitious")
	AsAmbitious   = Ambition("as_ambitious")
	LessAmbitious = Ambition("less_ambitious")
	// MissingTarget: the higher level has a target for the year, the
	// regency none.
	MissingTarget = Ambition("missing")
	// NoDirection: a neutral indicator, whose targets cannot be ranked.
	NoDirection = Ambition("not_applicable")
)

// Flags on an alignment row.
const (
	FlagLessAmbitiousProvince = "less_ambitious_than_province"
	FlagLessAmbitiousNational = "less_ambitious_than_national"
	FlagMissingRegency        = "missing_regency_target"
)

// PlanTarget is one plan's target in an alignment row.
type PlanTarget struct {
	Plan         string           `json:"plan"`
	PlanName     string           `json:"plan_name,omitempty"`
	Level        domain.PlanLevel `json:"level"`
	Region       string           `json:"region,omitempty"`
	Illustrative bool             `json:"illustrative,omitempty"`
	Low          float64          `json:"low"`
	High         float64          `json:"high"`
	Value        float64          `json:"value"`
}

// AlignmentCheck compares one regency plan target with one higher-level
// plan target (or its absence).
type AlignmentCheck struct {
	// Regency is empty when the regency has no target (MissingTarget).
	Regency      string           `json:"regency_plan,omitempty"`
	Against      string           `json:"against_plan"`
	AgainstLevel domain.PlanLevel `json:"against_level"`
	Ambition     Ambition         `json:"ambition"`
	// Difference is regency value − other value, in the indicator's unit.
	Difference *float64 `json:"difference,omitempty"`
}

// AlignmentRow is one indicator × disaggregation × year with every plan
// level's targets side by side.
type AlignmentRow struct {
	Indicator      string                `json:"indicator"`
	Disaggregation domain.Disaggregation `json:"disaggregation"`
	Year           int                   `json:"year"`
	Polarity       domain.Polarity       `json:"polarity"`
	Regency        []PlanTarget          `json:"regency"`
	Province       []PlanTarget          `json:"province"`
	National       []PlanTarget          `json:"national"`
	Checks         []AlignmentCheck      `json:"checks"`
	Flags          []string              `json:"flags"`
}

// Alignment lines up the targets of the regency's, the province's and the
// nation's plans for each indicator, disaggregation and year, and flags a
// regency target less ambitious than a higher level's, or missing where a
// higher level has one. Targets of plans or indicators not given are
// ignored; the caller passes the plans of one regency, its province and the
// nation. Rows come in indicator, disaggregation and year order.
func Alignment(indicators []domain.Indicator, plans []domain.Plan, targets []domain.Target) []AlignmentRow {
	inds := make(map[string]domain.Indicator, len(indicators))
	for _, ind := range indicators {
		inds[ind.Code] = ind
	}
	ps := make(map[string]domain.Plan, len(plans))
	for _, p := range plans {
		ps[p.Code] = p
	}
	type key struct {
		ind    string
		disagg domain.Disaggregation
		year   int
	}
	rows := map[key]*AlignmentRow{}
	for _, t := range targets {
		ind, ok1 := inds[t.IndicatorCode]
		p, ok2 := ps[t.PlanCode]
		if !ok1 || !ok2 {
			continue
		}
		k := key{t.IndicatorCode, t.Disagg, t.Year}
		r := rows[k]
		if r == nil {
			r = &AlignmentRow{Indicator: k.ind, Disaggregation: k.disagg, Year: k.year, Polarity: ind.Polarity,
				Regency: []PlanTarget{}, Province: []PlanTarget{}, National: []PlanTarget{}, Checks: []AlignmentCheck{}, Flags: []string{}}
			rows[k] = r
		}
		pt := PlanTarget{Plan: p.Code, PlanName: p.Name, Level: p.Level, Region: t.RegionCode, Illustrative: p.Illustrative,
			Low: t.Low, High: t.High, Value: t.Value(ind.Polarity)}
		switch p.Level {
		case domain.PlanRegency:
			r.Regency = append(r.Regency, pt)
		case domain.PlanProvince:
			r.Province = append(r.Province, pt)
		case domain.PlanNational:
			r.National = append(r.National, pt)
		}
	}
	out := make([]AlignmentRow, 0, len(rows))
	for _, r := range rows {
		ind := inds[r.Indicator]
		for _, upper := range [][]PlanTarget{r.Province, r.National} {
			for _, u := range upper {
				if len(r.Regency) == 0 {
					r.Checks = append(r.Checks, AlignmentCheck{Against: u.Plan, AgainstLevel: u.Level, Ambition: MissingTarget})
					addFlag(r, FlagMissingRegency)
					continue
				}
				for _, reg := range r.Regency {
					c := AlignmentCheck{Regency: reg.Plan, Against: u.Plan, AgainstLevel: u.Level,
						Ambition: ambition(ind, reg, u), Difference: finite(reg.Value - u.Value)}
					r.Checks = append(r.Checks, c)
					if c.Ambition == LessAmbitious {
						if u.Level == domain.PlanProvince {
							addFlag(r, FlagLessAmbitiousProvince)
						} else {
							addFlag(r, FlagLessAmbitiousNational)
						}
					}
				}
			}
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b AlignmentRow) int {
		return cmp.Or(cmp.Compare(a.Indicator, b.Indicator), cmp.Compare(a.Disaggregation, b.Disaggregation), cmp.Compare(a.Year, b.Year))
	})
	return out
}

// Flagged reports whether the row needs a planner's attention.
func (r AlignmentRow) Flagged() bool { return len(r.Flags) > 0 }

func addFlag(r *AlignmentRow, f string) {
	if !slices.Contains(r.Flags, f) {
		r.Flags = append(r.Flags, f)
	}
}

// ambition compares a regency target with a higher level's, using each
// range's hardest end (domain.Target.Value) for higher and lower
// polarity.
func ambition(ind domain.Indicator, reg, other PlanTarget) Ambition {
	switch ind.Polarity {
	case domain.HigherIsBetter, domain.LowerIsBetter:
		d := ind.Polarity.Sign() * (reg.Value - other.Value)
		switch {
		case d > 0:
			return MoreAmbitious
		case d < 0:
			return LessAmbitious
		}
		return AsAmbitious
	case domain.Band:
		switch {
		case reg.Low == other.Low && reg.High == other.High:
			return AsAmbitious
		case reg.Low >= other.Low && reg.High <= other.High:
			return MoreAmbitious
		}
		return LessAmbitious
	}
	return NoDirection
}
