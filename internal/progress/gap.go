package progress

import (
	"math"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// GroupSeries is one group of a disaggregated series, such as
// jenis_kelamin=perempuan.
type GroupSeries struct {
	Disagg       domain.Disaggregation `json:"disaggregation"`
	Observations []domain.Observation  `json:"-"`
}

// GapYear is the gap between two groups in one year.
type GapYear struct {
	Year int     `json:"year"`
	A    float64 `json:"a"`
	B    float64 `json:"b"`
	// Gap is A − B in the indicator's unit.
	Gap float64 `json:"gap"`
	// Ratio is A / B; nil when B is 0.
	Ratio *float64 `json:"ratio,omitempty"`
}

// Movement says whether a gap or disparity measure shrank over time.
type Movement string

// Movements.
const (
	Closing  = Movement("closing")
	Widening = Movement("widening")
	Stable   = Movement("stable")
	TooFew   = Movement("insufficient_data")
)

// GroupGap compares two groups of a disaggregated series year by year.
type GroupGap struct {
	Indicator string                `json:"indicator"`
	A         domain.Disaggregation `json:"a"`
	B         domain.Disaggregation `json:"b"`
	Years     []GapYear             `json:"years"`
	// Movement compares |gap| in the first and last comparable year:
	// closing when it shrank (at the indicator's decimals).
	Movement Movement `json:"movement"`
	FromYear *int     `json:"from_year,omitempty"`
	ToYear   *int     `json:"to_year,omitempty"`
	// Change is |gap| last − |gap| first.
	Change *float64 `json:"change,omitempty"`
	// Better names the group with the better latest value (polarity-aware);
	// empty when equal or without a good direction.
	Better   domain.Disaggregation `json:"better,omitempty"`
	YearsWhy Text                  `json:"years_why"`
	Sentence Text                  `json:"sentence"`
}

// GapBetween compares groups a and b (a − b) over the years both have,
// from the last series break of either on: a gap measured by two methods is
// not compared.
func GapBetween(ind domain.Indicator, a, b GroupSeries) (GroupGap, error) {
	g := GroupGap{Indicator: ind.Code, A: a.Disagg, B: b.Disagg, Years: []GapYear{}, Movement: TooFew}
	pa, err := points(ind.Code, a.Observations)
	if err != nil {
		return g, err
	}
	pb, err := points(ind.Code, b.Observations)
	if err != nil {
		return g, err
	}
	start := 0
	for _, ps := range [][]Point{pa, pb} {
		for i, p := range ps {
			if i > 0 && p.Break && p.Year > start {
				start = p.Year
			}
		}
	}
	vb := make(map[int]float64, len(pb))
	for _, p := range pb {
		vb[p.Year] = p.Value
	}
	var excluded []int
	for _, p := range pa {
		v, ok := vb[p.Year]
		if !ok {
			continue
		}
		if p.Year < start {
			excluded = append(excluded, p.Year)
			continue
		}
		y := GapYear{Year: p.Year, A: p.Value, B: v, Gap: p.Value - v}
		if v != 0 {
			y.Ratio = finite(p.Value / v)
		}
		g.Years = append(g.Years, y)
	}
	years := make([]int, len(g.Years))
	for i, y := range g.Years {
		years[i] = y.Year
	}
	g.YearsWhy = say("progress.gap.years", yearsText(years))
	if start > 0 && len(excluded) > 0 {
		why := g.YearsWhy
		g.YearsWhy = both(func(l locale.Lang) string {
			return l.Get("progress.gap.years_break", why.In(l), yearsText(excluded), start)
		})
	}
	f := newFormatter(ind, append(pa, pb...))
	if len(g.Years) == 0 {
		g.Sentence = say("progress.gap.no_common")
		return g, nil
	}
	last := g.Years[len(g.Years)-1]
	switch s := ind.Polarity.Sign(); {
	case s*last.Gap > 0:
		g.Better = a.Disagg
	case s*last.Gap < 0:
		g.Better = b.Disagg
	}
	if len(g.Years) < 2 {
		g.Sentence = both(func(l locale.Lang) string {
			return l.Get("progress.gap.one_year", groupLabel(l, a.Disagg), groupLabel(l, b.Disagg), f.change(l, math.Abs(last.Gap)), last.Year)
		})
		return g, nil
	}
	first := g.Years[0]
	g.FromYear, g.ToYear = ptr(first.Year), ptr(last.Year)
	d := math.Abs(last.Gap) - math.Abs(first.Gap)
	g.Change = ptr(d)
	g.Movement = movement(roundTo(math.Abs(last.Gap), f.decimals) - roundTo(math.Abs(first.Gap), f.decimals))
	g.Sentence = both(func(l locale.Lang) string {
		verb := l.Get("progress.gap." + string(g.Movement))
		return l.Get("progress.gap.moved", groupLabel(l, a.Disagg), groupLabel(l, b.Disagg), verb, f.change(l, math.Abs(first.Gap)), first.Year, f.change(l, math.Abs(last.Gap)), last.Year)
	})
	return g, nil
}

// movement turns the change of a gap measure into a Movement: a smaller
// measure is a closing gap.
func movement(d float64) Movement {
	switch {
	case d < 0:
		return Closing
	case d > 0:
		return Widening
	}
	return Stable
}

// gapPairs are the comparisons BPS publishes: women against men, rural
// against urban; the first value is A, the second B.
var gapPairs = []struct{ dim, a, b string }{
	{"jenis_kelamin", "perempuan", "laki_laki"},
	{"daerah", "perdesaan", "perkotaan"},
}

// GroupGaps finds, among the groups of one indicator, every pair that
// differs only in sex (perempuan vs laki_laki) or area (perdesaan vs
// perkotaan), and compares each.
func GroupGaps(ind domain.Indicator, groups []GroupSeries) ([]GroupGap, error) {
	out := []GroupGap{}
	for _, ga := range groups {
		pa := ga.Disagg.Pairs()
		for _, pair := range gapPairs {
			if pa[pair.dim] != pair.a {
				continue
			}
			for _, gb := range groups {
				pb := gb.Disagg.Pairs()
				if pb[pair.dim] != pair.b || !sameExcept(pa, pb, pair.dim) {
					continue
				}
				g, err := GapBetween(ind, ga, gb)
				if err != nil {
					return nil, err
				}
				out = append(out, g)
			}
		}
	}
	return out, nil
}

func sameExcept(a, b map[string]string, dim string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if k != dim && b[k] != v {
			return false
		}
	}
	return true
}

// groupLabel writes a disaggregation for a sentence in l: "perempuan" or
// "women", "perdesaan, kelompok_umur=15-24".
func groupLabel(l locale.Lang, d domain.Disaggregation) string {
	if d == domain.Total {
		return "total"
	}
	parts := strings.Split(string(d), ";")
	for i, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		if k == "jenis_kelamin" || k == "daerah" {
			parts[i] = strings.ReplaceAll(v, "_", "-")
			if id := "progress.group." + v; l.Has(id) {
				parts[i] = l.Get(id)
			}
		}
	}
	return strings.Join(parts, ", ")
}
