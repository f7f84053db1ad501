package progress

import (
	"math"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// AnticipatedResult is the verdict of ESCAP-style anticipated progress
// (ESCAP, Asia and the Pacific SDG Progress Report, methodology annex):
// where will the trend be in the target year, and how much of the required
// change does that cover?
//
//	ratio = (projected − base) / (target − base)
//
// ≥ 1 on track, between 0 and 1 accelerate, ≤ 0 reverse the trend. ESCAP
// projects with the observed growth rate; Pantau, as PRODUCT.md asks, uses
// a time-weighted linear trend (weights 1, 2, 3, … from the first year of
// the window), so that recent years weigh more.
type AnticipatedResult struct {
	Status Status `json:"status"`
	Label  Text   `json:"label"`
	// Projected is the trend's value in the target year (the observed value
	// when the target year is already observed).
	Projected *float64 `json:"projected,omitempty"`
	// ProjectedLow/High are the approximate 95 % prediction interval.
	ProjectedLow   *float64    `json:"projected_low,omitempty"`
	ProjectedHigh  *float64    `json:"projected_high,omitempty"`
	Ratio          *float64    `json:"ratio,omitempty"`
	TargetAchieved bool        `json:"target_achieved"`
	Explanation    Explanation `json:"explanation"`
}

func (r AnticipatedResult) finish(st Status, sentence Text) AnticipatedResult {
	r.Status, r.Label = st, st.Label()
	r.Explanation.Sentence = sentence
	return r
}

// anticipate computes anticipated progress towards g from the window and
// its time-weighted trend tw (nil with fewer than two points).
func anticipate(ind domain.Indicator, win windowPoints, tw *Trend, g *goal, f valueFormatter) AnticipatedResult {
	r := AnticipatedResult{Explanation: Explanation{
		Method:     MethodAnticipated,
		Formula:    "ratio = (projected − base) / (target − base); projected from the time-weighted linear trend, weights w_i = 1 + (t_i − t_first)",
		YearsUsed:  win.Years,
		YearsWhy:   win.Why,
		Thresholds: append([]Threshold(nil), anticipatedThresholds...),
	}}
	if ind.Polarity == domain.Neutral || g == nil || !ind.ProgressSettings().Assess {
		return r.finish(NotApplicable, say("progress.anticipated.na"))
	}
	r.Explanation.Target, r.Explanation.TargetYear = ptr(g.value), ptr(g.ref.Year)
	r.Explanation.Direction = int(g.dir)
	ws := win.points
	if len(ws) > 0 {
		base, latest := ws[0], ws[len(ws)-1]
		r.Explanation.BaseYear, r.Explanation.BaseValue = ptr(base.Year), ptr(base.Value)
		r.Explanation.LatestYear, r.Explanation.LatestValue = ptr(latest.Year), ptr(latest.Value)
		r.TargetAchieved = g.meets(latest.Value)
	}
	if len(ws) < 2 || tw == nil {
		return r.finish(InsufficientData, insufficientSentence(win, nil))
	}
	base, latest := ws[0], ws[len(ws)-1]
	lo, hi := ind.Bounds()
	var proj float64
	observed := false
	if g.ref.Year <= latest.Year {
		for _, p := range ws {
			if p.Year == g.ref.Year {
				proj, observed = p.Value, true
			}
		}
	}
	if !observed {
		proj = clamp(tw.At(g.ref.Year), lo, hi)
		if h := tw.predictionHalfWidth(g.ref.Year); !math.IsNaN(h) {
			r.ProjectedLow = finite(clamp(tw.At(g.ref.Year)-h, lo, hi))
			r.ProjectedHigh = finite(clamp(tw.At(g.ref.Year)+h, lo, hi))
		}
	}
	r.Projected = ptr(proj)
	// With the base already meeting the target the ratio's sign convention
	// breaks down (the "required change" points backwards): no ratio then.
	denom := g.value - base.Value
	if denom != 0 && !g.meets(base.Value) {
		r.Ratio = finite((proj - base.Value) / denom)
	}
	r.Explanation.Ratio = r.Ratio
	var st Status
	switch {
	case g.meets(proj):
		// Covers a target met already at the base, and a target reached
		// exactly (ratio 1).
		st = OnTrack
	case g.meets(base.Value):
		// The base met the target and the trend leaves it.
		st = ReverseTrend
	case r.Ratio == nil:
		// denom is not zero here, so the ratio overflowed.
		return r.finish(NotComputable, overflowSentence)
	case *r.Ratio <= 0:
		st = ReverseTrend
	case *r.Ratio >= 1:
		st = OnTrack
	default:
		st = Accelerate
	}
	overshoot := st == OnTrack && !g.meets(proj)
	return r.finish(st, both(func(l locale.Lang) string {
		s := anticipatedSentence(l, st, base, g, f, proj, observed, r.Ratio, tw)
		if overshoot && !math.IsInf(g.lo, 0) && !math.IsInf(g.hi, 0) {
			// A band can be overshot: the trend crosses it and leaves on the
			// other side.
			s += " " + l.Get("progress.anticipated.overshoot")
		}
		return s
	}))
}

func anticipatedSentence(l locale.Lang, st Status, base Point, g *goal, f valueFormatter, proj float64, observed bool, ratio *float64, tw *Trend) string {
	t := f.target(l, g.ref.Low, g.ref.High)
	first := itoa(tw.Years[0])
	share := l.Get("progress.anticipated.target", t)
	if ratio != nil {
		share = l.Get("progress.anticipated.share", f.value(l, base.Value), base.Year, FormatNumberTrim(l, *ratio*100, 0), t)
	}
	label := capitalize(st.Label().In(l))
	if observed {
		return l.Get("progress.anticipated.observed", label, g.ref.Year, f.value(l, proj), share)
	}
	return l.Get("progress.anticipated.projected", label, first, f.value(l, proj), g.ref.Year, share)
}
