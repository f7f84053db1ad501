package progress

import "math"

// Trend is a straight line fitted to the observations of one series
// segment: either time-weighted least squares with weights
// w_i = 1 + (t_i − t_first) (see weightsLinear) or ordinary least squares. The line is stored as its level at RefYear (the latest observed
// year) and its slope per year, which keeps the numbers readable and avoids
// the cancellation of an intercept at year 0.
type Trend struct {
	// Method is "weighted" (time-weighted least squares) or "ols".
	Method string `json:"method"`
	// Years and Weights are the points used and the weight each got, as
	// defined (1, 2, 3, … for the time-weighted fit; all 1 for OLS). The fit
	// rescales them to mean 1, which changes nothing but the residual SE's
	// units.
	Years   []int     `json:"years"`
	Weights []float64 `json:"weights"`
	RefYear int       `json:"ref_year"`
	Level   float64   `json:"level"`
	Slope   float64   `json:"slope"`
	// ResidualSE is the (weighted) standard error of the residuals, nil with
	// two points, where the line fits exactly and says nothing about spread.
	ResidualSE *float64 `json:"residual_se,omitempty"`
	// r2 etc. are left out on purpose: with 3–15 yearly points they invite
	// more confidence than they deserve.

	n      int
	sumW   float64 // weights normalised to mean 1, so sumW == n
	meanX  float64 // weighted mean of (year − RefYear)
	sxx    float64 // Σ w (x − meanX)²
	stdErr float64 // residual SE, or NaN
}

// At returns the trend's value in year y.
func (t Trend) At(y int) float64 { return t.Level + t.Slope*float64(y-t.RefYear) }

// weightsLinear returns Pantau's time weights w_i = 1 + (t_i − t_first):
// the first year weighs 1, a year later 2, and so on, so the latest of five
// yearly points counts five times as much as the first. PRODUCT.md asks that
// recent years weigh more; a linear ramp does that without letting one
// preliminary latest value dominate, as a steep exponential decay would.
func weightsLinear(years []int) []float64 {
	w := make([]float64, len(years))
	for i, y := range years {
		w[i] = 1 + float64(y-years[0])
	}
	return w
}

// fitLine fits y = Level + Slope·(year − ref) by weighted least squares
// (w == nil: ordinary least squares). years must be sorted and distinct,
// with at least two entries. Weights are rescaled to mean 1 so that the
// residual SE is in the units of one typical observation:
//
//	s² = Σ wᵢ rᵢ² / (n − 2)
func fitLine(method string, years []int, ys []float64, w []float64) Trend {
	n := len(years)
	ref := years[n-1]
	raw := make([]float64, n)
	var sum float64
	for i := range raw {
		raw[i] = 1
		if w != nil {
			raw[i] = w[i]
		}
		sum += raw[i]
	}
	ww := make([]float64, n)
	for i := range ww {
		ww[i] = raw[i] * float64(n) / sum
	}
	var sw, sx, sy float64
	for i := range years {
		x := float64(years[i] - ref)
		sw += ww[i]
		sx += ww[i] * x
		sy += ww[i] * ys[i]
	}
	mx, my := sx/sw, sy/sw
	var sxx, sxy float64
	for i := range years {
		dx := float64(years[i]-ref) - mx
		sxx += ww[i] * dx * dx
		sxy += ww[i] * dx * (ys[i] - my)
	}
	slope := sxy / sxx
	t := Trend{
		Method: method, Years: years, Weights: raw, RefYear: ref,
		Level: my - slope*mx, Slope: slope,
		n: n, sumW: sw, meanX: mx, sxx: sxx, stdErr: math.NaN(),
	}
	if n > 2 {
		var ss float64
		for i := range years {
			r := ys[i] - t.At(years[i])
			ss += ww[i] * r * r
		}
		t.stdErr = math.Sqrt(ss / float64(n-2))
		t.ResidualSE = finite(t.stdErr)
	}
	return t
}

// predictionHalfWidth is the half-width of an approximate 95 % prediction
// interval for a new observation in year y (standard regression formula,
// e.g. Montgomery & Peck, Introduction to Linear Regression Analysis, §2.5):
//
//	t(0.975, n−2) · s · √(1 + 1/Σw + (x₀ − x̄)² / Σw(x − x̄)²)
//
// It is NaN with two points (no residual degrees of freedom). The interval
// assumes independent errors around a straight line; for yearly indicators
// it is a rough guide to how far the projection could be off, not a
// forecast distribution.
func (t Trend) predictionHalfWidth(y int) float64 {
	if math.IsNaN(t.stdErr) {
		return math.NaN()
	}
	dx := float64(y-t.RefYear) - t.meanX
	return tQuantile975(t.n-2) * t.stdErr * math.Sqrt(1+1/t.sumW+dx*dx/t.sxx)
}

// tQuantile975 returns the 97.5 % quantile of Student's t with df degrees
// of freedom (standard table values), 1.96 beyond 30.
func tQuantile975(df int) float64 {
	table := [...]float64{
		math.NaN(), 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	}
	if df < 1 {
		return math.NaN()
	}
	if df < len(table) {
		return table[df]
	}
	return 1.96
}

// finite returns &v, or nil when v is NaN or ±Inf: the JSON-safe form of a
// number that may be undefined.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// growth is the compound annual growth rate of sdg-build's
// growth_calculation: (v1/v0)^(1/(t1−t0)) − 1. It is NaN where that is
// undefined: v0 == 0, v1/v0 < 0, t1 == t0, or the rate overflows.
func growth(v1, v0 float64, t1, t0 int) float64 {
	if v0 == 0 || t1 == t0 || v1/v0 < 0 {
		return math.NaN()
	}
	g := math.Pow(v1/v0, 1/float64(t1-t0)) - 1
	if math.IsInf(g, 0) {
		// Only for absurd ratios (1e100 / 1e-300): treat as undefined.
		return math.NaN()
	}
	return g
}
