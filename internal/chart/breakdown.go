package chart

import (
	"slices"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// GroupLabel names a disaggregation for readers: "Perempuan", "Women",
// "Perdesaan, 15-24"; the total is "Total".
func GroupLabel(lang locale.Lang, d domain.Disaggregation) string {
	if d == domain.Total {
		return lang.Get("chart.total")
	}
	pairs := d.Pairs()
	dims := make([]string, 0, len(pairs))
	for k := range pairs {
		dims = append(dims, k)
	}
	slices.Sort(dims)
	parts := make([]string, 0, len(dims))
	for _, k := range dims {
		v := pairs[k]
		// The canonical disaggregation values readers see have words of their own.
		if id := "chart.group." + v; lang.Has(id) {
			parts = append(parts, lang.Get(id))
		} else {
			parts = append(parts, strings.ReplaceAll(v, "_", " "))
		}
	}
	return strings.Join(parts, ", ")
}

// BreakdownInput is a series and its groups (women and men, urban and rural).
type BreakdownInput struct {
	ID        string
	Lang      locale.Lang
	Indicator domain.Indicator
	// Total may be nil when only groups are published.
	Total   *progress.Analysis
	Groups  []progress.Analysis
	Caption string
}

var groupColours = []string{"#db2777", "#0891b2", "#65a30d", "#7c3aed", "#ea580c"}

// Breakdown builds one line per group, and the total in the observed colour.
func Breakdown(in BreakdownInput) (Chart, error) {
	l, ind := in.Lang, in.Indicator
	all := slices.Clone(in.Groups)
	if len(all) == 0 {
		return Chart{}, errorf("breakdown %s: no groups", ind.Code)
	}
	if in.Total != nil {
		all = append([]progress.Analysis{*in.Total}, all...)
	}
	from, to := 0, 0
	for _, a := range all {
		for _, p := range a.Points {
			if from == 0 || p.Year < from {
				from = p.Year
			}
			to = max(to, p.Year)
		}
	}
	if from == 0 {
		return Chart{}, errorf("breakdown %s: no observations", ind.Code)
	}
	line := charts.NewLine()
	line.SetXAxis(years(from, to))
	var values []float64
	t := Table{Head: []string{l.Get("chart.year")}}
	rows := map[int][]string{}
	for i, a := range all {
		name := GroupLabel(l, a.Disaggregation)
		colour := colourObserved
		if a.Disaggregation != domain.Total {
			colour = groupColours[(i-boolInt(in.Total != nil))%len(groupColours)]
		}
		data := make([]opts.LineData, to-from+1)
		for j := range data {
			data[j] = opts.LineData{Value: "-"}
		}
		t.Head = append(t.Head, name)
		for _, p := range a.Points {
			data[p.Year-from] = opts.LineData{Name: strconv.Itoa(p.Year) + ": " + valueText(l, ind, p.Value), Value: p.Value}
			values = append(values, p.Value)
			if rows[p.Year] == nil {
				rows[p.Year] = make([]string, len(all)+1)
				rows[p.Year][0] = strconv.Itoa(p.Year)
			}
			rows[p.Year][i+1] = valueText(l, ind, p.Value)
		}
		ls := opts.LineStyle{Color: colour, Width: 2.5}
		if a.Disaggregation == domain.Total {
			ls.Width = 1.5
			ls.Type = "dashed"
		}
		line.AddSeries(name, data,
			charts.WithLineStyleOpts(ls),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: colour}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 7}))
	}
	lo, hi := ind.Bounds()
	ymin, ymax, step := axisRange(values, lo, hi)
	setYearLines(line, "28", legendBottom(t.Head[1:]), unitName(l, ind.Unit), ymin, ymax, step)
	ys := make([]int, 0, len(rows))
	for y := range rows {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	for _, y := range ys {
		r := rows[y]
		for i := range r {
			if r[i] == "" {
				r[i] = "–"
			}
		}
		t.Rows = append(t.Rows, r)
	}
	c := Chart{ID: in.ID, Option: finish(line, in.Caption), Caption: in.Caption, Table: t}
	c.fitLegend(t.Head[1:], 278)
	return c, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
