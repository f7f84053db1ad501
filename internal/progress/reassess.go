package progress

import (
	"fmt"

	"pantau/internal/domain"
)

// Reassessment is one series whose headline verdict changes when its
// indicator's settings change: the scorecard's two statuses before and
// after.
type Reassessment struct {
	Region         string                `json:"region"`
	Disaggregation domain.Disaggregation `json:"disaggregation"`
	Target         *TargetRef            `json:"target,omitempty"`
	SDG            [2]Verdict            `json:"sdg"`
	Anticipated    [2]Verdict            `json:"anticipated"`
}

// Reassess judges every series of one indicator twice, as the scorecard
// does (headline target, both methods), with the indicator as it is (old)
// and as it would be (new), and returns the series whose status changes
// under either method, in the order given. The series' own Indicator is
// ignored: a polarity or threshold change is a revision every assessment
// follows, and this is how an administrator sees which ones before saving.
func Reassess(series []Series, old, new domain.Indicator, opt Options) ([]Reassessment, error) {
	var out []Reassessment
	for _, s := range series {
		var rows [2]ScorecardRow
		for i, ind := range []domain.Indicator{old, new} {
			s.Indicator = ind
			r, err := Scorecard([]Series{s}, opt)
			if err != nil {
				return nil, fmt.Errorf("progress: reassess %s: %w", new.Code, err)
			}
			rows[i] = r[0]
		}
		if rows[0].SDG.Status == rows[1].SDG.Status && rows[0].Anticipated.Status == rows[1].Anticipated.Status {
			continue
		}
		out = append(out, Reassessment{Region: s.RegionCode, Disaggregation: s.Disagg, Target: rows[1].Target,
			SDG: [2]Verdict{rows[0].SDG, rows[1].SDG}, Anticipated: [2]Verdict{rows[0].Anticipated, rows[1].Anticipated}})
	}
	return out, nil
}
