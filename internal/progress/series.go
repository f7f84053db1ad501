package progress

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"pantau/internal/domain"
)

// DefaultBaseYear is sdg-build's default base year (SeriesProgress:
// config.get('base_year', 2015)). When the series has no observation in the
// base year, the first later year is the base, as in sdg-build.
const DefaultBaseYear = 2015

// DefaultProjectionYears are the years of the 2025–2029 medium-term plans
// (RPJMN, RPJMD) for which a projection is always given.
var DefaultProjectionYears = YearsThrough(domain.DefaultPlanStart, domain.DefaultHorizon)

// YearsThrough lists the years from first through last.
func YearsThrough(first, last int) []int {
	ys := make([]int, 0, max(last-first+1, 0))
	for y := first; y <= last; y++ {
		ys = append(ys, y)
	}
	return ys
}

// Series is what Analyze needs for one series: indicator × region ×
// disaggregation, its observations in any order, and the targets that apply
// to it, possibly from several plans (a regency is measured against its own
// RPJMD and, as a reference, against the province's and the nation's).
type Series struct {
	Indicator    domain.Indicator
	RegionCode   string
	Disagg       domain.Disaggregation
	Observations []domain.Observation
	// Targets may belong to any region (a national RPJMN target is a
	// reference for every regency); targets of another indicator or
	// disaggregation are ignored.
	Targets []domain.Target
	// Plans give the name and level of the targets' plans; optional.
	Plans []domain.Plan
}

// Options tune Analyze. The zero value gives Pantau's defaults.
type Options struct {
	// BaseYear is the first year progress is measured from (default
	// DefaultBaseYear). A series break after it moves the base to the break.
	BaseYear int
	// ProjectionYears are projected in addition to every target year
	// (default DefaultProjectionYears); only years after the latest
	// observation are projected.
	ProjectionYears []int
	// PlanCode chooses the plan of the headline assessment; by default the
	// most local plan (regency, then province, then nation) and its last
	// target year.
	PlanCode string
}

// Point is one observation as the analysis uses it.
type Point struct {
	Year   int           `json:"year"`
	Value  float64       `json:"value"`
	Status domain.Status `json:"status,omitempty"`
	// Break marks the first year of a new method: no trend spans it.
	Break bool `json:"series_break,omitempty"`
}

// Change is the change between the latest observation and the one before.
type Change struct {
	FromYear int `json:"from_year"`
	ToYear   int `json:"to_year"`
	// Absolute is ToValue − FromValue in the indicator's unit.
	Absolute float64 `json:"absolute"`
	// Relative is Absolute / |FromValue|; nil when FromValue is 0.
	Relative *float64 `json:"relative,omitempty"`
	// AcrossBreak: the two values come from different methods and are not
	// comparable; shown, but never used for a trend.
	AcrossBreak bool `json:"across_break,omitempty"`
}

// Window is the run of observations the trend, growth rate and progress
// methods use: from the base year (or the last series break after it) to
// the latest observation.
type Window struct {
	Years    []int `json:"years"`
	BaseYear *int  `json:"base_year,omitempty"`
	// BreakYear is the series break the window starts at, if any.
	BreakYear *int `json:"break_year,omitempty"`
	// Excluded are observed years left out, with the reason in Why.
	Excluded []int `json:"excluded,omitempty"`
	Why      Text  `json:"why"`
}

// Projection is the trend's value in a future year, with an approximate
// 95 % prediction interval (see Trend.predictionHalfWidth).
type Projection struct {
	Year int `json:"year"`
	// Value is the time-weighted trend's value; OLSValue the ordinary
	// least-squares trend's, for comparison.
	Value    float64  `json:"value"`
	OLSValue float64  `json:"ols_value"`
	Low      *float64 `json:"low,omitempty"`
	High     *float64 `json:"high,omitempty"`
	// Clamped: the straight line left the indicator's possible range (a
	// percentage below 0) and was cut at its edge.
	Clamped bool `json:"clamped,omitempty"`
}

// TargetRef names a target and its plan.
type TargetRef struct {
	Plan         string           `json:"plan"`
	PlanName     string           `json:"plan_name,omitempty"`
	Level        domain.PlanLevel `json:"level,omitempty"`
	Illustrative bool             `json:"illustrative,omitempty"`
	Region       string           `json:"region,omitempty"`
	Year         int              `json:"year"`
	Low          float64          `json:"low"`
	High         float64          `json:"high"`
	// Value is the point aimed at (domain.Target.Value for the polarity).
	Value float64 `json:"value"`
}

// Assessment is the progress towards one target by both methods, with the
// annual change still required from the latest value.
type Assessment struct {
	Target TargetRef `json:"target"`
	// RequiredAnnualChange is (target − latest) / (target year − latest
	// year); RequiredAnnualGrowth the same as a compound rate. Both are nil
	// when the target year is not after the latest observation or the rate
	// is undefined.
	RequiredAnnualChange *float64          `json:"required_annual_change,omitempty"`
	RequiredAnnualGrowth *float64          `json:"required_annual_growth,omitempty"`
	SDG                  SDGResult         `json:"sdg"`
	Anticipated          AnticipatedResult `json:"anticipated"`
}

// Analysis is everything Pantau says about one series.
type Analysis struct {
	Indicator      string                `json:"indicator"`
	Region         string                `json:"region"`
	Disaggregation domain.Disaggregation `json:"disaggregation"`
	Unit           string                `json:"unit"`
	Polarity       domain.Polarity       `json:"polarity"`
	Points         []Point               `json:"observations"`
	Latest         *Point                `json:"latest,omitempty"`
	Change         *Change               `json:"change,omitempty"`
	Window         Window                `json:"window"`
	// CAGR is the compound annual growth rate over the window; nil, with
	// CAGRNote, when it is undefined.
	CAGR        *float64     `json:"cagr,omitempty"`
	CAGRNote    *Text        `json:"cagr_note,omitempty"`
	Trend       *Trend       `json:"trend,omitempty"`
	OLSTrend    *Trend       `json:"ols_trend,omitempty"`
	Projections []Projection `json:"projections"`
	Capaian     []Capaian    `json:"capaian"`
	// DirectionOfTravel is sdg-build's method 1: progress without a target.
	DirectionOfTravel SDGResult    `json:"direction_of_travel"`
	Assessments       []Assessment `json:"assessments"`
	// Headline is the assessment to show first (see Options.PlanCode).
	Headline *Assessment `json:"headline,omitempty"`
}

// Analyze computes the analysis of one series. It fails (ErrInvalid) only
// on input it cannot interpret: two observations for the same year, a
// value that is not a finite number, or observations of another indicator.
func Analyze(s Series, opt Options) (Analysis, error) {
	ind := s.Indicator
	a := Analysis{
		Indicator: ind.Code, Region: s.RegionCode, Disaggregation: s.Disagg,
		Unit: ind.Unit, Polarity: ind.Polarity,
		Projections: []Projection{}, Capaian: []Capaian{}, Assessments: []Assessment{},
	}
	pts, err := points(ind.Code, s.Observations)
	if err != nil {
		return a, err
	}
	a.Points = pts
	f := newFormatter(ind, pts)
	if len(pts) == 0 {
		a.Window = Window{Years: []int{}, Why: say("progress.window.none")}
		a.DirectionOfTravel = sdgInsufficient(a.Window, say("progress.window.none_why"))
		a.Assessments = assessAll(s, opt, a, f, nil)
		a.Headline = headline(a.Assessments, opt.PlanCode)
		return a, nil
	}
	latest := pts[len(pts)-1]
	a.Latest = &latest
	if len(pts) > 1 {
		prev := pts[len(pts)-2]
		c := Change{FromYear: prev.Year, ToYear: latest.Year, Absolute: latest.Value - prev.Value, AcrossBreak: latest.Break}
		if prev.Value != 0 {
			c.Relative = finite(c.Absolute / math.Abs(prev.Value))
		}
		a.Change = &c
	}
	win := window(pts, opt.baseYear())
	a.Window = win.Window
	ws := win.points
	if len(ws) >= 2 {
		first, last := ws[0], ws[len(ws)-1]
		if g := growth(last.Value, first.Value, last.Year, first.Year); !math.IsNaN(g) {
			a.CAGR = &g
		} else {
			a.CAGRNote = ptr(say("progress.cagr.undefined"))
		}
		years, ys := make([]int, len(ws)), make([]float64, len(ws))
		for i, p := range ws {
			years[i], ys[i] = p.Year, p.Value
		}
		tw := fitLine("weighted", years, ys, weightsLinear(years))
		to := fitLine("ols", years, ys, nil)
		a.Trend, a.OLSTrend = &tw, &to
		a.Projections = project(ind, tw, to, projectionYears(s, opt, latest.Year))
	} else {
		a.CAGRNote = ptr(say("progress.cagr.needs_two"))
	}
	a.Capaian = capaianAll(ind, pts, relevantTargets(s))
	a.DirectionOfTravel = directionOfTravel(ind, win, f)
	a.Assessments = assessAll(s, opt, a, f, &win)
	a.Headline = headline(a.Assessments, opt.PlanCode)
	return a, nil
}

func (o Options) baseYear() int {
	if o.BaseYear == 0 {
		return DefaultBaseYear
	}
	return o.BaseYear
}

// maxAbsValue bounds the values Pantau analyses. No indicator comes near it
// (Indonesia's GDP is about 2·10¹⁶ rupiah), and below it every square and
// difference the methods take stays finite.
const maxAbsValue = 1e100

// points sorts the observations by year and rejects what cannot be analysed.
func points(code string, obs []domain.Observation) ([]Point, error) {
	pts := make([]Point, 0, len(obs))
	for _, o := range obs {
		if code != "" && o.IndicatorCode != "" && o.IndicatorCode != code {
			return nil, domain.Errorf(domain.ErrInvalid, "progress: observation of %s in a series of %s", o.IndicatorCode, code)
		}
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) || math.Abs(o.Value) > maxAbsValue {
			return nil, domain.Errorf(domain.ErrInvalid, "progress: %s %d: value %g is not a finite number of plausible size", code, o.Year, o.Value)
		}
		pts = append(pts, Point{Year: o.Year, Value: o.Value, Status: o.Status, Break: o.Break})
	}
	slices.SortFunc(pts, func(a, b Point) int { return cmp.Compare(a.Year, b.Year) })
	for i := 1; i < len(pts); i++ {
		if pts[i].Year == pts[i-1].Year {
			// sdg-build refuses duplicate years too (filter_data): which one
			// counts would be a guess.
			return nil, domain.Errorf(domain.ErrInvalid, "progress: %s: two observations for %d", code, pts[i].Year)
		}
	}
	return pts, nil
}

// window is a Window with the points in it.
type windowPoints struct {
	Window
	points []Point
}

// window picks the observations progress is measured on: from the base year
// (the first observed year at or after baseYear, as sdg-build does), moved
// forward to the last series break so that no growth rate or trend compares
// two methods.
func window(pts []Point, baseYear int) windowPoints {
	start, breakYear := baseYear, 0
	for _, p := range pts[min(1, len(pts)):] {
		// A break on the first observation has nothing before it to split.
		if p.Break && p.Year > start {
			start, breakYear = p.Year, p.Year
		}
	}
	var w windowPoints
	w.Years = []int{}
	for _, p := range pts {
		if p.Year >= start {
			w.points = append(w.points, p)
			w.Years = append(w.Years, p.Year)
		} else {
			w.Excluded = append(w.Excluded, p.Year)
		}
	}
	if breakYear != 0 {
		w.BreakYear = &breakYear
	}
	if len(w.points) > 0 {
		by := w.points[0].Year
		w.BaseYear = &by
	}
	span := yearsText(w.Years)
	switch {
	case len(w.points) == 0:
		w.Why = say("progress.window.none_since_base", baseYear)
	case breakYear != 0:
		w.Why = say("progress.window.break", span, breakYear, yearsText(w.Excluded))
	case len(w.Excluded) > 0:
		w.Why = say("progress.window.before_base", span, baseYear, yearsText(w.Excluded))
	default:
		w.Why = say("progress.window.all", span)
	}
	return w
}

// yearsText writes years compactly: "2021–2023, 2025".
func yearsText(years []int) string {
	var b strings.Builder
	for i := 0; i < len(years); {
		j := i
		for j+1 < len(years) && years[j+1] == years[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(years[i]))
		if j > i {
			b.WriteString("–")
			b.WriteString(strconv.Itoa(years[j]))
		}
		i = j + 1
	}
	return b.String()
}

// relevantTargets keeps the targets of the series' indicator and
// disaggregation, in plan and year order.
func relevantTargets(s Series) []domain.Target {
	var ts []domain.Target
	for _, t := range s.Targets {
		if (t.IndicatorCode == "" || t.IndicatorCode == s.Indicator.Code) && t.Disagg == s.Disagg {
			ts = append(ts, t)
		}
	}
	slices.SortStableFunc(ts, func(a, b domain.Target) int {
		return cmp.Or(cmp.Compare(a.PlanCode, b.PlanCode), cmp.Compare(a.Year, b.Year))
	})
	return ts
}

func projectionYears(s Series, opt Options, latest int) []int {
	ys := opt.ProjectionYears
	if ys == nil {
		ys = DefaultProjectionYears
	}
	out := make([]int, 0, len(ys)+len(s.Targets))
	for _, y := range ys {
		if y > latest {
			out = append(out, y)
		}
	}
	for _, t := range relevantTargets(s) {
		if t.Year > latest {
			out = append(out, t.Year)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func project(ind domain.Indicator, tw, to Trend, years []int) []Projection {
	lo, hi := ind.Bounds()
	out := make([]Projection, 0, len(years))
	for _, y := range years {
		v := tw.At(y)
		p := Projection{Year: y, Value: clamp(v, lo, hi), OLSValue: clamp(to.At(y), lo, hi)}
		p.Clamped = p.Value != v
		if h := tw.predictionHalfWidth(y); !math.IsNaN(h) {
			p.Low, p.High = finite(clamp(v-h, lo, hi)), finite(clamp(v+h, lo, hi))
		}
		out = append(out, p)
	}
	return out
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
