// Package ogimage draws the social preview of a Pantau chart: a PNG of
// Width × Height pixels (the 1.91:1 size Facebook, X and WhatsApp show
// large) with the chart's title, region, series and plan targets, caption,
// source line and the illustrative mark. It draws with gonum.org/v1/plot,
// whose fonts (Liberation) are embedded in the binary: no system fonts, no
// browser, no Node at run time.
//
// It knows nothing of HTTP or the store: callers hand it a Card of plain
// values and cache the bytes.
package ogimage

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Width and Height are the image's size in pixels.
const (
	Width  = 1200
	Height = 630
)

// Point is one observed value.
type Point struct {
	Year  int
	Value float64
}

// Series is one line: the total, or one group of a breakdown.
type Series struct {
	Name   string
	Points []Point
}

// Target is a plan's target for a year; High > Low for a range.
type Target struct {
	Plan      string
	Year      int
	Low, High float64
}

// Bar is one region's value in a districts chart.
type Bar struct {
	Label string
	Value float64
}

// Card is what the image shows. Series and Targets draw a line chart;
// Bars (when there are no series) a horizontal bar chart.
type Card struct {
	Title, Region string
	// Mark is the illustrative mark ("(data contoh)"), "" for real data.
	Mark    string
	Caption string
	// Source is the source line, drawn at the foot.
	Source string
	Unit   string
	Series []Series
	// Projection continues the first series as a dashed trend line (from
	// its latest value), named ProjectionName in the legend.
	Projection     []Point
	ProjectionName string
	Targets        []Target
	Bars           []Bar
	// NoData is said where there is nothing to draw.
	NoData string
	// Comma writes the axis's decimals with a comma (Indonesian).
	Comma bool
}

var (
	ink     = color.RGBA{0x1b, 0x1f, 0x24, 0xff}
	muted   = color.RGBA{0x5b, 0x64, 0x70, 0xff}
	paper   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	demoFg  = color.RGBA{0x92, 0x40, 0x0e, 0xff}
	demoBg  = color.RGBA{0xff, 0xed, 0xd5, 0xff}
	accent  = color.RGBA{0x1d, 0x4e, 0xd8, 0xff}
	palette = []color.Color{
		color.RGBA{0x25, 0x63, 0xeb, 0xff}, color.RGBA{0xdb, 0x27, 0x77, 0xff}, color.RGBA{0x05, 0x96, 0x69, 0xff},
		color.RGBA{0x7c, 0x3a, 0xed, 0xff}, color.RGBA{0x0e, 0x74, 0x90, 0xff}, color.RGBA{0x65, 0xa3, 0x0d, 0xff},
	}
	// targetColours mark plans apart from the series' colours.
	targetColours = []color.Color{color.RGBA{0xea, 0x58, 0x0c, 0xff}, color.RGBA{0xb9, 0x1c, 0x1c, 0xff}, color.RGBA{0x7c, 0x2d, 0x12, 0xff}}
)

func face(size float64, bold bool) font.Face {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Length(size)}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return font.DefaultCache.Lookup(f, f.Size)
}

// Render draws the card as a PNG.
func Render(c Card) ([]byte, error) {
	// At 72 dpi one point is one pixel, so sizes below are pixels.
	img := vgimg.NewWith(vgimg.UseWH(Width, Height), vgimg.UseDPI(72), vgimg.UseBackgroundColor(paper))
	dc := draw.New(img)
	const margin = 40.0
	y := float64(Height) - margin

	// Title (up to two lines), then the region with the illustrative mark.
	title := face(36, true)
	lines := wrap(title, c.Title, Width-2*margin, 2)
	for _, l := range lines {
		y -= 38
		img.SetColor(ink)
		img.FillString(title, vg.Point{X: margin, Y: vg.Length(y)}, l)
	}
	sub := face(24, false)
	y -= 34
	x := margin
	if c.Region != "" {
		img.SetColor(muted)
		img.FillString(sub, vg.Point{X: vg.Length(x), Y: vg.Length(y)}, c.Region)
		x += float64(sub.Width(c.Region)) + 16
	}
	if c.Mark != "" {
		mark := face(22, true)
		w := float64(mark.Width(c.Mark))
		img.SetColor(demoBg)
		img.Fill(roundRect(x, y-8, w+24, 32, 16))
		img.SetColor(demoFg)
		img.FillString(mark, vg.Point{X: vg.Length(x + 12), Y: vg.Length(y)}, c.Mark)
	}

	// Foot: the source line, and above it the caption (up to two lines).
	small := face(19, false)
	foot := margin - 8
	brand := face(22, true)
	img.SetColor(accent)
	img.FillString(brand, vg.Point{X: vg.Length(Width - margin - float64(brand.Width("Pantau"))), Y: vg.Length(foot)}, "Pantau")
	img.SetColor(muted)
	srcLines := wrap(small, c.Source, Width-2*margin-120, 2)
	for i := len(srcLines) - 1; i >= 0; i-- {
		img.FillString(small, vg.Point{X: margin, Y: vg.Length(foot)}, srcLines[i])
		foot += 23
	}
	capFace := face(22, false)
	capLines := wrap(capFace, c.Caption, Width-2*margin, 2)
	bottom := foot + 12
	img.SetColor(ink)
	for i := len(capLines) - 1; i >= 0; i-- {
		img.FillString(capFace, vg.Point{X: margin, Y: vg.Length(bottom)}, capLines[i])
		bottom += 28
	}

	// The chart between them.
	top := y - 22
	area := draw.Crop(dc, vg.Length(margin-10), -vg.Length(margin-10), vg.Length(bottom), vg.Length(top-float64(Height)))
	p, err := c.plot()
	if err != nil {
		return nil, fmt.Errorf("ogimage: %w", err)
	}
	if p == nil {
		img.SetColor(muted)
		msg := face(28, false)
		mid := (bottom + top) / 2
		img.FillString(msg, vg.Point{X: vg.Length((Width - float64(msg.Width(c.NoData))) / 2), Y: vg.Length(mid)}, c.NoData)
	} else {
		p.Draw(area)
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("ogimage: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// plot builds the chart, nil when there is nothing to draw.
func (c Card) plot() (*plot.Plot, error) {
	p := newPlot()
	drawn, err := c.addSeries(p)
	if err != nil {
		return nil, err
	}
	if drawn {
		if len(c.Projection) > 1 {
			if err := c.addProjection(p); err != nil {
				return nil, err
			}
		}
		if err := c.addTargets(p); err != nil {
			return nil, err
		}
		c.setYearAxes(p)
		return p, nil
	}
	if len(c.Bars) == 0 {
		return nil, nil
	}
	if err := c.addBars(p); err != nil {
		return nil, err
	}
	return p, nil
}

// newPlot is an empty chart in the card's style: muted axes, the legend at
// the top, horizontal grid lines only.
func newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.Transparent
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Tick.Label.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 18)
		ax.Tick.Label.Color = muted
		ax.Label.TextStyle.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 18)
		ax.Label.TextStyle.Color = muted
		ax.Color, ax.Tick.Color = muted, muted
	}
	p.Legend.TextStyle.Font = font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, 18)
	p.Legend.TextStyle.Color = ink
	p.Legend.Top = true
	p.Legend.Padding = 4
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = color.RGBA{0xdd, 0xe1, 0xe6, 0xff}
	p.Add(grid)
	return p
}

// addSeries draws each series with points as a line in its palette colour,
// and reports whether any was drawn.
func (c Card) addSeries(p *plot.Plot) (drawn bool, err error) {
	for i, s := range c.Series {
		if len(s.Points) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(yearXYs(s.Points))
		if err != nil {
			return false, err
		}
		col := palette[i%len(palette)]
		l.Color, l.Width = col, 4
		sc.Color, sc.Shape, sc.Radius = col, draw.CircleGlyph{}, 6
		p.Add(l, sc)
		if s.Name != "" {
			p.Legend.Add(s.Name, l, sc)
		}
		drawn = true
	}
	return drawn, nil
}

// addProjection draws the projection dashed, in the first series' colour.
func (c Card) addProjection(p *plot.Plot) error {
	l, sc, err := plotter.NewLinePoints(yearXYs(c.Projection))
	if err != nil {
		return err
	}
	l.Color, l.Width, l.Dashes = palette[0], 3, []vg.Length{12, 8}
	sc.Color, sc.Shape, sc.Radius = palette[0], draw.RingGlyph{}, 5
	p.Add(l, sc)
	p.Legend.Add(c.ProjectionName, l, sc)
	return nil
}

func yearXYs(points []Point) plotter.XYs {
	xys := make(plotter.XYs, len(points))
	for j, pt := range points {
		xys[j] = plotter.XY{X: float64(pt.Year), Y: pt.Value}
	}
	return xys
}

// addTargets draws the targets, one colour a plan in the order the plans
// first appear, a range as an error bar.
func (c Card) addTargets(p *plot.Plot) error {
	plans := []string{}
	byPlan := map[string][]Target{}
	for _, t := range c.Targets {
		if _, ok := byPlan[t.Plan]; !ok {
			plans = append(plans, t.Plan)
		}
		byPlan[t.Plan] = append(byPlan[t.Plan], t)
	}
	for i, plan := range plans {
		ts := byPlan[plan]
		pts := make(targetPoints, len(ts))
		copy(pts, ts)
		col := targetColours[i%len(targetColours)]
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.Color, sc.Shape, sc.Radius = col, draw.PyramidGlyph{}, 9
		p.Add(sc)
		if pts.ranged() {
			eb, err := plotter.NewYErrorBars(pts)
			if err != nil {
				return err
			}
			eb.Color, eb.Width, eb.CapWidth = col, 3, 14
			p.Add(eb)
		}
		p.Legend.Add(plan, sc)
	}
	return nil
}

// setYearAxes sets a line chart's axes: years along x, the unit's numbers
// up y from 0 when the values are near it, with room above them for the
// legend.
func (c Card) setYearAxes(p *plot.Plot) {
	p.X.Tick.Marker = yearTicks{}
	p.X.Padding, p.Y.Padding = 12, 12
	p.Y.Label.Text = c.Unit
	p.Y.Tick.Marker = numberTicks{c.Comma}
	padRange(&p.X.Min, &p.X.Max, 0.5)
	if p.Y.Min > 0 && p.Y.Min < (p.Y.Max-p.Y.Min) {
		p.Y.Min = 0
	}
	p.Y.Max += (p.Y.Max - p.Y.Min) * 0.2
}

// addBars draws the bars horizontally, the first at the top as the list
// reads, thinner and in smaller type the more there are.
func (c Card) addBars(p *plot.Plot) error {
	bars := c.Bars
	const most = 30 // a regency's kecamatan fit; beyond, the first (highest) ones
	if len(bars) > most {
		bars = bars[:most]
	}
	vals := make(plotter.Values, len(bars))
	names := make([]string, len(bars))
	for i, b := range bars {
		vals[len(bars)-1-i] = b.Value
		names[len(bars)-1-i] = b.Label
	}
	bc, err := plotter.NewBarChart(vals, vg.Length(math.Min(36, math.Max(6, 300/float64(len(bars))))))
	if err != nil {
		return err
	}
	bc.Horizontal, bc.Color, bc.LineStyle.Width = true, palette[0], 0
	p.Add(bc)
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Length(math.Min(18, 260/float64(len(bars))+4))
	p.X.Label.Text = c.Unit
	p.X.Tick.Marker = numberTicks{c.Comma}
	p.X.Min = math.Min(0, p.X.Min)
	return nil
}

// targetPoints are one plan's targets, at the middle of their range.
type targetPoints []Target

func (t targetPoints) Len() int { return len(t) }
func (t targetPoints) XY(i int) (float64, float64) {
	return float64(t[i].Year), (t[i].Low + math.Max(t[i].Low, t[i].High)) / 2
}
func (t targetPoints) YError(i int) (float64, float64) {
	h := (math.Max(t[i].Low, t[i].High) - t[i].Low) / 2
	return h, h
}
func (t targetPoints) ranged() bool {
	for _, x := range t {
		if x.High > x.Low {
			return true
		}
	}
	return false
}

// yearTicks labels whole years, thinned to at most ten.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := int(math.Ceil(min)), int(math.Floor(max))
	step := 1
	for (hi-lo)/step > 10 {
		step++
	}
	var out []plot.Tick
	for y := lo; y <= hi; y += step {
		out = append(out, plot.Tick{Value: float64(y), Label: strconv.Itoa(y)})
	}
	return out
}

// numberTicks are plot's default ticks, with a decimal comma if asked.
type numberTicks struct{ comma bool }

func (n numberTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	if n.comma {
		for i := range ts {
			ts[i].Label = strings.ReplaceAll(ts[i].Label, ".", ",")
		}
	}
	return ts
}

func padRange(lo, hi *float64, by float64) { *lo -= by; *hi += by }

// wrap breaks s into at most n lines of width w, the last one clipped.
func wrap(f font.Face, s string, w float64, n int) []string {
	var lines []string
	cur := ""
	words := strings.Fields(s)
	for i, word := range words {
		next := strings.TrimSpace(cur + " " + word)
		if cur != "" && float64(f.Width(next)) > w {
			lines = append(lines, cur)
			cur = word
			if len(lines) == n-1 {
				cur = strings.Join(words[i:], " ")
				break
			}
			continue
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, clip(f, cur, w))
	}
	return lines
}

// clip shortens s with an ellipsis to fit width w.
func clip(f font.Face, s string, w float64) string {
	if float64(f.Width(s)) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && float64(f.Width(string(r)+"…")) > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// roundRect is a rectangle with corners of radius r (a pill when r is
// half its height).
func roundRect(x, y, w, h, r float64) vg.Path {
	var p vg.Path
	pt := func(x, y float64) vg.Point { return vg.Point{X: vg.Length(x), Y: vg.Length(y)} }
	p.Move(pt(x+r, y))
	p.Line(pt(x+w-r, y))
	p.Arc(pt(x+w-r, y+r), vg.Length(r), -math.Pi/2, math.Pi/2)
	p.Line(pt(x+w, y+h-r))
	p.Arc(pt(x+w-r, y+h-r), vg.Length(r), 0, math.Pi/2)
	p.Line(pt(x+r, y+h))
	p.Arc(pt(x+r, y+h-r), vg.Length(r), math.Pi/2, math.Pi/2)
	p.Line(pt(x, y+r))
	p.Arc(pt(x+r, y+r), vg.Length(r), math.Pi, math.Pi/2)
	p.Close()
	return p
}
