// Package chart builds ECharts options for Pantau's charts with go-echarts
// and renders them safely into pages.
//
// go-echarts is used for its option types only. Its own Render writes the
// option JSON into a <script> without HTML escaping and turns any string
// containing "__f__" into live JavaScript, so a region or indicator name from
// an uploaded CSV would become stored XSS. Here every option is plain data:
// builders never use FuncOpts, formatters are ECharts string templates
// ("{a}<br/>{b}", which ECharts HTML-encodes when it fills them in), and
// Renderer encodes the option with encoding/json (which escapes <, > and &)
// into a non-executable <script type="application/json"> block that our own
// static script parses with JSON.parse.
//
// Numbers shown to readers (tooltips, mark-line labels, data tables) are
// formatted on the server with progress.FormatValue, so Indonesian pages say
// "0,49%" and English ones "0.49%".
package chart

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// Chart is one chart ready to render: its ECharts option, the sentence that
// describes it and the data it shows as a table (for screen readers, for
// readers without JavaScript and for print).
type Chart struct {
	// ID is stable for the same page and panel, so rendered output is
	// reproducible (golden tests, caching).
	ID      string
	Option  map[string]any
	Caption string
	Table   Table
	// Height is the chart's CSS height in pixels on a wide screen.
	Height int
	// BandHeights, when set, are its heights at each of legendBands.
	BandHeights []int
}

// Table is a chart's data as text, already formatted for the page language.
type Table struct {
	Head []string
	Rows [][]string
}

// Colours of the series kinds: the same in the light and dark themes, and
// distinguishable for the common colour-vision deficiencies.
const (
	colourObserved = "#2563eb"
	colourBand     = "#93c5fd"
	colourGood     = "#15803d"
	colourBad      = "#c2410c"
	colourNeutral  = "#64748b"
)

// planColours by plan level: the regency's own plan stands out most.
var planColours = map[domain.PlanLevel]string{
	domain.PlanRegency:  "#d97706",
	domain.PlanProvince: "#9333ea",
	domain.PlanNational: "#059669",
}

var idPattern = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// ID makes a chart ID from parts ("series", "kemiskinan", "16.07"): only
// letters, digits, '-' and '_', so it is safe in an HTML id and a CSS selector.
func ID(parts ...string) string {
	s := "chart"
	for _, p := range parts {
		s += "-" + idPattern.ReplaceAllString(p, "_")
	}
	return s
}

// finish validates a go-echarts chart and returns its option map with what
// every Pantau chart shares: accessibility descriptions, a transparent
// background (the page's theme shows through) and no animation on load, so
// screenshots and print are deterministic.
func finish(c interface {
	Validate()
	JSON() map[string]any
}, caption string) map[string]any {
	c.Validate()
	opt := c.JSON()
	opt["aria"] = map[string]any{"enabled": true, "label": map[string]any{"enabled": true, "description": caption}}
	opt["backgroundColor"] = "transparent"
	opt["animation"] = false
	// go-echarts always emits an empty toolbox and title; drop them so the
	// option says only what it means.
	delete(opt, "toolbox")
	delete(opt, "title")
	return opt
}

// years returns from..to inclusive as category labels.
func years(from, to int) []string {
	out := make([]string, 0, to-from+1)
	for y := from; y <= to; y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

// axisRange returns a rounded [min, max] and tick interval that contain
// every value, clipped to the indicator's possible range. ECharts draws
// nothing (not even a markLine) outside the axis, so targets must be in it.
func axisRange(values []float64, lo, hi float64) (min, max, step float64) {
	if len(values) == 0 {
		return 0, 1, 0.2
	}
	vmin, vmax := slices.Min(values), slices.Max(values)
	span := vmax - vmin
	if span == 0 {
		span = math.Max(math.Abs(vmax)*0.2, 1)
	}
	step = niceStep(span * 1.15 / 5)
	min = math.Floor((vmin-span*0.05)/step) * step
	max = math.Ceil((vmax+span*0.05)/step) * step
	// Rates that are never negative start at zero when zero is near, so a
	// bar or line is not read as more extreme than it is.
	if vmin >= 0 && min < 0 {
		min = 0
	}
	min, max = math.Max(min, lo), math.Min(max, hi)
	if max <= min {
		max = min + step
	}
	return round(min, step), round(max, step), step
}

// niceStep rounds a raw step up to 1, 2, 2.5 or 5 × 10ⁿ.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// round removes the binary noise of step arithmetic (0.30000000000000004),
// keeping one more decimal than the step has.
func round(v, step float64) float64 {
	d := 0
	if i := strings.IndexByte(strconv.FormatFloat(step, 'f', -1, 64), '.'); i >= 0 {
		d = len(strconv.FormatFloat(step, 'f', -1, 64)) - i
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
	return r
}

// legendBands are the chart widths in CSS pixels, widest first, by which a
// chart with a plain legend under its plot is laid out: a chart at least
// legendBands[i] wide (and narrower than the band before it) leaves its
// legend the rows it wraps onto at that width. The last band also serves
// anything narrower. The pages' style sheets hold the same widths as
// container queries (template "chartHeights"), which pick the chart's
// height from the --h… properties Render writes.
var legendBands = []int{1080, 900, 720, 560, 440, 360, 320, 280}

// fitLegend leaves room under the plot for a plain legend of items.
// ECharts wraps a legend onto as many rows as the chart's width needs but
// does not move the grid for it, so the option gets a media query per band
// of widths (ECharts evaluates them against the chart's own width, on
// every resize) setting the grid's bottom margin, and the chart a height
// per band, base plus the legend's rows, chosen by the style sheet before
// anything is drawn: nothing moves when the chart appears, a phone's
// legend does not run into the axis and a wide chart has no empty rows.
// The option's own grid is laid out for the widest band (legendBottom).
func (c *Chart) fitLegend(items []string, base int) {
	var media []map[string]any
	c.BandHeights = make([]int, len(legendBands))
	prev := 0
	for i, w := range legendBands {
		rows := legendRows(items, w)
		c.BandHeights[i] = base + 22*rows
		// ECharts applies every query that matches, in order, the
		// narrowest last; a band as tall as the one before needs none.
		if i > 0 && rows != prev {
			media = append(media, map[string]any{
				"query":  map[string]any{"maxWidth": legendBands[i-1] - 1},
				"option": map[string]any{"grid": map[string]any{"bottom": gridBottom(rows)}},
			})
		}
		prev = rows
	}
	c.Height = c.BandHeights[0]
	if len(media) == 0 {
		c.BandHeights = nil // one height fits every width
		return
	}
	c.Option["media"] = media
}

// legendBottom is the grid's bottom margin for a plain legend of items
// under the plot of a chart of the widest band; fitLegend adds the others.
func legendBottom(items []string) string { return gridBottom(legendRows(items, legendBands[0])) }

// gridBottom is the grid's bottom margin above a legend of rows rows.
func gridBottom(rows int) string { return strconv.Itoa(14 + 22*rows) }

// legendRows is how many rows ECharts' plain legend of items takes in a
// chart width px wide: each item is its 25 px symbol, 5 px to the text,
// the text (12 px sans-serif, about 6.5 px a character in the widest
// common font, DejaVu Sans) and 10 px to the next; the legend has 5 px of
// padding each side. An item that does not fit starts a row.
func legendRows(items []string, width int) int {
	avail := float64(width - 10)
	rows, used := 1, 0.0
	for _, it := range items {
		w := 40 + 6.5*float64(len([]rune(it)))
		if used > 0 && used+w > avail {
			rows, used = rows+1, 0
		}
		used += w
	}
	return rows
}

// PlanShort is how a plan is cited beside a value: "RPJMN", "RPJMD Kab.
// Banyuasin". An illustrative plan's "(data contoh)" is left to the badge
// pages show next to it.
func PlanShort(p domain.Plan) string {
	if p.Illustrative {
		if i := strings.LastIndex(p.Name, " ("); i > 0 && strings.HasSuffix(p.Name, ")") {
			p.Name = p.Name[:i]
		}
	}
	return progress.PlanLabel(p)
}

// valueText formats a value of ind for readers in lang.
func valueText(lang locale.Lang, ind domain.Indicator, v float64) string {
	return progress.FormatValue(lang, v, ind.Decimals, ind.Unit)
}

// targetText formats a target as plans write it: "0%", "9,37–10,37%".
func targetText(lang locale.Lang, ind domain.Indicator, t domain.Target) string {
	if !t.IsRange() {
		return progress.FormatValueTrim(lang, t.Low, ind.Decimals, ind.Unit)
	}
	return progress.FormatNumberTrim(lang, t.Low, ind.Decimals) + "–" + progress.FormatValueTrim(lang, t.High, ind.Decimals, ind.Unit)
}

// sortedPlans orders plans from the most local (the regency's own) to the
// nation's, then by code, so legends read in the same order everywhere.
func sortedPlans(plans []domain.Plan) []domain.Plan {
	rank := map[domain.PlanLevel]int{domain.PlanRegency: 0, domain.PlanProvince: 1, domain.PlanNational: 2}
	out := slices.Clone(plans)
	slices.SortFunc(out, func(a, b domain.Plan) int {
		return cmp.Or(cmp.Compare(rank[a.Level], rank[b.Level]), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// errorf keeps the package's error messages uniform.
func errorf(format string, args ...any) error {
	return fmt.Errorf("chart: "+format, args...)
}
