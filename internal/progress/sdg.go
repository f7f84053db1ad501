package progress

import (
	"math"
	"strconv"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Method names, as they appear in Explanation.Method.
const (
	// MethodSDGGrowth is sdg-build's methodology 2: observed against
	// required compound growth.
	MethodSDGGrowth = "sdg_build_growth"
	// MethodSDGNoTarget is sdg-build's methodology 1: observed compound
	// growth alone, for a series without a target.
	MethodSDGNoTarget = "sdg_build_no_target"
	// MethodLinearFallback is Pantau's replacement for methodology 2 when the
	// required growth rate is undefined (a zero target): observed against
	// required linear change per year.
	MethodLinearFallback = "pantau_linear_fallback"
	// MethodAnticipated is ESCAP-style anticipated progress.
	MethodAnticipated = "anticipated_progress"
)

// sdgZeroSubstitute is what sdg-build puts in place of a zero target or a
// zero base value (SeriesProgress.__init__ and calculate_progress_value:
// "Calculating progress with target = 0.001 instead").
const sdgZeroSubstitute = 0.001

// Explanation lists the inputs of a progress verdict, so that a planner can
// redo it by hand, and says it in one sentence per language.
type Explanation struct {
	Method      string   `json:"method"`
	Formula     string   `json:"formula"`
	BaseYear    *int     `json:"base_year,omitempty"`
	BaseValue   *float64 `json:"base_value,omitempty"`
	LatestYear  *int     `json:"latest_year,omitempty"`
	LatestValue *float64 `json:"latest_value,omitempty"`
	Target      *float64 `json:"target,omitempty"`
	TargetYear  *int     `json:"target_year,omitempty"`
	// Direction is +1 when a rise is good and −1 when a fall is good (for a
	// band: towards the band); 0 when there is no good direction.
	Direction  int         `json:"direction"`
	Ratio      *float64    `json:"ratio,omitempty"`
	Thresholds []Threshold `json:"thresholds,omitempty"`
	YearsUsed  []int       `json:"years_used"`
	YearsWhy   Text        `json:"years_why"`
	// Fallback is set when Pantau departs from the published method, with
	// the reason in FallbackWhy.
	Fallback    bool  `json:"fallback"`
	FallbackWhy *Text `json:"fallback_why,omitempty"`
	Sentence    Text  `json:"sentence"`
}

// SDGResult is the verdict of the Open SDG / Statistics Canada method.
type SDGResult struct {
	Status Status `json:"status"`
	Label  Text   `json:"label"`
	// Ratio is what the thresholds judge: sign·CAGR_obs/|CAGR_req| with a
	// target, sign·CAGR_obs without, or the linear ratio in the fallback.
	Ratio          *float64 `json:"ratio,omitempty"`
	ObservedGrowth *float64 `json:"observed_growth,omitempty"`
	RequiredGrowth *float64 `json:"required_growth,omitempty"`
	// ObservedAnnualChange and RequiredAnnualChange are the linear changes
	// per year from the base, used by the fallback and shown beside it.
	ObservedAnnualChange *float64 `json:"observed_annual_change,omitempty"`
	RequiredAnnualChange *float64 `json:"required_annual_change,omitempty"`
	TargetAchieved       bool     `json:"target_achieved"`
	// SDGBuild is what sdg-build itself would report for the same inputs,
	// zero substitutions included.
	SDGBuild    SDGBuild    `json:"sdg_build"`
	Explanation Explanation `json:"explanation"`
}

// SDGBuild reproduces sdg-build's numbers for the same window and target:
// a zero target or base value becomes 0.001, values of opposite sign give no
// value ("not_available").
type SDGBuild struct {
	Status Status   `json:"status"`
	Ratio  *float64 `json:"ratio,omitempty"`
	// Score is sdg-build's −5…5 score (SeriesProgress.get_score).
	Score     *float64 `json:"score,omitempty"`
	Target    *float64 `json:"target,omitempty"`
	BaseValue *float64 `json:"base_value,omitempty"`
	Note      *Text    `json:"note,omitempty"`
}

// bandPlan is the plan code of a band indicator's standing target, its band.
const bandPlan = "band"

// goal is what progress is measured against: the point aimed at, the range
// of values that meet it, and the good direction from the base.
type goal struct {
	ref    TargetRef
	value  float64
	lo, hi float64
	dir    float64
}

func (g goal) meets(v float64) bool { return v >= g.lo && v <= g.hi }

// newGoal derives the goal of a target for the indicator's polarity. A band
// indicator is good inside the target's range (or, for a single value inside
// the indicator's band, the band); the good direction is towards the band
// from the base value, or from the latest value when the base was inside.
func newGoal(ind domain.Indicator, ref TargetRef, base, latest float64) (goal, bool) {
	g := goal{ref: ref, value: ref.Value, lo: math.Inf(-1), hi: math.Inf(1)}
	switch ind.Polarity {
	case domain.HigherIsBetter:
		g.dir, g.lo = 1, ref.Value
	case domain.LowerIsBetter:
		g.dir, g.hi = -1, ref.Value
	case domain.Band:
		g.lo, g.hi = ref.Low, ref.High
		if ref.Low == ref.High && ind.BandLow != nil && ind.BandHigh != nil && *ind.BandLow <= ref.Low && ref.Low <= *ind.BandHigh {
			g.lo, g.hi = *ind.BandLow, *ind.BandHigh
		}
		from := base
		if g.meets(base) {
			from = latest
		}
		if from < g.lo {
			g.dir, g.value = 1, g.lo
		} else {
			g.dir, g.value = -1, g.hi
		}
	default:
		return g, false
	}
	return g, true
}

// sdgAssess applies sdg-build's ProgressMeasure to the window, against g
// (nil: methodology 1, no target), and Pantau's rules where it breaks down.
func sdgAssess(ind domain.Indicator, win windowPoints, g *goal, f valueFormatter) SDGResult {
	r := SDGResult{Explanation: sdgExplanation(ind, win, g)}
	if ind.Polarity == domain.Neutral || r.Explanation.Direction == 0 {
		r.SDGBuild.Status = NotAvailable
		return r.finish(NotApplicable, say("progress.sdg.neutral"))
	}
	if !ind.ProgressSettings().Assess {
		r.SDGBuild.Status = NotAvailable
		return r.finish(NotApplicable, say("progress.sdg.not_assessed"))
	}
	if len(win.points) == 0 {
		r.SDGBuild.Status = NotAvailable
		return r.finish(InsufficientData, insufficientSentence(win, nil))
	}
	s := spanOf(win.points, float64(r.Explanation.Direction))
	r.Explanation.BaseYear, r.Explanation.BaseValue = ptr(s.base.Year), ptr(s.base.Value)
	r.Explanation.LatestYear, r.Explanation.LatestValue = ptr(s.latest.Year), ptr(s.latest.Value)
	r.SDGBuild = sdgBuild(s.base, s.latest, g, s.dir)
	if s.years > 0 {
		r.ObservedAnnualChange = finite((s.latest.Value - s.base.Value) / float64(s.years))
	}
	r.ObservedGrowth = finite(s.cagr)
	switch {
	case g != nil && g.meets(s.latest.Value):
		return r.targetMet(s, g, f)
	case s.years < 1:
		return r.finish(InsufficientData, insufficientSentence(win, nil))
	case g == nil:
		return r.withoutTarget(s, f)
	}
	return r.againstTarget(s, g, f)
}

// sdgExplanation is what an assessment against g (nil: no target) says of
// its method before it looks at a value: the method, formula, thresholds
// and good direction.
func sdgExplanation(ind domain.Indicator, win windowPoints, g *goal) Explanation {
	ex := Explanation{Method: MethodSDGNoTarget, YearsUsed: win.Years, YearsWhy: win.Why,
		Formula: "R = sign · CAGR_obs; CAGR = (v1/v0)^(1/(t1−t0)) − 1"}
	th := sdgThresholdsNoTarget
	if g != nil {
		ex.Method = MethodSDGGrowth
		ex.Formula = "R = sign · CAGR_obs / |CAGR_req|; CAGR_req = (target/base)^(1/(target_year−base_year)) − 1"
		th = targetThresholds(ind)
		ex.Target, ex.TargetYear = ptr(g.value), ptr(g.ref.Year)
		ex.Direction = int(g.dir)
	} else {
		ex.Direction = int(ind.Polarity.Sign())
	}
	ex.Thresholds = append([]Threshold(nil), th...)
	return ex
}

// sdgSpan is the window's change from its first point to its last, as
// sdg-build measures it.
type sdgSpan struct {
	base, latest Point
	years        int
	cagr         float64 // observed compound annual growth, NaN where undefined
	dir          float64 // the good direction: +1 a rise, −1 a fall
	// sign is sdg-build's correction for negative values, where a ratio
	// above 1 means a fall (SeriesProgress: sign = -1 if base_value < 0 else 1).
	sign float64
}

func spanOf(points []Point, dir float64) sdgSpan {
	s := sdgSpan{base: points[0], latest: points[len(points)-1], dir: dir, sign: 1}
	if s.base.Value < 0 {
		s.sign = -1
	}
	s.years = s.latest.Year - s.base.Year
	s.cagr = growth(s.latest.Value, s.base.Value, s.latest.Year, s.base.Year)
	return s
}

// targetMet is the verdict when the latest value meets g, with the ratio
// beside it where the required growth is defined. A band met at both ends
// has no direction to measure progress in: no ratio, and sdg-build's
// full score.
func (r SDGResult) targetMet(s sdgSpan, g *goal, f valueFormatter) SDGResult {
	r.TargetAchieved = true
	bandInside := !math.IsInf(g.lo, 0) && !math.IsInf(g.hi, 0) && g.meets(s.base.Value)
	if bandInside {
		r.SDGBuild.Ratio, r.SDGBuild.Score = nil, ptr(5.0)
	} else if g.ref.Year > s.base.Year {
		r.RequiredGrowth = finite(growth(g.value, s.base.Value, g.ref.Year, s.base.Year))
		if s.years > 0 && !math.IsNaN(s.cagr) && r.RequiredGrowth != nil && *r.RequiredGrowth != 0 {
			r.Ratio = finite(s.sign * s.dir * s.cagr / math.Abs(*r.RequiredGrowth))
		}
	}
	r.Explanation.Ratio = r.Ratio
	return r.finish(TargetAchieved, both(func(l locale.Lang) string {
		if g.ref.Plan == bandPlan {
			return l.Get("progress.sdg.achieved_band", f.value(l, s.latest.Value), s.latest.Year, f.target(l, g.lo, g.hi))
		}
		return l.Get("progress.sdg.achieved", f.value(l, s.latest.Value), s.latest.Year, f.target(l, g.ref.Low, g.ref.High), g.ref.Year)
	}))
}

// withoutTarget is methodology 1: the observed growth alone, judged in the
// good direction.
func (r SDGResult) withoutTarget(s sdgSpan, f valueFormatter) SDGResult {
	if math.IsNaN(s.cagr) {
		return r.finish(NotComputable, undefinedGrowthSentence(s.base, s.latest, f))
	}
	R := s.sign * s.dir * s.cagr
	r.Ratio = &R
	r.Explanation.Ratio = r.Ratio
	st := classify(R, sdgThresholdsNoTarget, Deterioration)
	return r.finish(st, both(func(l locale.Lang) string {
		label := capitalize(st.Label().In(l))
		if s.cagr == 0 {
			return l.Get("progress.sdg.no_target_flat", label, s.base.Year)
		}
		dirWord := l.Get("progress.sdg.right_direction")
		if s.cagr*s.dir*s.sign <= 0 {
			dirWord = l.Get("progress.sdg.wrong_direction")
		}
		return l.Get("progress.sdg.no_target", label, moved(l, s.cagr*s.sign), formatRate(l, math.Abs(s.cagr)), s.base.Year, dirWord)
	}))
}

// againstTarget is methodology 2, for a target not yet met: the observed
// growth against the growth required to reach the target by its year, or
// Pantau's linear fallback when the target is zero.
func (r SDGResult) againstTarget(s sdgSpan, g *goal, f valueFormatter) SDGResult {
	base, latest := s.base, s.latest
	if g.ref.Year <= base.Year {
		return r.finish(NotComputable, say("progress.sdg.target_year", g.ref.Year, base.Year))
	}
	tYears := float64(g.ref.Year - base.Year)
	r.RequiredAnnualChange = finite((g.value - base.Value) / tYears)
	if g.value == 0 {
		return r.linearFallback(base, latest, g, s.dir, f)
	}
	if math.IsNaN(s.cagr) {
		return r.finish(NotComputable, undefinedGrowthSentence(base, latest, f))
	}
	reqG := growth(g.value, base.Value, g.ref.Year, base.Year)
	if math.IsNaN(reqG) {
		return r.finish(NotComputable, both(func(l locale.Lang) string {
			return l.Get("progress.sdg.opposite_sign", f.target(l, g.ref.Low, g.ref.High), f.value(l, base.Value))
		}))
	}
	r.RequiredGrowth = finite(reqG)
	if reqG == 0 {
		// The base already sat on the target and the latest value has left
		// it: sdg-build divides by zero here.
		return r.finish(Deterioration, leftTargetSentence(base, latest, g, f))
	}
	R := s.sign * s.dir * s.cagr / math.Abs(reqG)
	if math.IsNaN(R) || math.IsInf(R, 0) {
		return r.finish(NotComputable, overflowSentence)
	}
	r.Ratio = &R
	r.Explanation.Ratio = r.Ratio
	st := classify(R, r.Explanation.Thresholds, Deterioration)
	return r.finish(st, both(func(l locale.Lang) string {
		return growthSentence(l, st, base, g, f, s.cagr*s.sign, reqG*s.sign)
	}))
}

// targetThresholds are methodology 2's thresholds for ind: those of its
// catalogue entry (progress.thresholds), sdg-build's by default. sdgBuild
// keeps sdg-build's own, since it reports what sdg-build would say.
func targetThresholds(ind domain.Indicator) []Threshold {
	if ind.Progress == nil {
		return sdgThresholdsTarget
	}
	t := ind.Progress.Thresholds
	return []Threshold{{SubstantialProgress, t.Substantial}, {ModerateProgress, t.Moderate}, {LimitedProgress, t.Limited}}
}

// linearFallback is Pantau's answer to a zero target: the compound growth needed to reach 0 is −100 % in
// any span, and sdg-build's substitute 0.001 makes the required rate depend
// on an arbitrary constant (0.56 → 0.49 towards 0 by 2029 comes out
// "limited"). A straight path from base to target is well defined:
//
//	R = direction · ((latest − base)/(latest_year − base_year)) / |(target − base)/(target_year − base_year)|
//
// and is judged with the same thresholds.
func (r SDGResult) linearFallback(base, latest Point, g *goal, dir float64, f valueFormatter) SDGResult {
	r.Explanation.Method = MethodLinearFallback
	r.Explanation.Formula = "R = direction · Δobs_per_year / |Δreq_per_year|; Δreq_per_year = (target − base)/(target_year − base_year)"
	r.Explanation.Fallback = true
	obs, req := *r.ObservedAnnualChange, (g.value-base.Value)/float64(g.ref.Year-base.Year)
	if req == 0 {
		return r.finish(Deterioration, leftTargetSentence(base, latest, g, f))
	}
	R := dir * obs / math.Abs(req)
	if math.IsNaN(R) || math.IsInf(R, 0) {
		return r.finish(NotComputable, overflowSentence)
	}
	r.Ratio = &R
	r.Explanation.Ratio = r.Ratio
	st := classify(R, r.Explanation.Thresholds, Deterioration)
	// What sdg-build would have said belongs with the reason for the
	// departure, among the inputs, not in the reader's sentence.
	sb := r.SDGBuild
	r.Explanation.FallbackWhy = ptr(both(func(l locale.Lang) string {
		why := l.Get("progress.sdg.fallback_why")
		if sb.Ratio != nil {
			why += l.Get("progress.sdg.linear_sdgbuild", formatRatio(l, *sb.Ratio), sb.Status.Label().In(l))
		}
		return why
	}))
	return r.finish(st, both(func(l locale.Lang) string {
		t := f.target(l, g.ref.Low, g.ref.High)
		return l.Get("progress.sdg.linear", capitalize(st.Label().In(l)), base.Year, moved(l, obs), f.change(l, math.Abs(obs)),
			t, g.ref.Year, noun(l, req), f.change(l, math.Abs(req)), t)
	}))
}

// sdgBuild reproduces SeriesProgress for the window: the same substitutions
// (zero target or base → 0.001), the same refusals (values of opposite
// sign, fewer than two years), methodology 1 or 2 and the score.
func sdgBuild(base, latest Point, g *goal, dir float64) SDGBuild {
	var sb SDGBuild
	bv := base.Value
	if bv == 0 {
		bv = sdgZeroSubstitute
		sb.Note = ptr(say("progress.sdgbuild.zero_base"))
	}
	sb.BaseValue = ptr(bv)
	sign := 1.0
	if base.Value < 0 {
		sign = -1
	}
	achieved := false
	var target float64
	if g != nil {
		target = g.value
		if target == 0 {
			target = sdgZeroSubstitute
			sb.Note = ptr(say("progress.sdgbuild.zero_target"))
		}
		sb.Target = ptr(target)
		// is_target_achieved compares with the substituted target; Pantau's
		// band goals count as achieved inside the band.
		if g.lo == g.hi || math.IsInf(g.lo, 0) || math.IsInf(g.hi, 0) {
			achieved = (dir < 0 && latest.Value <= target) || (dir > 0 && latest.Value >= target)
		} else {
			achieved = g.meets(latest.Value)
		}
	}
	var pv float64
	ok := latest.Year > base.Year && !((bv > 0 && latest.Value < 0) || (bv < 0 && latest.Value > 0))
	if ok {
		obs := growth(latest.Value, bv, latest.Year, base.Year)
		if g == nil {
			pv = sign * dir * obs
		} else {
			req := growth(target, bv, g.ref.Year, base.Year)
			pv = sign * dir * obs / math.Abs(req)
		}
		ok = !math.IsNaN(pv) && !math.IsInf(pv, 0)
		if !ok {
			sb.Note = ptr(say("progress.sdgbuild.fails"))
		}
	}
	th := sdgThresholdsNoTarget
	if g != nil {
		th = sdgThresholdsTarget
	}
	switch {
	case achieved:
		sb.Status = TargetAchieved
		sb.Score = ptr(5.0)
	case !ok:
		sb.Status = NotAvailable
	default:
		sb.Status = classify(pv, th, Deterioration)
	}
	if ok {
		sb.Ratio = ptr(pv)
		if !achieved {
			sb.Score = ptr(sdgScore(pv, g != nil))
		}
	}
	return sb
}

// sdgScore is SeriesProgress.get_score for the default thresholds and no
// limit (coefficient 1).
func sdgScore(pv float64, withTarget bool) float64 {
	if withTarget {
		if pv >= 0.6 {
			return math.Min(7.1429*pv-4.2857, 5)
		}
		return math.Max(4.1667*pv-2.5, -5)
	}
	switch {
	case pv < 0:
		return math.Max(125*pv-2.5, -5)
	case pv >= 0.015:
		return math.Min(500*pv-5, 5)
	case pv >= 0.005:
		return 250*pv - 1.25
	}
	return 500*pv - 2.5
}

func (r SDGResult) finish(st Status, sentence Text) SDGResult {
	r.Status, r.Label = st, st.Label()
	r.Explanation.Sentence = sentence
	return r
}

func growthSentence(l locale.Lang, st Status, base Point, g *goal, f valueFormatter, obs, req float64) string {
	change := l.Get("progress.sdg.unchanged")
	if obs != 0 {
		change = l.Get("progress.sdg.moved_rate", moved(l, obs), formatRate(l, math.Abs(obs)))
	}
	return l.Get("progress.sdg.growth", capitalize(st.Label().In(l)), base.Year, change,
		f.target(l, g.ref.Low, g.ref.High), g.ref.Year, noun(l, req), formatRate(l, math.Abs(req)))
}

var overflowSentence = say("progress.sdg.overflow")

func leftTargetSentence(base, latest Point, g *goal, f valueFormatter) Text {
	return both(func(l locale.Lang) string {
		return l.Get("progress.sdg.left_target", f.value(l, base.Value), base.Year, f.value(l, latest.Value), latest.Year)
	})
}

func undefinedGrowthSentence(base, latest Point, f valueFormatter) Text {
	return both(func(l locale.Lang) string {
		return l.Get("progress.sdg.undefined_growth", f.value(l, base.Value), base.Year, f.value(l, latest.Value), latest.Year)
	})
}

// insufficientSentence says why there is too little data; why (optional)
// adds a cause.
func insufficientSentence(win windowPoints, why *Text) Text {
	return both(func(l locale.Lang) string {
		s := l.Get("progress.sdg.insufficient", win.Why.In(l))
		if why != nil {
			s += " (" + why.In(l) + ")"
		}
		return s
	})
}

func sdgInsufficient(w Window, why Text) SDGResult {
	r := SDGResult{Explanation: Explanation{Method: MethodSDGNoTarget, YearsUsed: w.Years, YearsWhy: w.Why}}
	r.SDGBuild.Status = NotAvailable
	return r.finish(InsufficientData, insufficientSentence(windowPoints{Window: w}, &why))
}

// moved is the verb for a change of sign d: "naik"/"turun", "risen"/"fallen".
func moved(l locale.Lang, d float64) string {
	switch {
	case d > 0:
		return l.Get("progress.moved.up")
	case d < 0:
		return l.Get("progress.moved.down")
	}
	return l.Get("progress.moved.level")
}

// noun is the noun for a required change of sign d.
func noun(l locale.Lang, d float64) string {
	if d >= 0 {
		return l.Get("progress.noun.rise")
	}
	return l.Get("progress.noun.fall")
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func itoa(i int) string { return strconv.Itoa(i) }

func ptr[T any](v T) *T { return &v }
