package progress

import (
	"math"
	"strconv"

	"pantau/internal/domain"
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
	r := SDGResult{Explanation: ex}
	if ind.Polarity == domain.Neutral || ex.Direction == 0 {
		r.SDGBuild.Status = NotAvailable
		return r.finish(NotApplicable, Text{
			"Tidak berlaku: indikator ini tidak punya arah yang lebih baik.",
			"Not applicable: this indicator has no better direction.",
		})
	}
	if !ind.ProgressSettings().Assess {
		r.SDGBuild.Status = NotAvailable
		return r.finish(NotApplicable, Text{
			"Tidak berlaku: katalog menetapkan kemajuan indikator ini tidak dinilai.",
			"Not applicable: the catalogue says this indicator's progress is not assessed.",
		})
	}
	ws := win.points
	if len(ws) == 0 {
		r.SDGBuild.Status = NotAvailable
		return r.finish(InsufficientData, insufficientSentence(win, nil))
	}
	base, latest := ws[0], ws[len(ws)-1]
	r.Explanation.BaseYear, r.Explanation.BaseValue = ptr(base.Year), ptr(base.Value)
	r.Explanation.LatestYear, r.Explanation.LatestValue = ptr(latest.Year), ptr(latest.Value)
	dir := float64(ex.Direction)
	r.SDGBuild = sdgBuild(base, latest, g, dir)
	// sign: sdg-build's correction for negative values, where a ratio above
	// 1 means a fall (SeriesProgress: sign = -1 if base_value < 0 else 1).
	sign := 1.0
	if base.Value < 0 {
		sign = -1
	}
	years := latest.Year - base.Year
	if years > 0 {
		r.ObservedAnnualChange = finite((latest.Value - base.Value) / float64(years))
	}
	obsG := growth(latest.Value, base.Value, latest.Year, base.Year)
	r.ObservedGrowth = finite(obsG)
	// A band met at both ends has no direction to measure progress in.
	bandInside := g != nil && !math.IsInf(g.lo, 0) && !math.IsInf(g.hi, 0) && g.meets(base.Value) && g.meets(latest.Value)
	if bandInside {
		r.SDGBuild.Ratio, r.SDGBuild.Score = nil, ptr(5.0)
	}
	if g != nil && g.meets(latest.Value) {
		r.TargetAchieved = true
		if g.ref.Year > base.Year && !bandInside {
			r.RequiredGrowth = finite(growth(g.value, base.Value, g.ref.Year, base.Year))
			if years > 0 && !math.IsNaN(obsG) && r.RequiredGrowth != nil && *r.RequiredGrowth != 0 {
				r.Ratio = finite(sign * dir * obsG / math.Abs(*r.RequiredGrowth))
			}
		}
		r.Explanation.Ratio = r.Ratio
		return r.finish(TargetAchieved, both(func(l string) string {
			if g.ref.Plan == bandPlan {
				if l == LangEN {
					return "Target achieved: the latest value, " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + "), is within the band " + f.target(l, g.lo, g.hi) + "."
				}
				return "Target tercapai: nilai terakhir, " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + "), berada dalam rentang " + f.target(l, g.lo, g.hi) + "."
			}
			if l == LangEN {
				return "Target achieved: the latest value, " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + "), already meets the target of " + f.target(l, g.ref.Low, g.ref.High) + " for " + itoa(g.ref.Year) + "."
			}
			return "Target tercapai: nilai terakhir, " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + "), sudah memenuhi target " + f.target(l, g.ref.Low, g.ref.High) + " untuk " + itoa(g.ref.Year) + "."
		}))
	}
	if years < 1 {
		return r.finish(InsufficientData, insufficientSentence(win, nil))
	}
	if g == nil {
		if math.IsNaN(obsG) {
			return r.finish(NotComputable, undefinedGrowthSentence(base, latest, f))
		}
		R := sign * dir * obsG
		r.Ratio = &R
		r.Explanation.Ratio = r.Ratio
		st := classify(R, sdgThresholdsNoTarget, Deterioration)
		return r.finish(st, both(func(l string) string {
			good := obsG*dir*sign > 0
			if l == LangEN {
				dirWord := "the right direction"
				if !good {
					dirWord = "the wrong direction"
				}
				if obsG == 0 {
					return capitalize(st.Label().EN) + ": with no target to compare, the value has not changed since " + itoa(base.Year) + "."
				}
				return capitalize(st.Label().EN) + ": with no target to compare, the value has " + moved(l, obsG*sign) + " by " + formatRate(l, math.Abs(obsG)) + " a year since " + itoa(base.Year) + ", " + dirWord + "."
			}
			dirWord := "arah yang baik"
			if !good {
				dirWord = "arah yang buruk"
			}
			if obsG == 0 {
				return capitalize(st.Label().ID) + ": tanpa target pembanding, nilainya tidak berubah sejak " + itoa(base.Year) + "."
			}
			return capitalize(st.Label().ID) + ": tanpa target pembanding, sejak " + itoa(base.Year) + " nilainya " + moved(l, obsG*sign) + " rata-rata " + formatRate(l, math.Abs(obsG)) + " per tahun, " + dirWord + "."
		}))
	}
	if g.ref.Year <= base.Year {
		return r.finish(NotComputable, Text{
			"Tidak dapat dihitung: tahun target " + itoa(g.ref.Year) + " tidak sesudah tahun dasar " + itoa(base.Year) + ".",
			"Not computable: the target year " + itoa(g.ref.Year) + " is not after the base year " + itoa(base.Year) + ".",
		})
	}
	tYears := float64(g.ref.Year - base.Year)
	r.RequiredAnnualChange = finite((g.value - base.Value) / tYears)
	if g.value == 0 {
		return r.linearFallback(base, latest, g, dir, f)
	}
	if math.IsNaN(obsG) {
		return r.finish(NotComputable, undefinedGrowthSentence(base, latest, f))
	}
	reqG := growth(g.value, base.Value, g.ref.Year, base.Year)
	if math.IsNaN(reqG) {
		return r.finish(NotComputable, both(func(l string) string {
			if l == LangEN {
				return "Not computable: the target " + f.target(l, g.ref.Low, g.ref.High) + " has the opposite sign to the base value " + f.value(l, base.Value) + ", so no growth rate leads from one to the other."
			}
			return "Tidak dapat dihitung: target " + f.target(l, g.ref.Low, g.ref.High) + " berlawanan tanda dengan nilai awal " + f.value(l, base.Value) + ", sehingga tidak ada laju pertumbuhan yang menghubungkan keduanya."
		}))
	}
	r.RequiredGrowth = finite(reqG)
	if reqG == 0 {
		// The base already sat on the target and the latest value has left
		// it: sdg-build divides by zero here.
		return r.finish(Deterioration, leftTargetSentence(base, latest, g, f))
	}
	R := sign * dir * obsG / math.Abs(reqG)
	if math.IsNaN(R) || math.IsInf(R, 0) {
		return r.finish(NotComputable, overflowSentence)
	}
	r.Ratio = &R
	r.Explanation.Ratio = r.Ratio
	st := classify(R, r.Explanation.Thresholds, Deterioration)
	return r.finish(st, both(func(l string) string {
		return growthSentence(l, st, base, g, f, obsG*sign, reqG*sign, R)
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
	r.Explanation.FallbackWhy = &Text{
		"Target bernilai nol: laju pertumbuhan majemuk menuju nol tidak terdefinisi, dan sdg-build menggantinya dengan 0,001 sehingga hasilnya bergantung pada angka itu. Pantau membandingkan perubahan linear per tahun.",
		"The target is zero: compound growth towards zero is undefined, and sdg-build replaces it with 0.001, which makes the result depend on that constant. Pantau compares linear change per year instead.",
	}
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
	sb := r.SDGBuild
	return r.finish(st, both(func(l string) string {
		sbText := ""
		if sb.Ratio != nil {
			if l == LangEN {
				sbText = " sdg-build, which replaces the target with 0.001, gives a ratio of " + formatRatio(l, *sb.Ratio) + ": " + sb.Status.Label().EN + "."
			} else {
				sbText = " sdg-build, yang mengganti target dengan 0,001, memberi rasio " + formatRatio(l, *sb.Ratio) + ": " + sb.Status.Label().ID + "."
			}
		}
		if l == LangEN {
			return capitalize(st.Label().EN) + " (linear path, as the target is " + f.target(l, g.ref.Low, g.ref.High) + "): since " + itoa(base.Year) + " the value has " + moved(l, obs) + " by " + f.change(l, math.Abs(obs)) + " a year; reaching " + f.target(l, g.ref.Low, g.ref.High) + " by " + itoa(g.ref.Year) + " needs a " + noun(l, req) + " of " + f.change(l, math.Abs(req)) + " a year (ratio " + formatRatio(l, R) + ")." + sbText
		}
		return capitalize(st.Label().ID) + " (jalur linear, karena target " + f.target(l, g.ref.Low, g.ref.High) + "): sejak " + itoa(base.Year) + " nilainya " + moved(l, obs) + " " + f.change(l, math.Abs(obs)) + " per tahun; untuk mencapai " + f.target(l, g.ref.Low, g.ref.High) + " pada " + itoa(g.ref.Year) + " dibutuhkan " + noun(l, req) + " " + f.change(l, math.Abs(req)) + " per tahun (rasio " + formatRatio(l, R) + ")." + sbText
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
		sb.Note = &Text{"sdg-build mengganti nilai awal nol dengan 0,001.", "sdg-build replaces a zero base value with 0.001."}
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
			sb.Note = &Text{"sdg-build mengganti target nol dengan 0,001.", "sdg-build replaces a zero target with 0.001."}
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
			sb.Note = &Text{"sdg-build gagal di sini (pembagian dengan nol atau pangkat tak terdefinisi).", "sdg-build fails here (division by zero or an undefined power)."}
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

func growthSentence(l string, st Status, base Point, g *goal, f valueFormatter, obs, req, R float64) string {
	t := f.target(l, g.ref.Low, g.ref.High)
	if l == LangEN {
		s := capitalize(st.Label().EN) + ": since " + itoa(base.Year) + " the value has "
		if obs == 0 {
			s += "not changed"
		} else {
			s += moved(l, obs) + " by " + formatRate(l, math.Abs(obs)) + " a year on average"
		}
		return s + "; reaching the target of " + t + " by " + itoa(g.ref.Year) + " needs a " + noun(l, req) + " of " + formatRate(l, math.Abs(req)) + " a year (ratio " + formatRatio(l, R) + ")."
	}
	s := capitalize(st.Label().ID) + ": sejak " + itoa(base.Year) + " nilainya "
	if obs == 0 {
		s += "tidak berubah"
	} else {
		s += moved(l, obs) + " rata-rata " + formatRate(l, math.Abs(obs)) + " per tahun"
	}
	return s + "; untuk mencapai target " + t + " pada " + itoa(g.ref.Year) + " dibutuhkan " + noun(l, req) + " " + formatRate(l, math.Abs(req)) + " per tahun (rasio " + formatRatio(l, R) + ")."
}

var overflowSentence = Text{
	"Tidak dapat dihitung: rasio tidak terhingga (target hampir sama dengan nilai awal).",
	"Not computable: the ratio is infinite (the target is all but equal to the base value).",
}

func leftTargetSentence(base, latest Point, g *goal, f valueFormatter) Text {
	return both(func(l string) string {
		if l == LangEN {
			return "Deterioration: the base value " + f.value(l, base.Value) + " (" + itoa(base.Year) + ") was already at the target, and the latest value " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + ") has moved away from it."
		}
		return "Memburuk: nilai awal " + f.value(l, base.Value) + " (" + itoa(base.Year) + ") sudah sama dengan target, tetapi nilai terakhir " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + ") menjauh darinya."
	})
}

func undefinedGrowthSentence(base, latest Point, f valueFormatter) Text {
	return both(func(l string) string {
		if l == LangEN {
			return "Not computable: a growth rate from " + f.value(l, base.Value) + " (" + itoa(base.Year) + ") to " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + ") is undefined (a zero base value or a change of sign)."
		}
		return "Tidak dapat dihitung: laju pertumbuhan dari " + f.value(l, base.Value) + " (" + itoa(base.Year) + ") ke " + f.value(l, latest.Value) + " (" + itoa(latest.Year) + ") tidak terdefinisi (nilai awal nol atau tanda berubah)."
	})
}

// insufficientSentence says why there is too little data; why (optional)
// adds a cause.
func insufficientSentence(win windowPoints, why *Text) Text {
	t := Text{
		"Data belum cukup: dibutuhkan sedikitnya dua pengamatan. " + win.Why.ID,
		"Insufficient data: at least two observations are needed. " + win.Why.EN,
	}
	if why != nil {
		t.ID += " (" + why.ID + ")"
		t.EN += " (" + why.EN + ")"
	}
	return t
}

func sdgInsufficient(w Window, why Text) SDGResult {
	r := SDGResult{Explanation: Explanation{Method: MethodSDGNoTarget, YearsUsed: w.Years, YearsWhy: w.Why}}
	r.SDGBuild.Status = NotAvailable
	return r.finish(InsufficientData, insufficientSentence(windowPoints{Window: w}, &why))
}

// moved is the verb for a change of sign d: "naik"/"turun", "risen"/"fallen".
func moved(l string, d float64) string {
	switch {
	case l == LangEN && d > 0:
		return "risen"
	case l == LangEN && d < 0:
		return "fallen"
	case l == LangEN:
		return "stayed level"
	case d > 0:
		return "naik"
	case d < 0:
		return "turun"
	}
	return "tetap"
}

// noun is the noun for a required change of sign d.
func noun(l string, d float64) string {
	switch {
	case l == LangEN && d >= 0:
		return "rise"
	case l == LangEN:
		return "fall"
	case d >= 0:
		return "kenaikan"
	}
	return "penurunan"
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func itoa(i int) string { return strconv.Itoa(i) }

func ptr[T any](v T) *T { return &v }
