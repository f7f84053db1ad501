package domain

import (
	"math"
	"strings"
)

// PlanLevel is the government level a plan belongs to.
type PlanLevel string

// Plan levels, from the top.
const (
	PlanNational = PlanLevel("nasional")
	PlanProvince = PlanLevel("provinsi")
	PlanRegency  = PlanLevel("kabupaten_kota")
)

// PlanKind is the kind of planning document.
type PlanKind string

// Plan kinds: the national and regional medium-term plans, the regional
// annual work plan and an agency's strategic plan.
const (
	KindRPJMN   = PlanKind("RPJMN")
	KindRPJMD   = PlanKind("RPJMD")
	KindRKPD    = PlanKind("RKPD")
	KindRenstra = PlanKind("Renstra")
)

// PlanStatus says whether a plan is adopted (final) or still a draft.
type PlanStatus string

// Plan statuses; an empty status is final (plans stored before statuses).
const (
	PlanDraft = PlanStatus("draft")
	PlanFinal = PlanStatus("final")
)

// Plan is a planning document with targets: RPJMD Kab. Banyuasin 2025–2029,
// RPJMN 2025–2029, RKPD Prov. Sumsel 2025. Amendments revise its targets;
// they never overwrite them silently.
type Plan struct {
	Code       string    `json:"code" db:"code"`
	Name       string    `json:"name" db:"name"`
	Level      PlanLevel `json:"level" db:"level"`
	RegionCode string    `json:"region" db:"region_code"`
	StartYear  int       `json:"start_year" db:"start_year"`
	EndYear    int       `json:"end_year" db:"end_year"`
	Source     string    `json:"source" db:"source"`
	Kind       PlanKind  `json:"kind,omitempty" db:"kind"`
	// LegalBasis is the regulation that adopts the plan (Perpres, Perda).
	LegalBasis string     `json:"legal_basis,omitempty" db:"legal_basis"`
	Status     PlanStatus `json:"status,omitempty" db:"status"`
	// Amends is the code of the plan this one amends (a revised RPJMD).
	Amends string `json:"amends,omitempty" db:"amends"`
	// Illustrative marks a plan whose targets were generated for the demo.
	Illustrative bool `json:"illustrative" db:"illustrative"`
}

// Validate checks the plan.
func (p Plan) Validate() error {
	if !ValidCode(p.Code) {
		return Errorf(ErrInvalid, "plan code %q: use lower-case letters, digits, _ . -", p.Code)
	}
	if strings.TrimSpace(p.Name) == "" {
		return Errorf(ErrInvalid, "plan %s: name is empty", p.Code)
	}
	switch p.Level {
	case PlanNational, PlanProvince, PlanRegency:
	default:
		return Errorf(ErrInvalid, "plan %s: level %q, want nasional, provinsi or kabupaten_kota", p.Code, p.Level)
	}
	if err := CheckYear(p.StartYear); err != nil {
		return Errorf(ErrInvalid, "plan %s: start %v", p.Code, err)
	}
	if p.EndYear < p.StartYear || p.EndYear > MaxYear {
		return Errorf(ErrInvalid, "plan %s: end year %d before start %d", p.Code, p.EndYear, p.StartYear)
	}
	switch p.Kind {
	case "", KindRPJMN, KindRPJMD, KindRKPD, KindRenstra:
	default:
		return Errorf(ErrInvalid, "plan %s: kind %q, want RPJMN, RPJMD, RKPD or Renstra", p.Code, p.Kind)
	}
	switch p.Status {
	case "", PlanDraft, PlanFinal:
	default:
		return Errorf(ErrInvalid, "plan %s: status %q, want draft or final", p.Code, p.Status)
	}
	if p.Amends == p.Code {
		return Errorf(ErrInvalid, "plan %s amends itself", p.Code)
	}
	return nil
}

// CheckAmendments refuses plans whose amends name an unknown plan or form a
// cycle (A amends B amends A): an amendment chain must end in an original.
func CheckAmendments(plans map[string]Plan) error {
	for code := range plans {
		seen := map[string]bool{}
		chain := []string{code}
		for c := code; ; {
			seen[c] = true
			next := plans[c].Amends
			if next == "" {
				break
			}
			if _, ok := plans[next]; !ok {
				return Errorf(ErrInvalid, "plan %s amends %q, which is not a known plan", c, next)
			}
			chain = append(chain, next)
			if seen[next] {
				return Errorf(ErrInvalid, "plan amendments form a cycle: %s", strings.Join(chain, " → "))
			}
			c = next
		}
	}
	return nil
}

// Target is a plan's goal for one series and year: a value (Low == High) or
// a range such as 9.37–10.37.
type Target struct {
	PlanCode string `json:"plan" db:"plan_code"`
	ObservationKey
	Low      float64 `json:"low" db:"low"`
	High     float64 `json:"high" db:"high"`
	Note     string  `json:"note,omitempty" db:"note"`
	UploadID int64   `json:"upload_id" db:"upload_id"`
}

// IsRange reports whether the target is a range rather than a single value.
func (t Target) IsRange() bool { return t.Low != t.High }

// Value returns the point the progress methods aim at: the single value, or
// for a range the end that is hardest to reach given the polarity (the lower
// end when lower is better), and the midpoint otherwise.
func (t Target) Value(p Polarity) float64 {
	switch {
	case !t.IsRange():
		return t.Low
	case p == LowerIsBetter:
		return t.Low
	case p == HigherIsBetter:
		return t.High
	}
	return (t.Low + t.High) / 2
}

// Validate checks the target against its plan and indicator.
func (t Target) Validate(plan Plan, ind Indicator) error {
	if t.PlanCode != plan.Code || t.IndicatorCode != ind.Code {
		return Errorf(ErrInvalid, "target checked against the wrong plan or indicator")
	}
	if err := CheckYear(t.Year); err != nil {
		return err
	}
	if t.Year < plan.StartYear || t.Year > plan.EndYear {
		return Errorf(ErrInvalid, "target year %d outside plan %s (%d–%d)", t.Year, plan.Code, plan.StartYear, plan.EndYear)
	}
	if math.IsNaN(t.Low) || math.IsNaN(t.High) || t.Low > t.High {
		return Errorf(ErrInvalid, "target range %g–%g is not low–high", t.Low, t.High)
	}
	if err := ind.CheckValue(t.Low); err != nil {
		return err
	}
	return ind.CheckValue(t.High)
}

// DefaultPlanStart and DefaultHorizon are the first and last years of the
// 2025–2029 RPJMN and RPJMD: charts and projections run to DefaultHorizon
// when no plan says otherwise.
const (
	DefaultPlanStart = 2025
	DefaultHorizon   = 2029
)

// Horizon is the year a series' charts and projections run to: the end
// of the plan shown (code), else the latest end of plans, else
// DefaultHorizon.
func Horizon(plans []Plan, code string) int {
	latest := 0
	for _, p := range plans {
		if code != "" && p.Code == code {
			return p.EndYear
		}
		latest = max(latest, p.EndYear)
	}
	if latest == 0 {
		return DefaultHorizon
	}
	return latest
}
