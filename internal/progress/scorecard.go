package progress

import (
	"fmt"

	"pantau/internal/domain"
)

// Verdict is one method's status in a scorecard row, with its sentence.
type Verdict struct {
	Status Status   `json:"status"`
	Label  Text     `json:"label"`
	Ratio  *float64 `json:"ratio,omitempty"`
	// Fallback is set when Pantau's linear fallback replaced sdg-build's
	// growth ratio (zero target).
	Fallback bool `json:"fallback,omitempty"`
	// Projected is the anticipated-progress projection for the target year.
	Projected *float64 `json:"projected,omitempty"`
	Sentence  Text     `json:"sentence"`
}

// ScorecardRow is one series in a region's scorecard: where it stands and
// both verdicts on its headline target.
type ScorecardRow struct {
	Indicator      string                `json:"indicator"`
	NameID         string                `json:"name_id"`
	NameEN         string                `json:"name_en"`
	Unit           string                `json:"unit"`
	Decimals       int                   `json:"decimals"`
	Polarity       domain.Polarity       `json:"polarity"`
	Region         string                `json:"region"`
	Disaggregation domain.Disaggregation `json:"disaggregation"`
	Latest         *Point                `json:"latest,omitempty"`
	Change         *Change               `json:"change,omitempty"`
	// Target is the headline target (Options.PlanCode, else the most local
	// plan's last target year); nil without targets.
	Target *TargetRef `json:"target,omitempty"`
	// SDG and Anticipated judge the headline target; without one, SDG is
	// the direction of travel (sdg-build methodology 1).
	SDG         Verdict `json:"sdg"`
	Anticipated Verdict `json:"anticipated"`
}

// Scorecard analyses every series and returns one row per series, in the
// order given (one per indicator when each indicator has only its total
// series). It fails when a series cannot be analysed, naming it.
func Scorecard(series []Series, opt Options) ([]ScorecardRow, error) {
	rows := make([]ScorecardRow, 0, len(series))
	for _, s := range series {
		// Only the headline target is shown: judging the others would
		// triple the work for nothing.
		s.Targets = headlineTargets(s, opt.PlanCode)
		a, err := Analyze(s, opt)
		if err != nil {
			return nil, fmt.Errorf("progress: scorecard: %s %s %s: %w", s.Indicator.Code, s.RegionCode, s.Disagg, err)
		}
		rows = append(rows, rowOf(s.Indicator, a))
	}
	return rows, nil
}

// headlineTargets keeps the series' headline target, or none.
func headlineTargets(s Series, planCode string) []domain.Target {
	ts := relevantTargets(s)
	levels := make(map[string]domain.PlanLevel, len(s.Plans))
	for _, p := range s.Plans {
		levels[p.Code] = p.Level
	}
	refs := make([]TargetRef, len(ts))
	for i, t := range ts {
		refs[i] = TargetRef{Plan: t.PlanCode, Level: levels[t.PlanCode], Year: t.Year}
	}
	if i := headlineIndex(refs, planCode); i >= 0 {
		return ts[i : i+1]
	}
	return nil
}

func rowOf(ind domain.Indicator, a Analysis) ScorecardRow {
	r := ScorecardRow{
		Indicator: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit, Decimals: ind.Decimals,
		Polarity: ind.Polarity, Region: a.Region, Disaggregation: a.Disaggregation,
		Latest: a.Latest, Change: a.Change,
	}
	sdg := a.DirectionOfTravel
	if h := a.Headline; h != nil {
		t := h.Target
		r.Target = &t
		sdg = h.SDG
		an := h.Anticipated
		r.Anticipated = Verdict{Status: an.Status, Label: an.Label, Ratio: an.Ratio, Projected: an.Projected, Sentence: an.Explanation.Sentence}
	} else {
		st := NotApplicable
		r.Anticipated = Verdict{Status: st, Label: st.Label(), Sentence: say("progress.scorecard.no_target")}
	}
	r.SDG = Verdict{Status: sdg.Status, Label: sdg.Label, Ratio: sdg.Ratio, Fallback: sdg.Explanation.Fallback, Sentence: sdg.Explanation.Sentence}
	return r
}
