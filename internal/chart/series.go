package chart

import (
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// bandBase is the invisible series the projection band stacks on; it has
// no legend entry and no tooltip.
const bandBase = "_band_base"

// tooltipItem shows the series name and the data item's name, which the
// builders set to the formatted year and value ("2024: 0,49%"). ECharts
// HTML-encodes both when it fills the template in.
var tooltipItem = opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: "{a}<br/>{b}"}

// setYearLines sets what the breakdown and disparity line charts share:
// item tooltips, the legend under the plot, the years along x and a value
// axis from ymin to ymax in steps of step, named yName (none when empty);
// top and bottom are the plot's margins (bottom leaves the legend its
// rows: legendBottom).
func setYearLines(line *charts.Line, top, bottom, yName string, ymin, ymax, step float64) {
	line.SetGlobalOptions(
		charts.WithTooltipOpts(tooltipItem),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: top, Bottom: bottom, ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: ymin, Max: ymax, MinInterval: step, MaxInterval: step,
			Name: yName, AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)}}),
	)
}

// SeriesInput is one indicator in one region: what the series chart shows.
type SeriesInput struct {
	ID   string
	Lang locale.Lang
	// Analysis is progress.Analyze of the total series: its observations
	// and projections are drawn.
	Analysis  progress.Analysis
	Indicator domain.Indicator
	// Targets and Plans are every plan's targets for the series; targets of
	// a disaggregation are ignored.
	Targets []domain.Target
	Plans   []domain.Plan
	// ToYear is the last year on the axis (default: the end of the
	// headline's plan, else of the latest plan, else
	// domain.DefaultHorizon).
	ToYear  int
	Caption string
	// From and To, when not 0, trim the axis to a reader's year range
	// (?from=, ?to=); what lies outside is neither drawn nor tabled.
	From, To int
	// Region names the main region's line when others are compared.
	Region string
	// Compared are other regions' observed values drawn beside the main
	// region's, each in a colour and legend entry of its own; targets and
	// projections stay the main region's alone.
	Compared []Compared
}

// Compared is one region's observed values on another region's chart.
type Compared struct {
	Name   string
	Points []progress.Point
}

// MaxCompared is how many regions a chart shows beside its own: more
// lines than colours a reader can tell apart is a tangle.
const MaxCompared = 6

// comparedColours stay clear of the observed blue and the plans' amber,
// purple and green.
var comparedColours = []string{"#db2777", "#0891b2", "#65a30d", "#ea580c", "#4f46e5", "#78716c"}

// Series builds the main chart of an indicator: the observed values as a
// line (broken at a series break, which is marked), each plan's targets as
// points in the plan's colour with the plan in the legend, and the trend
// projection to ToYear as a dashed line with its 95% range as a band. The
// y-axis is set to include every target and the whole band.
func Series(in SeriesInput) (Chart, error) {
	l, ind := in.Lang, in.Indicator
	if in.ToYear == 0 {
		shown := ""
		if in.Analysis.Headline != nil {
			shown = in.Analysis.Headline.Target.Plan
		}
		in.ToYear = domain.Horizon(in.Plans, shown)
	}
	var targets []domain.Target
	for _, t := range in.Targets {
		if t.Disagg == domain.Total && t.IndicatorCode == ind.Code {
			targets = append(targets, t)
		}
	}
	if len(in.Analysis.Points) == 0 && len(targets) == 0 {
		return Chart{}, errorf("series %s: nothing to draw", ind.Code)
	}
	from, to := seriesYears(in, targets)
	if to < from {
		return Chart{}, errorf("series %s: no year between %d and %d", ind.Code, in.From, in.To)
	}
	b := &seriesBuilder{line: charts.NewLine(), l: l, ind: ind, from: from, to: to}
	a := in.Analysis
	a.Points = within(a.Points, func(p progress.Point) bool { return b.shown(p.Year) })
	a.Projections = within(a.Projections, func(p progress.Projection) bool { return b.shown(p.Year) })
	targets = within(targets, func(t domain.Target) bool { return b.shown(t.Year) })
	if a.Latest != nil && !b.shown(a.Latest.Year) {
		a.Latest = nil // the projection starts from a year not shown
	}
	in.Analysis = a
	b.line.SetXAxis(years(from, to))

	observed := l.Get("chart.observed")
	if len(in.Compared) > 0 && in.Region != "" {
		observed = in.Region
	}
	b.addObserved(observed, a.Points)
	if a.Latest != nil && len(a.Projections) > 0 {
		b.addProjection(*a.Latest, a.Projections)
	}
	b.addCompared(in.Compared, observed)
	plans := b.addTargets(targets, in.Plans)

	lo, hi := ind.Bounds()
	ymin, ymax, step := axisRange(b.inRange, lo, hi)
	b.line.SetGlobalOptions(
		charts.WithTooltipOpts(tooltipItem),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Data: b.legend}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "28", Bottom: legendBottom(b.legend), ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), HideOverlap: opts.Bool(true)}}),
		charts.WithYAxisOpts(opts.YAxis{
			Type: "value", Min: ymin, Max: ymax, MinInterval: step, MaxInterval: step,
			Name: unitName(l, ind.Unit), AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)},
		}),
	)
	c := Chart{ID: in.ID, Option: finish(b.line, in.Caption), Caption: in.Caption, Table: seriesTable(in, targets, plans)}
	c.fitLegend(b.legend, 300)
	return c, nil
}

// seriesYears is the span of the chart's axis: every observation, target,
// compared value and ToYear, trimmed to the reader's From and To. It is
// empty (to < from) when the reader's years hold none of them.
func seriesYears(in SeriesInput, targets []domain.Target) (from, to int) {
	from, to = in.ToYear, in.ToYear
	for _, p := range in.Analysis.Points {
		from, to = min(from, p.Year), max(to, p.Year)
	}
	for _, t := range targets {
		from, to = min(from, t.Year), max(to, t.Year)
	}
	for _, c := range in.Compared {
		for _, p := range c.Points {
			from, to = min(from, p.Year), max(to, p.Year)
		}
	}
	if in.From > 0 && in.From > from {
		from = in.From
	}
	if in.To > 0 && in.To < to {
		to = in.To
	}
	return from, to
}

// seriesBuilder is a Series chart being built: its line, the years from..to
// along x, the legend so far and every value the y-axis must include.
type seriesBuilder struct {
	line     *charts.Line
	l        locale.Lang
	ind      domain.Indicator
	from, to int
	legend   []string
	inRange  []float64
}

func (b *seriesBuilder) shown(y int) bool { return y >= b.from && y <= b.to }

func (b *seriesBuilder) idx(y int) int { return y - b.from }

// blank is one value a year, every one ECharts' "no value".
func (b *seriesBuilder) blank() []opts.LineData {
	d := make([]opts.LineData, b.to-b.from+1)
	for i := range d {
		d[i] = opts.LineData{Value: "-"}
	}
	return d
}

// item is a point named for its tooltip: "2024: 0,49%".
func (b *seriesBuilder) item(year int, v float64) opts.LineData {
	return opts.LineData{Name: strconv.Itoa(year) + ": " + valueText(b.l, b.ind, v), Value: v}
}

// addObserved draws the observed values, one line per stretch between
// series breaks: a line across a break would suggest a comparison the data
// do not support. The stretch after a break marks it.
func (b *seriesBuilder) addObserved(name string, points []progress.Point) {
	var segment []opts.LineData
	var breakYear int
	flush := func() {
		if segment == nil {
			return
		}
		b.line.AddSeries(name, segment, b.observedOpts(breakYear)...)
		segment = nil
	}
	for _, p := range points {
		if p.Break && segment != nil {
			flush()
		}
		if p.Break {
			breakYear = p.Year
		}
		if segment == nil {
			segment = b.blank()
		}
		item := b.item(p.Year, p.Value)
		if p.Status == domain.StatusPreliminary {
			item.Name += " (" + b.l.Get("chart.preliminary") + ")"
			item.Symbol = "emptyCircle"
		}
		segment[b.idx(p.Year)] = item
		b.inRange = append(b.inRange, p.Value)
	}
	flush()
	if len(points) > 0 {
		b.legend = append(b.legend, name)
	}
}

// observedOpts style an observed stretch; one after a break (breakYear not
// 0) carries the break's dashed mark.
func (b *seriesBuilder) observedOpts(breakYear int) []charts.SeriesOpts {
	so := []charts.SeriesOpts{
		charts.WithLineStyleOpts(opts.LineStyle{Color: colourObserved, Width: 2.5}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourObserved}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 7}),
	}
	if breakYear == 0 {
		return so
	}
	return append(so, charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
		Symbol:    []string{"none", "none"},
		Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop", Color: colourNeutral},
		LineStyle: &opts.LineStyle{Color: colourNeutral, Type: "dashed", Width: 1},
	}), func(s *charts.SingleSeries) {
		s.MarkLines.Data = append(s.MarkLines.Data, map[string]any{
			"name": b.l.Get("chart.break") + " " + strconv.Itoa(breakYear), "xAxis": strconv.Itoa(breakYear),
		})
	})
}

// addProjection draws the trend's projection from the latest observation,
// so that the dashed line continues the observed one, with its band
// widening with the years: an invisible base the band stacks on, the band,
// and the dashed line.
func (b *seriesBuilder) addProjection(last progress.Point, projections []progress.Projection) {
	l, ind := b.l, b.ind
	proj, base, band := b.blank(), b.blank(), b.blank()
	proj[b.idx(last.Year)] = b.item(last.Year, last.Value)
	base[b.idx(last.Year)] = opts.LineData{Value: last.Value}
	band[b.idx(last.Year)] = opts.LineData{Value: 0.0}
	// A band is drawn only where the projection has a range (a two-point
	// series has none); no legend entry promises one otherwise.
	hasBand := false
	for _, p := range projections {
		if !b.shown(p.Year) {
			continue
		}
		item := b.item(p.Year, p.Value)
		lo, hi := p.Value, p.Value
		if p.Low != nil && p.High != nil {
			lo, hi = *p.Low, *p.High
			item.Name += " (" + valueText(l, ind, lo) + " – " + valueText(l, ind, hi) + ")"
			hasBand = hasBand || hi > lo
		}
		proj[b.idx(p.Year)] = item
		base[b.idx(p.Year)] = opts.LineData{Value: lo}
		band[b.idx(p.Year)] = opts.LineData{Value: hi - lo}
		b.inRange = append(b.inRange, p.Value, lo, hi)
	}
	b.line.AddSeries(bandBase, base,
		charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false), Symbol: "none"}),
		charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
	)
	bandName := l.Get("chart.band")
	b.line.AddSeries(bandName, band,
		charts.WithLineChartOpts(opts.LineChart{Stack: "band", ShowSymbol: opts.Bool(false), Symbol: "none"}),
		charts.WithLineStyleOpts(opts.LineStyle{Opacity: opts.Float(0)}),
		charts.WithAreaStyleOpts(opts.AreaStyle{Color: colourBand, Opacity: opts.Float(0.35)}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourBand}),
	)
	projName := l.Get("chart.projection")
	b.line.AddSeries(projName, proj,
		charts.WithLineStyleOpts(opts.LineStyle{Color: colourObserved, Type: "dashed", Width: 2}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: colourObserved}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "emptyCircle", SymbolSize: 5}),
	)
	b.legend = append(b.legend, projName)
	if hasBand {
		b.legend = append(b.legend, bandName)
	}
}

// addCompared draws the compared regions' observed values, one line each,
// and puts them first in the legend after the main region's (observed).
func (b *seriesBuilder) addCompared(compared []Compared, observed string) {
	var names []string
	for i, c := range compared {
		data := b.blank()
		for _, p := range c.Points {
			if !b.shown(p.Year) {
				continue
			}
			data[b.idx(p.Year)] = b.item(p.Year, p.Value)
			b.inRange = append(b.inRange, p.Value)
		}
		colour := comparedColours[i%len(comparedColours)]
		b.line.AddSeries(c.Name, data,
			charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 2}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "rect", SymbolSize: 6, ConnectNulls: opts.Bool(true)}),
		)
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return
	}
	at := 0
	if len(b.legend) > 0 && b.legend[0] == observed {
		at = 1
	}
	b.legend = append(b.legend[:at:at], append(names, b.legend[at:]...)...)
}

// addTargets draws the targets, one series per plan in the plan's colour,
// most local plan first, and returns the plans in that order (a target of a
// plan not given is drawn under its code).
func (b *seriesBuilder) addTargets(targets []domain.Target, given []domain.Plan) []domain.Plan {
	l, ind := b.l, b.ind
	byPlan := map[string][]domain.Target{}
	for _, t := range targets {
		byPlan[t.PlanCode] = append(byPlan[t.PlanCode], t)
	}
	plans := sortedPlans(given)
	known := map[string]bool{}
	for _, p := range plans {
		known[p.Code] = true
	}
	for code := range byPlan {
		if !known[code] {
			plans = append(plans, domain.Plan{Code: code, Name: code})
		}
	}
	for _, p := range plans {
		ts := byPlan[p.Code]
		if len(ts) == 0 {
			continue
		}
		data := b.blank()
		for _, t := range ts {
			data[b.idx(t.Year)] = opts.LineData{
				Name:  strconv.Itoa(t.Year) + ": " + l.Get("chart.target") + " " + targetText(l, ind, t),
				Value: t.Value(ind.Polarity),
			}
			b.inRange = append(b.inRange, t.Low, t.High)
		}
		colour := planColours[p.Level]
		if colour == "" {
			colour = colourNeutral
		}
		name := progress.PlanName(l, p)
		b.line.AddSeries(name, data,
			charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Type: "dotted", Width: 1.5}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "diamond", SymbolSize: 11}),
		)
		b.legend = append(b.legend, name)
	}
	return plans
}

// within is the items of xs that ok keeps, in a new slice: the analysis
// passed in is the caller's.
func within[T any](xs []T, ok func(T) bool) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if ok(x) {
			out = append(out, x)
		}
	}
	return out
}

// unitName is the y-axis title.
func unitName(lang locale.Lang, unit string) string {
	switch unit {
	case domain.UnitPercent:
		return "%"
	case domain.UnitIndex:
		return lang.Get("chart.unit.index")
	case domain.UnitRatio:
		return lang.Get("chart.unit.ratio")
	case domain.UnitPersons:
		return lang.Get("chart.unit.persons")
	}
	// A free-text unit is cut so that it cannot crowd the plot.
	if r := []rune(unit); len(r) > 24 {
		return string(r[:23]) + "…"
	}
	return unit
}

// seriesTable lists every year on the chart: observed value (with status
// and break), each plan's target, and the projection with its range.
func seriesTable(in SeriesInput, targets []domain.Target, plans []domain.Plan) Table {
	l, ind, a := in.Lang, in.Indicator, in.Analysis
	t := Table{Head: []string{l.Get("chart.year"), l.Get("chart.observed")}}
	if len(in.Compared) > 0 && in.Region != "" {
		t.Head[1] = in.Region
	}
	for _, c := range in.Compared {
		t.Head = append(t.Head, c.Name)
	}
	firstTarget := len(t.Head)
	var withTargets []domain.Plan
	for _, p := range plans {
		for _, tg := range targets {
			if tg.PlanCode == p.Code {
				withTargets = append(withTargets, p)
				t.Head = append(t.Head, l.Get("chart.target")+" "+progress.PlanName(l, p))
				break
			}
		}
	}
	t.Head = append(t.Head, l.Get("chart.projection"))
	rows := map[int][]string{}
	row := func(y int) []string {
		if r, ok := rows[y]; ok {
			return r
		}
		r := make([]string, len(t.Head))
		r[0] = strconv.Itoa(y)
		for i := 1; i < len(r); i++ {
			r[i] = "–"
		}
		rows[y] = r
		return r
	}
	for _, p := range a.Points {
		s := valueText(l, ind, p.Value)
		if p.Status == domain.StatusPreliminary {
			s += " (" + l.Get("chart.preliminary") + ")"
		}
		if p.Break {
			s += " (" + l.Get("chart.break") + ")"
		}
		row(p.Year)[1] = s
	}
	for i, c := range in.Compared {
		for _, p := range c.Points {
			if (in.From == 0 || p.Year >= in.From) && (in.To == 0 || p.Year <= in.To) {
				row(p.Year)[2+i] = valueText(l, ind, p.Value)
			}
		}
	}
	for i, p := range withTargets {
		for _, tg := range targets {
			if tg.PlanCode == p.Code {
				row(tg.Year)[firstTarget+i] = targetText(l, ind, tg)
			}
		}
	}
	for _, p := range a.Projections {
		s := valueText(l, ind, p.Value)
		if p.Low != nil && p.High != nil {
			s += " (" + valueText(l, ind, *p.Low) + " – " + valueText(l, ind, *p.High) + ")"
		}
		row(p.Year)[len(t.Head)-1] = s
	}
	ys := make([]int, 0, len(rows))
	for y := range rows {
		ys = append(ys, y)
	}
	sortInts(ys)
	for _, y := range ys {
		t.Rows = append(t.Rows, rows[y])
	}
	return t
}
