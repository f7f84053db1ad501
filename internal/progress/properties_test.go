package progress

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"pantau/internal/domain"
)

// randomSeries draws a series of 1–8 yearly positive values ending in
// 2019–2024, with a positive non-zero target in 2025–2030, for polarity p.
// The unit is an index, which has no bounds, so no projection is clamped.
func randomSeries(r *rand.Rand, p domain.Polarity) Series {
	in := ind("x", p, domain.UnitIndex, 2)
	n := 1 + r.IntN(8)
	last := 2019 + r.IntN(6)
	level := 1 + 99*r.Float64()
	var yv []float64
	for i := 0; i < n; i++ {
		level *= 0.8 + 0.4*r.Float64()
		yv = append(yv, float64(last-n+1+i), level)
	}
	tv := level * (0.5 + r.Float64())
	return Series{Indicator: in, Observations: obs("x", yv...),
		Targets: []domain.Target{target("rpjmn-2025-2029", "x", 2025+r.IntN(6), tv, tv)}, Plans: plans}
}

func headlineOf(t *testing.T, s Series) Assessment {
	t.Helper()
	a, err := Analyze(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Headline == nil {
		t.Fatal("no headline")
	}
	return *a.Headline
}

func sameRatio(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) <= 1e-9*math.Max(1, math.Abs(*a))
}

// Both methods compare ratios of growth rates or of changes, so multiplying
// every value and the target by k > 0 (percent → per mille, rupiah →
// thousand rupiah) changes nothing. (sdg-build's own number is exempt: its
// 0.001 substitute for a zero target is not scaled; the targets here are
// non-zero.)
func TestPropertyUnitScaling(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		p := []domain.Polarity{domain.HigherIsBetter, domain.LowerIsBetter}[i%2]
		s := randomSeries(r, p)
		k := []float64{0.001, 0.37, 10, 1e6}[i%4]
		scaled := s
		scaled.Observations = append([]domain.Observation(nil), s.Observations...)
		for j := range scaled.Observations {
			scaled.Observations[j].Value *= k
		}
		tg := s.Targets[0]
		tg.Low, tg.High = tg.Low*k, tg.High*k
		scaled.Targets = []domain.Target{tg}
		a, b := headlineOf(t, s), headlineOf(t, scaled)
		if a.SDG.Status != b.SDG.Status || !sameRatio(a.SDG.Ratio, b.SDG.Ratio) {
			t.Errorf("case %d ×%g: sdg %s %v → %s %v", i, k, a.SDG.Status, a.SDG.Ratio, b.SDG.Status, b.SDG.Ratio)
		}
		if a.Anticipated.Status != b.Anticipated.Status || !sameRatio(a.Anticipated.Ratio, b.Anticipated.Ratio) {
			t.Errorf("case %d ×%g: anticipated %s %v → %s %v", i, k, a.Anticipated.Status, a.Anticipated.Ratio, b.Anticipated.Status, b.Anticipated.Ratio)
		}
	}
}

// Reversing the polarity and mirroring the values and the target
// (v → C − v) turns every good change into an equally large good change in
// the mirrored series: anticipated progress, which is linear, gives the same
// status and ratio. sdg-build's growth ratio is multiplicative, so it is
// mirrored in the other sense: reversing the polarity of the same values
// negates the ratio exactly (R' = −R), turning substantial or moderate
// progress into deterioration.
func TestPropertyPolarityMirror(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	flip := map[domain.Polarity]domain.Polarity{domain.HigherIsBetter: domain.LowerIsBetter, domain.LowerIsBetter: domain.HigherIsBetter}
	for i := 0; i < 500; i++ {
		p := []domain.Polarity{domain.HigherIsBetter, domain.LowerIsBetter}[i%2]
		s := randomSeries(r, p)
		const c = 1000
		mirror := s
		mirror.Indicator.Polarity = flip[p]
		mirror.Observations = append([]domain.Observation(nil), s.Observations...)
		for j := range mirror.Observations {
			mirror.Observations[j].Value = c - mirror.Observations[j].Value
		}
		tg := s.Targets[0]
		tg.Low, tg.High = c-tg.Low, c-tg.High
		mirror.Targets = []domain.Target{tg}
		a, m := headlineOf(t, s), headlineOf(t, mirror)
		if a.Anticipated.Status != m.Anticipated.Status || !sameRatio(a.Anticipated.Ratio, m.Anticipated.Ratio) {
			t.Errorf("case %d: anticipated %s %v, mirrored %s %v", i, a.Anticipated.Status, a.Anticipated.Ratio, m.Anticipated.Status, m.Anticipated.Ratio)
		}

		reversed := s
		reversed.Indicator.Polarity = flip[p]
		a2 := headlineOf(t, reversed)
		if (a.SDG.Ratio == nil) != (a2.SDG.Ratio == nil) {
			t.Fatalf("case %d: ratio %v vs reversed %v", i, a.SDG.Ratio, a2.SDG.Ratio)
		}
		if a.SDG.Ratio == nil {
			continue
		}
		if math.Abs(*a.SDG.Ratio+*a2.SDG.Ratio) > 1e-9*math.Max(1, math.Abs(*a.SDG.Ratio)) {
			t.Errorf("case %d: ratio %g, reversed %g, want its negative", i, *a.SDG.Ratio, *a2.SDG.Ratio)
		}
		if !a.SDG.TargetAchieved && !a2.SDG.TargetAchieved && *a.SDG.Ratio > 0 && a2.SDG.Status != Deterioration {
			t.Errorf("case %d: %s reversed is %s, want deterioration", i, a.SDG.Status, a2.SDG.Status)
		}
	}
}

// Whatever the values, every result marshals to JSON (encoding/json refuses
// NaN and ±Inf) and no NaN or Inf text appears.
func TestJSONNeverNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	special := []float64{0, -0.0, 1e-300, -1e-300, 1e100, -1e100, 1, -1, 0.001, 5e-324}
	pols := []domain.Polarity{domain.HigherIsBetter, domain.LowerIsBetter, domain.Band, domain.Neutral}
	pick := func() float64 {
		if r.IntN(2) == 0 {
			return special[r.IntN(len(special))]
		}
		return (r.Float64() - 0.5) * 200
	}
	for i := 0; i < 3000; i++ {
		in := ind("x", pols[i%4], []string{domain.UnitIndex, domain.UnitPercent}[i%3%2], r.IntN(3))
		if in.Polarity == domain.Band {
			in.BandLow, in.BandHigh = ptr(1.5), ptr(3.5)
		}
		var yv []float64
		for j, n := 0, r.IntN(6); j < n; j++ {
			yv = append(yv, float64(2018+j), pick())
		}
		o := obs("x", yv...)
		if len(o) > 2 && r.IntN(3) == 0 {
			o[r.IntN(len(o))].Break = true
		}
		var ts []domain.Target
		for j, n := 0, r.IntN(3); j < n; j++ {
			lo := pick()
			ts = append(ts, target("rpjmn-2025-2029", "x", 2017+r.IntN(14), lo, lo+math.Abs(pick())*float64(r.IntN(2))))
		}
		s := Series{Indicator: in, Observations: o, Targets: ts, Plans: plans}
		a, err := Analyze(s, Options{})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		rows, err := Scorecard([]Series{s}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var dv []DistrictValue
		for j, v := range yv {
			if j%2 == 1 {
				dv = append(dv, DistrictValue{Region: itoa(j), Value: v, Population: ptr(math.Abs(pick()))})
			}
		}
		var disp any
		if len(dv) > 0 {
			if disp, err = DisparityOf(in, 2024, dv); err != nil {
				t.Fatal(err)
			}
		}
		gap, err := GapBetween(in, GroupSeries{Observations: o}, GroupSeries{Observations: obs("x", yv[len(yv)/4*2:]...)})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{a, rows, disp, gap, Caption(CaptionInput{Indicator: in, Observations: o})} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("case %d: %v\n%+v", i, err, s)
			}
			if js := string(b); strings.Contains(js, "NaN") || strings.Contains(js, "Inf") {
				t.Fatalf("case %d: %s", i, js)
			}
		}
	}
}
