package chart

import (
	"math"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// MapRegion is one region drawn on a choropleth: a child of the map's
// region, with its value in the map's year when it has one.
type MapRegion struct {
	Code, Name string
	Value      *float64
	// Illustrative values are demo data: hatched on the map.
	Illustrative bool
	// Link is the region's own page, opened when it is clicked.
	Link string
}

// MapInput is one indicator over the children of a region in one year.
type MapInput struct {
	ID        string
	Lang      locale.Lang
	Indicator domain.Indicator
	Year      int
	Regions   []MapRegion
	// Target, with its plan's name, adds the class "meets the target".
	Target   *domain.Target
	PlanName string
	// ShapesURL answers the children's GeoJSON (GET /api/v1/boundaries).
	ShapesURL string
	// Home is the instance's own region: outlined when it is one of the
	// children, or, with OutlineURL (a collection holding its shape), when
	// it is the map's region itself.
	Home, OutlineURL string
	Caption          string
}

// Colours of the choropleth. The graded classes are ColorBrewer's
// sequential YlOrBr (Brewer, colorbrewer2.org, marked colour-blind safe):
// one hue family whose lightness carries the order, so it reads the same
// in protanopia, deuteranopia and tritanopia and in grey print. Lighter is
// always better: for "lower is better" the lowest values, for "higher is
// better" the highest. Meeting the target is a blue (ColorBrewer Blues),
// on the other side of the blue–yellow axis every common deficiency keeps;
// no data is a neutral grey.
var (
	mapScale    = []string{"#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04"}
	mapMeets    = "#2171b5"
	mapNoData   = "#b4b9bf"
	mapHatch    = "rgba(27,31,36,0.3)"
	mapHatchTxt = "#b45309"
)

// maxMapClasses bounds the graded classes: more than six shades of one
// hue are not told apart.
const maxMapClasses = 6

// mapClass is one legend entry.
type mapClass struct {
	label, colour string
	lo, hi        float64 // graded classes: [lo, hi)
}

// Choropleth builds the map of the children of a region coloured by the
// indicator: graded classes in the order of the indicator's polarity, a
// class for the children that meet the target when there is one, and a
// class for no data. Regions are matched to the shapes by code (the
// GeoJSON's properties.code); names are data, shown through the page's
// static tooltip code as text. The option carries no function: the
// bootstrap fetches the shapes, registers them and adds the formatter.
func Choropleth(in MapInput) (Chart, error) {
	if len(in.Regions) == 0 {
		return Chart{}, errorf("map %s %d: no regions", in.Indicator.Code, in.Year)
	}
	b := newMapBuilder(in)
	data := make([]map[string]any, 0, len(in.Regions))
	illustrative := false
	for _, r := range in.Regions {
		data = append(data, b.item(r))
		illustrative = illustrative || r.Illustrative && r.Value != nil
	}
	legendHeight := 20*len(b.pieces) + 8
	// go-echarts gives the base (tooltip, aria, no legend); its map series
	// and visual map types have no nameProperty, per-item styles or
	// exact-value pieces (Piece's zero is omitted), so those are plain data.
	m := charts.NewMap()
	m.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	opt := finish(m, in.Caption)
	opt["series"] = b.series(data, legendHeight)
	opt["visualMap"] = b.visualMap()
	if illustrative {
		opt["graphic"] = []any{map[string]any{"type": "text", "right": 8, "bottom": 6, "silent": true,
			"style": map[string]any{"text": in.Lang.Get("map.hatched"), "fill": mapHatchTxt, "font": "12px sans-serif", "align": "right"}}}
	}
	opt["pantauMap"] = mapShapes(in)
	return Chart{ID: in.ID, Option: opt, Caption: in.Caption, Table: mapTable(in, b.ranked), Height: 420 + legendHeight}, nil
}

// mapBuilder is a Choropleth being built: its input, the regions' ranks
// and its legend, top to bottom: meets the target (when there is one),
// the graded classes best to worst from first on, and no data last.
type mapBuilder struct {
	in      MapInput
	l       locale.Lang
	ind     domain.Indicator
	ranked  map[string]int
	classes []mapClass
	pieces  []mapClass
	first   int
}

func newMapBuilder(in MapInput) *mapBuilder {
	b := &mapBuilder{in: in, l: in.Lang, ind: in.Indicator, ranked: rankOf(in.Indicator, in.Regions)}
	var graded []float64
	for _, r := range in.Regions {
		if r.Value != nil && !b.meets(*r.Value) {
			graded = append(graded, *r.Value)
		}
	}
	b.classes = gradedClasses(b.l, b.ind, graded)
	if in.Target != nil {
		b.pieces = append(b.pieces, mapClass{label: b.l.Get("map.meets", targetText(b.l, b.ind, *in.Target)), colour: mapMeets})
	}
	b.first = len(b.pieces)
	b.pieces = append(b.pieces, b.classes...)
	b.pieces = append(b.pieces, mapClass{label: b.l.Get("map.noData"), colour: mapNoData})
	return b
}

func (b *mapBuilder) meets(v float64) bool {
	return b.in.Target != nil && meetsTarget(b.ind, *b.in.Target, v)
}

// piece is the index of the legend entry a value is drawn in.
func (b *mapBuilder) piece(v *float64) int {
	switch {
	case v == nil:
		return len(b.pieces) - 1
	case b.meets(*v):
		return 0
	}
	return b.first + classOf(b.classes, *v)
}

// item is a region's entry in the map's data: its code (its shape's),
// legend entry, tooltip and page; hatched when its value is illustrative,
// marked when it is the instance's own region.
func (b *mapBuilder) item(r MapRegion) map[string]any {
	d := map[string]any{"name": r.Code, "value": b.piece(r.Value), "tip": b.tip(r)}
	if r.Link != "" {
		d["link"] = r.Link
	}
	if r.Illustrative && r.Value != nil {
		// Diagonal hatching: data contoh is marked on the map itself.
		d["itemStyle"] = map[string]any{"decal": map[string]any{"symbol": "rect", "color": mapHatch,
			"dashArrayX": []any{1, 0}, "dashArrayY": []any{1.5, 6}, "rotation": math.Pi / 4, "symbolSize": 1}}
	}
	if r.Code == b.in.Home {
		d["home"] = true
	}
	return d
}

// tip is a region's tooltip, a line each: its name, its value in the year
// (or that it has none), where it stands against the target or else its
// rank, and whether the value is illustrative.
func (b *mapBuilder) tip(r MapRegion) []string {
	l, ind, in := b.l, b.ind, b.in
	name := r.Name
	if name == "" {
		name = r.Code
	}
	if r.Value == nil {
		return []string{name, l.Get("map.noDataYear", in.Year)}
	}
	v := *r.Value
	tip := []string{name, strconv.Itoa(in.Year) + ": " + valueText(l, ind, v)}
	if in.Target != nil {
		goal := in.PlanName + " " + strconv.Itoa(in.Target.Year) + " (" + targetText(l, ind, *in.Target) + ")"
		if b.meets(v) {
			tip = append(tip, l.Get("map.statusMeets", goal))
		} else {
			tip = append(tip, l.Get("map.statusNotYet", goal))
		}
	} else if ind.Polarity != domain.Neutral {
		tip = append(tip, l.Get("map.rank", b.ranked[r.Code], len(b.ranked)))
	}
	if r.Illustrative {
		tip = append(tip, l.Get("map.illustrative"))
	}
	return tip
}

// series is the map series of the regions' data, drawn above the legend.
func (b *mapBuilder) series(data []map[string]any, legendHeight int) []map[string]any {
	return []map[string]any{{
		"type": "map", "name": b.ind.Name(b.l) + " " + strconv.Itoa(b.in.Year), "map": "pantau-" + b.in.ID, "data": data,
		"nameProperty": "code", "roam": false, "selectedMode": false, "showLegendSymbol": false,
		"top": 8, "left": 8, "right": 8, "bottom": legendHeight + 8,
		"label":     map[string]any{"show": false},
		"itemStyle": map[string]any{"borderColor": "#ffffff", "borderWidth": 0.8},
		"emphasis":  map[string]any{"label": map[string]any{"show": false}, "itemStyle": map[string]any{"borderColor": "#1b1f24", "borderWidth": 2}},
	}}
}

// visualMap is the legend, one exact-value piece an entry.
func (b *mapBuilder) visualMap() map[string]any {
	visualPieces := make([]map[string]any, len(b.pieces))
	for i, p := range b.pieces {
		visualPieces[i] = map[string]any{"value": i, "label": p.label, "color": p.colour}
	}
	return map[string]any{
		"type": "piecewise", "pieces": visualPieces, "seriesIndex": 0, "orient": "vertical",
		"left": 8, "bottom": 4, "itemWidth": 18, "itemHeight": 12, "itemGap": 8, "selectedMode": false,
		"hoverLink": true, "inverse": true, // pieces top to bottom in the order given
	}
}

// mapShapes tells the bootstrap where the shapes are, and which region to
// outline as the instance's own.
func mapShapes(in MapInput) map[string]any {
	pm := map[string]any{"shapes": in.ShapesURL}
	if in.Home != "" {
		pm["home"] = in.Home
	}
	if in.OutlineURL != "" && in.Home != "" {
		pm["outline"] = in.OutlineURL
	}
	return pm
}

// meetsTarget reports whether v meets the target for the indicator's polarity.
func meetsTarget(ind domain.Indicator, t domain.Target, v float64) bool { return meets(ind, t, v) }

// gradedClasses splits values into at most maxMapClasses equal intervals
// on a round step (1, 2, 2.5, 5 × 10ⁿ), best first for the polarity, the
// lightest colour on the best class.
func gradedClasses(l locale.Lang, ind domain.Indicator, values []float64) []mapClass {
	if len(values) == 0 {
		return nil
	}
	lo, hi := slices.Min(values), slices.Max(values)
	distinct := len(slices.Compact(slices.Sorted(slices.Values(values))))
	k := min(5, distinct)
	var bounds []float64
	if hi == lo {
		step := niceStep(math.Max(math.Abs(lo)*0.1, math.Pow(10, -float64(ind.Decimals))))
		start := math.Floor(lo/step) * step
		bounds = []float64{round(start, step), round(start+step, step)}
	} else {
		step := niceStepBelow((hi - lo) / float64(k))
		start := math.Floor(lo/step) * step
		for b := start; ; b += step {
			bounds = append(bounds, round(b, step))
			if b > hi {
				break
			}
		}
		for len(bounds)-1 > maxMapClasses {
			step = niceStep(step * 1.5) // the next round step up
			bounds = bounds[:0]
			for b := start; ; b += step {
				bounds = append(bounds, round(b, step))
				if b > hi {
					break
				}
			}
		}
	}
	n := len(bounds) - 1
	classes := make([]mapClass, n)
	colours := spread(mapScale, n)
	for i := range n {
		a, b := bounds[i], bounds[i+1]
		classes[i] = mapClass{lo: a, hi: b, label: progress.FormatNumberTrim(l, a, ind.Decimals) + " – <" + progress.FormatValueTrim(l, b, ind.Decimals, ind.Unit)}
	}
	if ind.Polarity == domain.HigherIsBetter {
		slices.Reverse(classes)
	}
	for i := range classes {
		classes[i].colour = colours[i]
	}
	return classes
}

// niceStepBelow is the largest 1, 2, 2.5 or 5 × 10ⁿ not above raw: a step
// rounded down gives at least the classes asked for (the loop above
// widens it when that makes too many).
func niceStepBelow(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{2, 2.5, 5} {
		if m*p <= raw {
			step = m * p
		}
	}
	return step
}

// classOf is the index of the class holding v.
func classOf(classes []mapClass, v float64) int {
	for i, c := range classes {
		if v >= c.lo && v < c.hi {
			return i
		}
	}
	// Rounding of the bounds: the nearest class.
	best, dist := 0, math.Inf(1)
	for i, c := range classes {
		if d := math.Min(math.Abs(v-c.lo), math.Abs(v-c.hi)); d < dist {
			best, dist = i, d
		}
	}
	return best
}

// spread picks n colours evenly from the scale, light to dark.
func spread(scale []string, n int) []string {
	if n <= 1 {
		return scale[:1]
	}
	out := make([]string, n)
	for i := range n {
		out[i] = scale[int(math.Round(float64(i)*float64(len(scale)-1)/float64(n-1)))]
	}
	return out
}

// rankOf ranks the regions with a value, best first for the polarity
// (ties share a rank).
func rankOf(ind domain.Indicator, regions []MapRegion) map[string]int {
	var vals []MapRegion
	for _, r := range regions {
		if r.Value != nil {
			vals = append(vals, r)
		}
	}
	slices.SortStableFunc(vals, func(a, b MapRegion) int {
		if ind.Polarity == domain.HigherIsBetter {
			return compareFloat(*b.Value, *a.Value)
		}
		return compareFloat(*a.Value, *b.Value)
	})
	out := map[string]int{}
	for i, r := range vals {
		if i > 0 && *r.Value == *vals[i-1].Value {
			out[r.Code] = out[vals[i-1].Code]
			continue
		}
		out[r.Code] = i + 1
	}
	return out
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mapTable is the map's data as text: every child, with or without a
// value, in the order of the regions given.
func mapTable(in MapInput, ranked map[string]int) Table {
	l, ind := in.Lang, in.Indicator
	t := Table{Head: []string{l.Get("chart.district"), l.Get("chart.value") + " " + strconv.Itoa(in.Year)}}
	if in.Target != nil {
		t.Head = append(t.Head, l.Get("chart.meetsGoal")+" ("+targetText(l, ind, *in.Target)+")")
	} else if ind.Polarity != domain.Neutral {
		t.Head = append(t.Head, l.Get("chart.rank"))
	}
	t.Head = append(t.Head, l.Get("map.note"))
	for _, r := range in.Regions {
		name := r.Name
		if name == "" {
			name = r.Code
		}
		row := []string{name, "–"}
		status, note := "–", ""
		if r.Value != nil {
			row[1] = valueText(l, ind, *r.Value)
			if in.Target != nil {
				status = yesNo(l, meetsTarget(ind, *in.Target, *r.Value))
			} else {
				status = strconv.Itoa(ranked[r.Code])
			}
			if r.Illustrative {
				note = l.Get("map.illustrative")
			}
		} else {
			note = l.Get("map.noData")
		}
		if in.Target != nil || ind.Polarity != domain.Neutral {
			row = append(row, status)
		}
		t.Rows = append(t.Rows, append(row, note))
	}
	return t
}

// MapCaption describes a map in one sentence: how many children have a
// value, the best and the worst, and how many meet the target.
func MapCaption(l locale.Lang, ind domain.Indicator, regionName string, year int, regions []MapRegion, target *domain.Target) string {
	ranked := rankOf(ind, regions)
	var best, worst *MapRegion
	met := 0
	for i, r := range regions {
		if r.Value == nil {
			continue
		}
		if best == nil || ranked[r.Code] < ranked[best.Code] {
			best = &regions[i]
		}
		if worst == nil || ranked[r.Code] > ranked[worst.Code] {
			worst = &regions[i]
		}
		if target != nil && meetsTarget(ind, *target, *r.Value) {
			met++
		}
	}
	s := l.Get("map.caption", ind.Name(l), regionName, year, len(ranked), len(regions))
	if best != nil && ind.Polarity != domain.Neutral && len(ranked) > 1 {
		s += l.Get("map.captionBest", best.Name, valueText(l, ind, *best.Value), worst.Name, valueText(l, ind, *worst.Value))
	}
	if target != nil {
		s += l.Get("map.captionTarget", met, targetText(l, ind, *target))
	}
	return s + "."
}
