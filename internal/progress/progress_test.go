package progress

import (
	"errors"
	"math"
	"strings"
	"testing"

	"pantau/internal/domain"
)

// none marks an expected ratio that must be nil (undefined).
var none = math.NaN()

func TestProgressMethods(t *testing.T) {
	const rpjmn, sumsel, rpjmd = "rpjmn-2025-2029", "rkpd-sumsel-2025", "rpjmd-banyuasin"
	for _, tt := range []struct {
		name string
		s    Series
		// plan and year pick the assessment; plan "" checks the direction
		// of travel (no target).
		plan string
		year int

		sdg         Status
		sdgRatio    float64
		fallback    bool
		sdgBuild    Status
		sdgBuildR   float64
		anticipated Status
		antRatio    float64
		check       func(t *testing.T, a Analysis, as Assessment)
	}{
		{
			// Banyuasin extreme poverty, RKPD 2026 forum: 0.56 (2023) → 0.49 (2024).
			// CAGR_obs = 0.49/0.56 − 1 = −0.125
			// CAGR_req = (0.30/0.56)^(1/6) − 1 = e^(ln 0.535714 / 6) − 1 = e^(−0.104026) − 1 = −0.098798
			// R = −1 · −0.125 / 0.098798 = 1.2652 ≥ 0.95: substantial
			// score = 7.1429·1.2652 − 4.2857 = 4.7516
			// Anticipated: two points, slope −0.07/yr; 2029: 0.49 − 5·0.07 = 0.14;
			// ratio = (0.14 − 0.56)/(0.30 − 0.56) = 0.42/0.26 = 1.6154: on track.
			name: "extreme poverty vs 0.30 in 2029",
			s: Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.49),
				Targets: []domain.Target{target(rpjmd, "kemiskinan_ekstrem", 2029, 0.30, 0.30)}},
			plan: rpjmd, year: 2029,
			sdg: SubstantialProgress, sdgRatio: 1.2652, sdgBuild: SubstantialProgress, sdgBuildR: 1.2652,
			anticipated: OnTrack, antRatio: 1.6154,
			check: func(t *testing.T, a Analysis, as Assessment) {
				near(t, "observed growth", as.SDG.ObservedGrowth, -0.125, 1e-9)
				near(t, "required growth", as.SDG.RequiredGrowth, -0.098798, 1e-5)
				near(t, "sdg-build score", as.SDG.SDGBuild.Score, 4.7516, 1e-3)
				near(t, "projected 2029", as.Anticipated.Projected, 0.14, 1e-9)
				// required from latest: (0.30 − 0.49)/5 = −0.038 a year
				near(t, "required annual change", as.RequiredAnnualChange, -0.038, 1e-9)
				if !strings.Contains(as.SDG.Explanation.Sentence.ID, "12,5%") || !strings.Contains(as.SDG.Explanation.Sentence.EN, "12.5%") {
					t.Errorf("sentence does not state the observed rate: %+v", as.SDG.Explanation.Sentence)
				}
			},
		},
		{
			// The zero-target case, RPJMN: extreme poverty 0 by 2026.
			// sdg-build: target → 0.001; CAGR_req = (0.001/0.56)^(1/3) − 1 = e^(−6.32794/3) − 1 = −0.878679
			//   R = 0.125/0.878679 = 0.14226: limited; score = 4.1667·0.14226 − 2.5 = −1.9073.
			// Pantau linear: observed −0.07/yr; required (0 − 0.56)/3 = −0.18667/yr;
			//   R = 0.07/0.18667 = 0.375: limited, and rightly so: at −0.07 a year 0 is reached in 2031.
			// Anticipated: 2026: 0.49 − 2·0.07 = 0.35; ratio (0.35 − 0.56)/(0 − 0.56) = 0.375: accelerate.
			name: "extreme poverty vs 0 in 2026 (zero target)",
			s: Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.49),
				Targets: []domain.Target{target(rpjmn, "kemiskinan_ekstrem", 2026, 0, 0)}},
			plan: rpjmn, year: 2026,
			sdg: LimitedProgress, sdgRatio: 0.375, fallback: true, sdgBuild: LimitedProgress, sdgBuildR: 0.14226,
			anticipated: Accelerate, antRatio: 0.375,
			check: func(t *testing.T, a Analysis, as Assessment) {
				near(t, "sdg-build score", as.SDG.SDGBuild.Score, -1.9073, 1e-3)
				near(t, "sdg-build target", as.SDG.SDGBuild.Target, 0.001, 0)
				if as.SDG.Explanation.Method != MethodLinearFallback || as.SDG.Explanation.FallbackWhy == nil {
					t.Errorf("explanation does not flag the fallback: %+v", as.SDG.Explanation)
				}
				// The sentence says the path is a straight one; the inputs
				// say why, with sdg-build's substitute and what it gives.
				if !strings.Contains(as.SDG.Explanation.Sentence.EN, "straight path") || !strings.Contains(as.SDG.Explanation.Sentence.ID, "jalur lurus") {
					t.Errorf("sentence does not say it measures against a straight path: %+v", as.SDG.Explanation.Sentence)
				}
				if why := as.SDG.Explanation.FallbackWhy; why == nil || !strings.Contains(why.EN, "0.001, sdg-build gives a ratio of 0.14") || !strings.Contains(why.ID, "0,001 itu, sdg-build memberi rasio 0,14") {
					t.Errorf("the departure's reason does not give sdg-build's substitute and ratio: %+v", why)
				}
			},
		},
		{
			// PRODUCT.md's example of the flaw: 0.56 → 0.49 towards 0 by 2029.
			// sdg-build: CAGR_req = (0.001/0.56)^(1/6) − 1 = −0.651663; R = 0.125/0.651663 = 0.19181: limited.
			// Pantau linear: required −0.56/6 = −0.09333/yr; R = 0.07/0.09333 = 0.75: moderate.
			// Anticipated: 2029: 0.14; ratio (0.14 − 0.56)/(−0.56) = 0.75: accelerate.
			name: "extreme poverty vs 0 in 2029 (zero target)",
			s: Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.49),
				Targets: []domain.Target{target(rpjmd, "kemiskinan_ekstrem", 2029, 0, 0)}},
			plan: rpjmd, year: 2029,
			sdg: ModerateProgress, sdgRatio: 0.75, fallback: true, sdgBuild: LimitedProgress, sdgBuildR: 0.19181,
			anticipated: Accelerate, antRatio: 0.75,
		},
		{
			// Economic growth 5.06 (2023) → 5.14 (2024) vs RPJMN 8 in 2029.
			// CAGR_obs = 5.14/5.06 − 1 = 0.015810
			// CAGR_req = (8/5.06)^(1/6) − 1 = e^(0.458076/6) − 1 = 0.079336
			// R = 0.015810/0.079336 = 0.19928: limited; score 4.1667·0.19928 − 2.5 = −1.6697
			// Anticipated: slope 0.08; 2029: 5.14 + 5·0.08 = 5.54; ratio (5.54 − 5.06)/(8 − 5.06) = 0.48/2.94 = 0.16327.
			name: "higher is better: growth 5.06 → 5.14 vs 8",
			s: Series{Indicator: growthRate, Observations: obs("pertumbuhan_ekonomi", 2023, 5.06, 2024, 5.14),
				Targets: []domain.Target{target(rpjmn, "pertumbuhan_ekonomi", 2029, 8, 8)}},
			plan: rpjmn, year: 2029,
			sdg: LimitedProgress, sdgRatio: 0.19928, sdgBuild: LimitedProgress, sdgBuildR: 0.19928,
			anticipated: Accelerate, antRatio: 0.16327,
			check: func(t *testing.T, a Analysis, as Assessment) {
				near(t, "sdg-build score", as.SDG.SDGBuild.Score, -1.6697, 1e-3)
				// required from latest: (8 − 5.14)/5 = 0.572 points a year
				near(t, "required annual change", as.RequiredAnnualChange, 0.572, 1e-9)
			},
		},
		{
			// Poverty 10.75, 10.00, 9.58, 9.31, 8.48 (2021–2025) vs RKPD Sumsel 2025 9.37–10.37:
			// lower is better, so the range's lower end 9.37 counts; 8.48 ≤ 9.37: achieved.
			// capaian 2025 = (2·9.37 − 8.48)/9.37·100 = 10.26/9.37·100 = 109.498
			// sdg-build still computes R: CAGR_obs = (8.48/10.75)^(1/4) − 1 = −0.057575;
			// CAGR_req = (9.37/10.75)^(1/4) − 1 = e^(ln 0.871628/4) − 1 = −0.033768; R = 1.7050.
			name: "already past its target",
			s: Series{Indicator: poverty, Observations: obs("kemiskinan", 2021, 10.75, 2022, 10.00, 2023, 9.58, 2024, 9.31, 2025, 8.48),
				Targets: []domain.Target{target(sumsel, "kemiskinan", 2025, 9.37, 10.37)}},
			plan: sumsel, year: 2025,
			sdg: TargetAchieved, sdgRatio: 1.7050, sdgBuild: TargetAchieved, sdgBuildR: 1.7050,
			anticipated: OnTrack, antRatio: (8.48 - 10.75) / (9.37 - 10.75),
			check: func(t *testing.T, a Analysis, as Assessment) {
				if len(a.Capaian) != 1 {
					t.Fatalf("capaian = %+v, want one (2025)", a.Capaian)
				}
				near(t, "capaian 2025", a.Capaian[0].Percent, 109.498, 1e-3)
				if !as.SDG.TargetAchieved || !as.Anticipated.TargetAchieved {
					t.Error("target_achieved not set")
				}
				near(t, "sdg-build score", as.SDG.SDGBuild.Score, 5, 0)
			},
		},
		{
			// The same poverty series vs RPJMN 4.5 in 2029 (base 2021, 8 years):
			// CAGR_obs = −0.057575; CAGR_req = (4.5/10.75)^(1/8) − 1 = e^(−0.870833/8) − 1 = −0.103138
			// R = 0.057575/0.103138 = 0.55823: limited.
			// Weighted trend, w = 1…5 for 2021…2025: Σw = 15, x̄ = 2023.6667, ȳ = 9.275333,
			// Sxx = Σw(x−x̄)² = 23.3333, Sxy = −12.21333, slope = −0.523429;
			// 2029: 9.275333 − 0.523429·5.3333 = 6.48371; ratio = (6.48371 − 10.75)/(4.5 − 10.75) = 0.68261: accelerate.
			name: "five years vs a distant target",
			s: Series{Indicator: poverty, Observations: obs("kemiskinan", 2021, 10.75, 2022, 10.00, 2023, 9.58, 2024, 9.31, 2025, 8.48),
				Targets: []domain.Target{target(rpjmn, "kemiskinan", 2029, 4.5, 4.5)}},
			plan: rpjmn, year: 2029,
			sdg: LimitedProgress, sdgRatio: 0.55823, sdgBuild: LimitedProgress, sdgBuildR: 0.55823,
			anticipated: Accelerate, antRatio: 0.68261,
			check: func(t *testing.T, a Analysis, as Assessment) {
				near(t, "projected 2029", as.Anticipated.Projected, 6.48371, 1e-4)
				near(t, "weighted slope", &a.Trend.Slope, -0.523429, 1e-5)
				if as.Anticipated.ProjectedLow == nil || as.Anticipated.ProjectedHigh == nil ||
					!(*as.Anticipated.ProjectedLow < 6.48371 && 6.48371 < *as.Anticipated.ProjectedHigh) {
					t.Errorf("no prediction interval around the projection: %v %v", as.Anticipated.ProjectedLow, as.Anticipated.ProjectedHigh)
				}
				// CAGR over the window 2021–2025 = CAGR_obs
				near(t, "cagr", a.CAGR, -0.057575, 1e-5)
			},
		},
		{
			// Flat 5, 5, 5 (2022–2024), higher is better, target 6 in 2029.
			// CAGR_obs = 0, R = 0: limited (0 ≥ 0, sdg-build's lowest band).
			// Trend flat at 5; ratio (5 − 5)/(6 − 5) = 0 ≤ 0: reverse the trend.
			name: "flat series",
			s: Series{Indicator: ind("x", domain.HigherIsBetter, "indeks", 2), Observations: obs("x", 2022, 5, 2023, 5, 2024, 5),
				Targets: []domain.Target{target(rpjmn, "x", 2029, 6, 6)}},
			plan: rpjmn, year: 2029,
			sdg: LimitedProgress, sdgRatio: 0, sdgBuild: LimitedProgress, sdgBuildR: 0,
			anticipated: ReverseTrend, antRatio: 0,
		},
		{
			name: "one observation",
			s: Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2024, 0.49),
				Targets: []domain.Target{target(rpjmd, "kemiskinan_ekstrem", 2029, 0.30, 0.30)}},
			plan: rpjmd, year: 2029,
			sdg: InsufficientData, sdgRatio: none, sdgBuild: NotAvailable, sdgBuildR: none,
			anticipated: InsufficientData, antRatio: none,
			check: func(t *testing.T, a Analysis, as Assessment) {
				if a.Trend != nil || a.CAGR != nil || a.Change != nil || len(a.Projections) != 0 {
					t.Errorf("one point gave a trend, rate, change or projection: %+v", a)
				}
			},
		},
		{
			// One observation that already meets its target: sdg-build reports
			// target_achieved even then (status set before the data check).
			name: "one observation meeting the target",
			s: Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2024, 0.25),
				Targets: []domain.Target{target(rpjmd, "kemiskinan_ekstrem", 2029, 0.30, 0.30)}},
			plan: rpjmd, year: 2029,
			sdg: TargetAchieved, sdgRatio: none, sdgBuild: TargetAchieved, sdgBuildR: none,
			anticipated: InsufficientData, antRatio: none,
		},
		{
			// 10, 11, 12 (2019–2021), new method from 2022: 20, 21, 22 (2022–2024); target 25 in 2029.
			// Only 2022–2024 count: CAGR_obs = (22/20)^(1/2) − 1 = 0.048809
			// CAGR_req = (25/20)^(1/7) − 1 = e^(0.223144/7) − 1 = 0.032391; R = 1.5069: substantial.
			// (Across the break CAGR would be (22/10)^(1/5) − 1 = 0.17.)
			// Trend slope exactly 1: 2029 = 27; ratio (27 − 20)/(25 − 20) = 1.4: on track.
			name: "series break",
			s: Series{Indicator: ind("ipm", domain.HigherIsBetter, "indeks", 2),
				Observations: withBreak(obs("ipm", 2019, 10, 2020, 11, 2021, 12, 2022, 20, 2023, 21, 2024, 22), 2022),
				Targets:      []domain.Target{target(rpjmn, "ipm", 2029, 25, 25)}},
			plan: rpjmn, year: 2029,
			sdg: SubstantialProgress, sdgRatio: 1.5069, sdgBuild: SubstantialProgress, sdgBuildR: 1.5069,
			anticipated: OnTrack, antRatio: 1.4,
			check: func(t *testing.T, a Analysis, as Assessment) {
				near(t, "cagr", a.CAGR, 0.048809, 1e-6)
				if a.Window.BreakYear == nil || *a.Window.BreakYear != 2022 || len(a.Window.Excluded) != 3 {
					t.Errorf("window = %+v, want break 2022 excluding 2019–2021", a.Window)
				}
				if !strings.Contains(a.Window.Why.EN, "2019–2021") || !strings.Contains(as.SDG.Explanation.YearsWhy.ID, "putus seri") {
					t.Errorf("explanation does not say which years and why: %+v", as.SDG.Explanation.YearsWhy)
				}
				if a.Change.AcrossBreak {
					t.Error("2023 → 2024 flagged as across the break")
				}
			},
		},
		{
			// Stunting: 22.0 (2021), 24.8 (2022), 20.4 (2023, SKI: new survey). After the break only 2023 remains.
			name: "break leaves one observation",
			s: Series{Indicator: ind("stunting", domain.LowerIsBetter, "persen", 1),
				Observations: withBreak(obs("stunting", 2021, 22.0, 2022, 24.8, 2023, 20.4), 2023),
				Targets:      []domain.Target{target(rpjmn, "stunting", 2029, 14.2, 14.2)}},
			plan: rpjmn, year: 2029,
			sdg: InsufficientData, sdgRatio: none, sdgBuild: NotAvailable, sdgBuildR: none,
			anticipated: InsufficientData, antRatio: none,
			check: func(t *testing.T, a Analysis, as Assessment) {
				if !a.Change.AcrossBreak {
					t.Error("2022 → 2023 change not flagged as across the break")
				}
				if !strings.Contains(as.SDG.Explanation.Sentence.EN, "2021–2022") {
					t.Errorf("sentence does not say which years were left out: %s", as.SDG.Explanation.Sentence.EN)
				}
			},
		},
		{
			// Inflation, band 1.5–3.5; 6.0 (2022) → 5.0 (2023); target 2.5 ± 1 for 2025.
			// Above the band, so the goal is its upper edge 3.5 and a fall is good.
			// CAGR_obs = 5/6 − 1 = −0.166667; CAGR_req = (3.5/6)^(1/3) − 1 = e^(−0.538997/3) − 1 = −0.164450
			// R = 0.166667/0.164450 = 1.01348: substantial.
			// Trend −1/yr: 2025 = 3.0, inside the band: on track; ratio (3 − 6)/(3.5 − 6) = 1.2.
			name: "band indicator above its band",
			s: Series{Indicator: inflation, Observations: obs("inflasi", 2022, 6.0, 2023, 5.0),
				Targets: []domain.Target{target(rpjmn, "inflasi", 2025, 1.5, 3.5)}},
			plan: rpjmn, year: 2025,
			sdg: SubstantialProgress, sdgRatio: 1.01348, sdgBuild: SubstantialProgress, sdgBuildR: 1.01348,
			anticipated: OnTrack, antRatio: 1.2,
		},
		{
			// Inside the band by 2024: achieved. sdg-build's ratio is still reported:
			// CAGR_obs = (2.8/6)^(1/2) − 1 = −0.316869; R = 0.316869/0.164450 = 1.92684.
			// Weighted trend (w 1, 2, 3): x̄ = 2023.3333, ȳ = 24.4/6 = 4.066667, Sxx = 3.33333,
			// Sxy = −5.73333, slope −1.72; 2025: 4.066667 − 1.72·1.666667 = 1.2, below the band:
			// ratio (1.2 − 6)/(3.5 − 6) = 1.92 ≥ 1: on track, with a warning that it overshoots.
			name: "band indicator inside its band",
			s: Series{Indicator: inflation, Observations: obs("inflasi", 2022, 6.0, 2023, 5.0, 2024, 2.8),
				Targets: []domain.Target{target(rpjmn, "inflasi", 2025, 1.5, 3.5)}},
			plan: rpjmn, year: 2025,
			sdg: TargetAchieved, sdgRatio: 1.92684, sdgBuild: TargetAchieved, sdgBuildR: 1.92684,
			anticipated: OnTrack, antRatio: 1.92,
			check: func(t *testing.T, a Analysis, as Assessment) {
				if !strings.Contains(as.Anticipated.Explanation.Sentence.EN, "overshoots") {
					t.Errorf("no overshoot warning: %s", as.Anticipated.Explanation.Sentence.EN)
				}
			},
		},
		{
			// Zero base value, higher is better: 0 (2023) → 0.5 (2024), target 2 in 2029.
			// Growth from 0 is undefined: Pantau says not computable.
			// sdg-build puts 0.001 for the base: CAGR_obs = 0.5/0.001 − 1 = 499;
			// CAGR_req = (2/0.001)^(1/6) − 1 = 2.549537; R = 195.72: substantial.
			// Anticipated is linear and has no such problem: slope 0.5; 2029: 3.0; ratio (3 − 0)/(2 − 0) = 1.5.
			name: "zero base value",
			s: Series{Indicator: ind("x", domain.HigherIsBetter, "indeks", 2), Observations: obs("x", 2023, 0, 2024, 0.5),
				Targets: []domain.Target{target(rpjmn, "x", 2029, 2, 2)}},
			plan: rpjmn, year: 2029,
			sdg: NotComputable, sdgRatio: none, sdgBuild: SubstantialProgress, sdgBuildR: 195.72,
			anticipated: OnTrack, antRatio: 1.5,
			check: func(t *testing.T, a Analysis, as Assessment) {
				if a.CAGR != nil || a.CAGRNote == nil {
					t.Errorf("CAGR from zero = %v, want nil with a note", a.CAGR)
				}
			},
		},
		{
			// Growth −1.0 (2022) → 2.0 (2023): the sign changes; (2/−1)^(1/1) is negative and a
			// fractional power of it undefined. sdg-build refuses too (not_available).
			// Linear anticipated progress: slope 3; 2029: 2 + 6·3 = 20; ratio (20 + 1)/(5 + 1) = 3.5.
			name: "negative to positive",
			s: Series{Indicator: growthRate, Observations: obs("pertumbuhan_ekonomi", 2022, -1.0, 2023, 2.0),
				Targets: []domain.Target{target(rpjmn, "pertumbuhan_ekonomi", 2029, 5, 5)}},
			plan: rpjmn, year: 2029,
			sdg: NotComputable, sdgRatio: none, sdgBuild: NotAvailable, sdgBuildR: none,
			anticipated: OnTrack, antRatio: 3.5,
		},
		{
			// No target, the same sign change: still not computable.
			name: "negative to positive without target",
			s:    Series{Indicator: growthRate, Observations: obs("pertumbuhan_ekonomi", 2022, -1.0, 2023, 2.0)},
			sdg:  NotComputable, sdgRatio: none, sdgBuild: NotAvailable, sdgBuildR: none,
			anticipated: NotApplicable, antRatio: none,
		},
		{
			// Both negative, no target: −2 (2022) → −1 (2023), higher is better.
			// CAGR = (−1/−2) − 1 = −0.5; sdg-build's sign for a negative base is −1:
			// R = −1 · 1 · −0.5 = 0.5 ≥ 0.015: substantial (the value rose).
			name: "negative values without target",
			s:    Series{Indicator: growthRate, Observations: obs("pertumbuhan_ekonomi", 2022, -2.0, 2023, -1.0)},
			sdg:  SubstantialProgress, sdgRatio: 0.5, sdgBuild: SubstantialProgress, sdgBuildR: 0.5,
			anticipated: NotApplicable, antRatio: none,
		},
		{
			// No target, lower is better: 0.56 → 0.49; R = −1 · −0.125 = 0.125 ≥ 0.015: substantial.
			name: "direction of travel without target",
			s:    Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.49)},
			sdg:  SubstantialProgress, sdgRatio: 0.125, sdgBuild: SubstantialProgress, sdgBuildR: 0.125,
			anticipated: NotApplicable, antRatio: none,
		},
		{
			// No plan target: the band is the standing target. 2.0 → 3.0, inside 1.5–3.5.
			name: "band indicator without target",
			s:    Series{Indicator: inflation, Observations: obs("inflasi", 2022, 2.0, 2023, 3.0)},
			sdg:  TargetAchieved, sdgRatio: none, sdgBuild: TargetAchieved, sdgBuildR: none,
			anticipated: NotApplicable, antRatio: none,
			check: func(t *testing.T, a Analysis, as Assessment) {
				if !strings.Contains(a.DirectionOfTravel.Explanation.Sentence.EN, "within the band 1.5–3.5%") {
					t.Errorf("sentence = %s", a.DirectionOfTravel.Explanation.Sentence.EN)
				}
			},
		},
		{
			// Leaving the band upwards without a target: 2.0 → 5.0; towards the band is down,
			// so CAGR 5/2 − 1 = 1.5 and R = −1.5: deterioration.
			name: "band indicator leaving its band",
			s:    Series{Indicator: inflation, Observations: obs("inflasi", 2022, 2.0, 2023, 5.0)},
			sdg:  Deterioration, sdgRatio: -1.5, sdgBuild: Deterioration, sdgBuildR: -1.5,
			anticipated: NotApplicable, antRatio: none,
		},
		{
			name: "neutral indicator",
			s: Series{Indicator: population, Observations: obs("penduduk", 2020, 836914, 2023, 850022),
				Targets: []domain.Target{target(rpjmn, "penduduk", 2029, 900000, 900000)}},
			plan: rpjmn, year: 2029,
			sdg: NotApplicable, sdgRatio: none, sdgBuild: NotAvailable, sdgBuildR: none,
			anticipated: NotApplicable, antRatio: none,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := analyze(t, tt.s)
			var sdg SDGResult
			var ant AnticipatedResult
			var as Assessment
			if tt.plan == "" {
				sdg = a.DirectionOfTravel
				ant = AnticipatedResult{Status: NotApplicable}
				if a.Headline != nil {
					ant = a.Headline.Anticipated
				}
			} else {
				as = assessment(t, a, tt.plan, tt.year)
				sdg, ant = as.SDG, as.Anticipated
			}
			if sdg.Status != tt.sdg {
				t.Errorf("sdg status = %s, want %s (%s)", sdg.Status, tt.sdg, sdg.Explanation.Sentence.EN)
			}
			checkRatio(t, "sdg ratio", sdg.Ratio, tt.sdgRatio)
			if sdg.Explanation.Fallback != tt.fallback {
				t.Errorf("fallback = %v, want %v", sdg.Explanation.Fallback, tt.fallback)
			}
			if sdg.SDGBuild.Status != tt.sdgBuild {
				t.Errorf("sdg-build status = %s, want %s", sdg.SDGBuild.Status, tt.sdgBuild)
			}
			checkRatio(t, "sdg-build ratio", sdg.SDGBuild.Ratio, tt.sdgBuildR)
			if ant.Status != tt.anticipated {
				t.Errorf("anticipated = %s, want %s (%s)", ant.Status, tt.anticipated, ant.Explanation.Sentence.EN)
			}
			checkRatio(t, "anticipated ratio", ant.Ratio, tt.antRatio)
			for _, s := range []Text{sdg.Explanation.Sentence, ant.Explanation.Sentence} {
				if tt.plan != "" && (s.ID == "" || s.EN == "") {
					t.Errorf("missing sentence: %+v", s)
				}
			}
			if tt.check != nil {
				tt.check(t, a, as)
			}
		})
	}
}

func checkRatio(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if got != nil {
			t.Errorf("%s = %g, want nil", what, *got)
		}
		return
	}
	near(t, what, got, want, 5e-4*math.Max(1, math.Abs(want)))
}

func TestAnalyzeRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		obs  []domain.Observation
	}{
		{"duplicate year", obs("x", 2023, 1, 2023, 2)},
		{"NaN value", obs("x", 2023, math.NaN())},
		{"infinite value", obs("x", 2023, math.Inf(1))},
		{"another indicator", obs("y", 2023, 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Analyze(Series{Indicator: ind("x", domain.HigherIsBetter, "indeks", 0), Observations: tt.obs}, Options{})
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestAnalyzeUnsortedAndProjections(t *testing.T) {
	// Unsorted input; projections for 2025–2029 and the 2030 target year.
	a := analyze(t, Series{Indicator: poverty,
		Observations: obs("kemiskinan", 2024, 9.31, 2021, 10.75, 2023, 9.58, 2022, 10.00),
		Targets:      []domain.Target{target("rpjmn-2025-2029", "kemiskinan", 2030, 4, 4)}})
	if a.Latest == nil || a.Latest.Year != 2024 || a.Change.FromYear != 2023 {
		t.Fatalf("latest/change = %+v %+v", a.Latest, a.Change)
	}
	// change 2023 → 2024: 9.31 − 9.58 = −0.27; relative −0.27/9.58 = −0.028184
	near(t, "change", &a.Change.Absolute, -0.27, 1e-9)
	near(t, "relative change", a.Change.Relative, -0.028184, 1e-6)
	var years []int
	for _, p := range a.Projections {
		years = append(years, p.Year)
		if p.Low == nil || p.High == nil || *p.Low > p.Value || *p.High < p.Value {
			t.Errorf("projection %d without a sound band: %+v", p.Year, p)
		}
	}
	if got := yearsText(years); got != "2025–2030" {
		t.Errorf("projection years %s, want 2025–2030", got)
	}
	// A percentage cannot fall below 0: a steep fall is clamped.
	b := analyze(t, Series{Indicator: extremePoverty, Observations: obs("kemiskinan_ekstrem", 2023, 0.56, 2024, 0.30)})
	last := b.Projections[len(b.Projections)-1]
	if last.Value != 0 || !last.Clamped {
		t.Errorf("2029 projection of a steep fall = %+v, want clamped at 0", last)
	}
}

func TestHeadline(t *testing.T) {
	ts := []domain.Target{
		target("rpjmn-2025-2029", "kemiskinan", 2029, 4.5, 4.5),
		target("rpjmd-banyuasin", "kemiskinan", 2026, 8, 8),
		target("rpjmd-banyuasin", "kemiskinan", 2029, 6, 6),
		target("rkpd-sumsel-2025", "kemiskinan", 2025, 9.37, 10.37),
	}
	s := Series{Indicator: poverty, Observations: obs("kemiskinan", 2023, 9.58, 2024, 9.31), Targets: ts, Plans: plans}
	for _, tt := range []struct {
		plan     string
		wantPlan string
		wantYear int
	}{
		{"", "rpjmd-banyuasin", 2029}, // the most local plan, its last year
		{"rpjmn-2025-2029", "rpjmn-2025-2029", 2029},
		{"rkpd-sumsel-2025", "rkpd-sumsel-2025", 2025},
		{"no-such-plan", "", 0},
	} {
		t.Run(tt.plan, func(t *testing.T) {
			a, err := Analyze(s, Options{PlanCode: tt.plan})
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPlan == "" {
				if a.Headline != nil {
					t.Errorf("headline = %+v, want none", a.Headline.Target)
				}
				return
			}
			if a.Headline == nil || a.Headline.Target.Plan != tt.wantPlan || a.Headline.Target.Year != tt.wantYear {
				t.Errorf("headline = %+v, want %s %d", a.Headline, tt.wantPlan, tt.wantYear)
			}
		})
	}
}

func TestCapaian(t *testing.T) {
	for _, tt := range []struct {
		name      string
		ind       domain.Indicator
		t         domain.Target
		realisasi float64
		percent   float64 // NaN: nil
		gap       float64
		met       bool
	}{
		// 5.14/5.3·100 = 96.981
		{"higher", growthRate, target("p", "pertumbuhan_ekonomi", 2025, 5.3, 5.3), 5.14, 96.981, 5.14 - 5.3, false},
		// (2·0.30 − 0.49)/0.30·100 = 0.11/0.30·100 = 36.667
		{"lower", extremePoverty, target("p", "kemiskinan_ekstrem", 2029, 0.30, 0.30), 0.49, 36.667, 0.19, false},
		// (2·4.5 − 4.0)/4.5·100 = 111.111
		{"lower, met", poverty, target("p", "kemiskinan", 2029, 4.5, 4.5), 4.0, 111.111, -0.5, true},
		// zero target: undefined; the gap 0.49 − 0 = 0.49 is reported
		{"zero target", extremePoverty, target("p", "kemiskinan_ekstrem", 2026, 0, 0), 0.49, none, 0.49, false},
		// band 1.5–3.5: 4.0 is 0.5 above
		{"band outside", inflation, target("p", "inflasi", 2025, 1.5, 3.5), 4.0, none, 0.5, false},
		{"band inside", inflation, target("p", "inflasi", 2025, 1.5, 3.5), 2.0, none, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := CapaianOf(tt.ind, tt.t, tt.realisasi)
			if !ok {
				t.Fatal("not computed")
			}
			checkRatio(t, "percent", c.Percent, tt.percent)
			near(t, "gap", &c.Gap, tt.gap, 1e-9)
			if c.Met != tt.met {
				t.Errorf("met = %v, want %v", c.Met, tt.met)
			}
			if tt.ind.Polarity == domain.Band {
				if c.WithinBand == nil || *c.WithinBand != tt.met {
					t.Errorf("within_band = %v", c.WithinBand)
				}
				near(t, "distance outside", c.DistanceOutside, math.Max(0, tt.gap), 1e-9)
			}
			if tt.percent != tt.percent && tt.ind.Polarity != domain.Band && c.Note == nil {
				t.Error("zero target without a note")
			}
		})
	}
	if _, ok := CapaianOf(population, target("p", "penduduk", 2025, 1, 1), 2); ok {
		t.Error("capaian of a neutral indicator")
	}
}
