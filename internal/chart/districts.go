package chart

import (
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// DistrictInput is one indicator across the districts of a region in one year.
type DistrictInput struct {
	ID        string
	Lang      locale.Lang
	Indicator domain.Indicator
	Year      int
	// Disparity is progress.DisparityOf for the year: its ranking (best
	// first) orders the bars.
	Disparity progress.Disparity
	// ParentName and ParentValue draw the region's own value as a line.
	ParentName  string
	ParentValue *float64
	// Target, with its plan's name, draws the target as a line and colours
	// each bar by whether it meets it.
	Target   *domain.Target
	PlanName string
	Caption  string
}

// Districts builds a horizontal bar chart of the districts, best first for
// the indicator's polarity, with the region's value and the target as
// reference lines. The value axis includes both lines.
func Districts(in DistrictInput) (Chart, error) {
	l, ind := in.Lang, in.Indicator
	ranking := in.Disparity.Ranking
	if len(ranking) == 0 {
		return Chart{}, errorf("districts %s %d: no values", ind.Code, in.Year)
	}
	names := make([]string, len(ranking))
	data := make([]opts.BarData, len(ranking))
	values := make([]float64, 0, len(ranking)+2)
	for i, r := range ranking {
		names[i] = r.Name
		if names[i] == "" {
			names[i] = r.Region
		}
		colour := colourObserved
		if in.Target != nil {
			if meets(ind, *in.Target, r.Value) {
				colour = colourGood
			} else {
				colour = colourBad
			}
		}
		data[i] = opts.BarData{
			Name:      names[i] + ": " + valueText(l, ind, r.Value),
			Value:     r.Value,
			ItemStyle: &opts.ItemStyle{Color: colour},
		}
		values = append(values, r.Value)
	}
	var lines []any
	if in.ParentValue != nil {
		lines = append(lines, map[string]any{
			"name":      in.ParentName + ": " + valueText(l, ind, *in.ParentValue),
			"xAxis":     *in.ParentValue,
			"lineStyle": map[string]any{"color": colourNeutral, "type": "solid", "width": 2},
			// Both labels sit above the plot (the y-axis is inverted, so a line
			// starts at the top), the region's higher up, so
			// they do not cover each other or the axis labels.
			"label": map[string]any{"position": "start", "formatter": "{b}", "distance": 20},
		})
		values = append(values, *in.ParentValue)
	}
	if in.Target != nil {
		tv := in.Target.Value(ind.Polarity)
		lines = append(lines, map[string]any{
			"name":      l.Get("chart.target") + " " + in.PlanName + " " + strconv.Itoa(in.Target.Year) + ": " + targetText(l, ind, *in.Target),
			"xAxis":     tv,
			"lineStyle": map[string]any{"color": planColours[domain.PlanRegency], "type": "dashed", "width": 2},
			"label":     map[string]any{"position": "start", "formatter": "{b}", "distance": 4},
		})
		values = append(values, in.Target.Low, in.Target.High)
	}
	bar := charts.NewBar()
	series := l.Get("chart.value") + " " + strconv.Itoa(in.Year)
	bar.AddSeries(series, data,
		charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "25%"}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}}),
		func(s *charts.SingleSeries) {
			if len(lines) > 0 {
				s.MarkLines.Data = lines
			}
		},
	)
	// Bars start at zero: a bar cut at another value exaggerates the
	// differences between districts.
	lo, hi := ind.Bounds()
	xmin, xmax, step := axisRange(append(values, 0), lo, hi)
	bar.SetGlobalOptions(
		charts.WithTooltipOpts(tooltipItem),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		// Room at the top and bottom for the reference lines' labels.
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "24", Top: "52", Bottom: "8", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: xmin, Max: xmax, MinInterval: step, MaxInterval: step,
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), HideOverlap: opts.Bool(true)}}),
		// Long names are cut, not allowed to squeeze the bars away; the
		// tooltip and the table give them in full.
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: names, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Interval: "0", Width: 130, Overflow: "truncate"}}),
	)
	return Chart{ID: in.ID, Option: finish(bar, in.Caption), Caption: in.Caption, Table: districtTable(in), Height: 120 + 22*len(ranking)}, nil
}

// meets reports whether v meets the target for the indicator's polarity.
func meets(ind domain.Indicator, t domain.Target, v float64) bool {
	c, ok := progress.CapaianOf(ind, t, v)
	return ok && c.Met
}

func districtTable(in DistrictInput) Table {
	l, ind := in.Lang, in.Indicator
	t := Table{Head: []string{l.Get("chart.rank"), l.Get("chart.district"), l.Get("chart.value") + " " + strconv.Itoa(in.Year)}}
	if in.Target != nil {
		t.Head = append(t.Head, l.Get("chart.meetsGoal")+" ("+targetText(l, ind, *in.Target)+")")
	}
	for _, r := range in.Disparity.Ranking {
		row := []string{strconv.Itoa(r.Rank), r.Name, valueText(l, ind, r.Value)}
		if in.Target != nil {
			row = append(row, yesNo(l, meets(ind, *in.Target, r.Value)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// DisparityInput is the spread between districts over the years.
type DisparityInput struct {
	ID      string
	Lang    locale.Lang
	Trend   progress.DisparityTrend
	Caption string
}

// Disparity builds a line chart of the coefficient of variation and the
// Williamson index per year: falling lines are closing gaps.
func Disparity(in DisparityInput) (Chart, error) {
	l := in.Lang
	ys := in.Trend.Years
	if len(ys) == 0 {
		return Chart{}, errorf("disparity %s: no years", in.Trend.Indicator)
	}
	from, to := ys[0].Year, ys[len(ys)-1].Year
	line := charts.NewLine()
	line.SetXAxis(years(from, to))
	var all []float64
	measure := func(name, colour string, get func(progress.Disparity) *float64) {
		data := make([]opts.LineData, to-from+1)
		for i := range data {
			data[i] = opts.LineData{Value: "-"}
		}
		any := false
		for _, d := range ys {
			if v := get(d); v != nil {
				data[d.Year-from] = opts.LineData{Name: strconv.Itoa(d.Year) + ": " + progress.FormatNumber(l, *v, 3), Value: *v}
				all = append(all, *v)
				any = true
			}
		}
		if any {
			line.AddSeries(name, data,
				charts.WithLineStyleOpts(opts.LineStyle{Color: colour, Width: 2.5}),
				charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
				charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 7}))
		}
	}
	measure(l.Get("chart.cv"), colourObserved, func(d progress.Disparity) *float64 { return d.CV })
	measure(l.Get("chart.williamson"), planColours[domain.PlanProvince], func(d progress.Disparity) *float64 { return d.Williamson })
	ymin, ymax, step := axisRange(all, 0, 1e9)
	setYearLines(line, "20", "36", "", ymin, ymax, step)
	t := Table{Head: []string{l.Get("chart.year"), "n", l.Get("chart.cv"), l.Get("chart.williamson"), l.Get("chart.maxMin")}}
	opt := func(v *float64) string {
		if v == nil {
			return "–"
		}
		return progress.FormatNumber(l, *v, 3)
	}
	for _, d := range ys {
		t.Rows = append(t.Rows, []string{strconv.Itoa(d.Year), strconv.Itoa(d.N), opt(d.CV), opt(d.Williamson), opt(d.MaxMin)})
	}
	return Chart{ID: in.ID, Option: finish(line, in.Caption), Caption: in.Caption, Table: t, Height: 300}, nil
}

func sortInts(s []int) { slices.Sort(s) }

// DistrictCaption describes a district chart in one sentence: the best and
// worst district, the region's value and the coefficient of variation.
func DistrictCaption(lang locale.Lang, ind domain.Indicator, regionName string, d progress.Disparity, regionValue *float64, withTarget bool) string {
	if len(d.Ranking) == 0 {
		return ""
	}
	best, worst := d.Ranking[0], d.Ranking[len(d.Ranking)-1]
	v := func(x float64) string { return valueText(lang, ind, x) }
	y := strconv.Itoa(d.Year)
	s := lang.Get("chart.caption.districts", ind.Name(lang), d.N, regionName, y, best.Name, v(best.Value), worst.Name, v(worst.Value))
	if regionValue != nil {
		s += "; " + regionName + " " + v(*regionValue)
	}
	if d.CV != nil {
		s += lang.Get("chart.caption.cv", progress.FormatNumber(lang, *d.CV, 3))
	}
	if withTarget {
		s += lang.Get("chart.caption.colours")
	}
	return s + "."
}

// yesNo says in words whether a district meets the target.
func yesNo(l locale.Lang, meets bool) string {
	if meets {
		return l.Get("chart.yes")
	}
	return l.Get("chart.no")
}
