package progress

import (
	"math"

	"pantau/internal/domain"
)

// Capaian is achievement against a target in a year with both an
// observation and a target, as Indonesian performance reporting computes it
// (Permendagri 86/2017 practice, PRODUCT.md "Capaian"):
//
//	higher is better: realisasi / target × 100
//	lower is better:  (2 × target − realisasi) / target × 100
//
// At a zero target both are undefined; Percent is nil and Gap (realisasi −
// target) says how far off the value is. For a band the question is only
// whether the value is inside, and how far outside it is.
type Capaian struct {
	Plan      string  `json:"plan"`
	Year      int     `json:"year"`
	Realisasi float64 `json:"realisasi"`
	Target    float64 `json:"target"`
	TargetLow float64 `json:"target_low"`
	TargetHi  float64 `json:"target_high"`
	// Percent is the capaian in percent (100 = exactly on target).
	Percent *float64 `json:"percent,omitempty"`
	// Gap is realisasi − target, in the indicator's unit.
	Gap float64 `json:"gap"`
	// Met reports whether the value meets the target (polarity-aware).
	Met bool `json:"met"`
	// WithinBand and DistanceOutside are set for band indicators.
	WithinBand      *bool    `json:"within_band,omitempty"`
	DistanceOutside *float64 `json:"distance_outside,omitempty"`
	Note            *Text    `json:"note,omitempty"`
}

// CapaianOf computes the capaian of one observed value against one target.
// It returns false for a neutral indicator, which has no target to achieve.
func CapaianOf(ind domain.Indicator, t domain.Target, realisasi float64) (Capaian, bool) {
	tv := t.Value(ind.Polarity)
	c := Capaian{Plan: t.PlanCode, Year: t.Year, Realisasi: realisasi, Target: tv, TargetLow: t.Low, TargetHi: t.High, Gap: realisasi - tv}
	switch ind.Polarity {
	case domain.HigherIsBetter:
		c.Met = realisasi >= tv
		if tv != 0 {
			c.Percent = finite(realisasi / tv * 100)
		}
	case domain.LowerIsBetter:
		c.Met = realisasi <= tv
		if tv != 0 {
			c.Percent = finite((2*tv - realisasi) / tv * 100)
		}
	case domain.Band:
		g, _ := newGoal(ind, TargetRef{Low: t.Low, High: t.High, Value: tv}, realisasi, realisasi)
		in := g.meets(realisasi)
		d := math.Max(g.lo-realisasi, realisasi-g.hi)
		c.Met, c.WithinBand, c.DistanceOutside = in, &in, ptr(math.Max(d, 0))
		c.Gap = 0
		if !in {
			c.Gap = realisasi - g.value
		}
		return c, true
	default:
		return c, false
	}
	if tv == 0 {
		c.Note = ptr(say("progress.capaian.zero_target"))
	}
	return c, true
}

// capaianAll lists the capaian of every target whose year is observed.
func capaianAll(ind domain.Indicator, pts []Point, targets []domain.Target) []Capaian {
	out := []Capaian{}
	for _, t := range targets {
		for _, p := range pts {
			if p.Year == t.Year {
				if c, ok := CapaianOf(ind, t, p.Value); ok {
					out = append(out, c)
				}
			}
		}
	}
	return out
}
