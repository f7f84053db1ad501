package progress

import (
	"cmp"
	"math"
	"slices"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// DistrictValue is one district's value of an indicator in one year, with
// its population when known (needed for the Williamson index).
type DistrictValue struct {
	Region     string   `json:"region"`
	Name       string   `json:"name,omitempty"`
	Value      float64  `json:"value"`
	Population *float64 `json:"population,omitempty"`
}

// Rank is a district's place in a ranking; tied values share a rank
// (1, 2, 2, 4).
type Rank struct {
	Rank   int     `json:"rank"`
	Region string  `json:"region"`
	Name   string  `json:"name,omitempty"`
	Value  float64 `json:"value"`
}

// Disparity summarises how unequal the districts of a region are in one
// indicator and year.
type Disparity struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	N         int     `json:"n"`
	Mean      float64 `json:"mean"`
	// SD is the population standard deviation (divided by n): the districts
	// are the whole population, not a sample.
	SD float64 `json:"sd"`
	// CV is SD / Mean; nil when the mean is not positive.
	CV *float64 `json:"cv,omitempty"`
	// MaxMin is the highest value over the lowest; nil when the lowest is
	// not positive.
	MaxMin *float64 `json:"max_min_ratio,omitempty"`
	Max    Rank     `json:"max"`
	Min    Rank     `json:"min"`
	// WeightedMean and Williamson need every district's population.
	WeightedMean *float64 `json:"weighted_mean,omitempty"`
	// Williamson is the population-weighted coefficient of variation
	// (Williamson 1965, "Regional inequality and the process of national
	// development"), as Indonesian regional studies use it:
	//
	//	Iw = √( Σ (yᵢ − ȳ)² · pᵢ/P ) / ȳ
	//
	// with ȳ the population-weighted mean of the region.
	Williamson *float64 `json:"williamson,omitempty"`
	// Ranking is best first for the indicator's polarity (largest first for
	// a neutral indicator; nearest the band for a band).
	Ranking []Rank `json:"ranking"`
	Notes   []Text `json:"notes,omitempty"`
}

// DisparityOf computes the disparity measures for one year. It fails
// (ErrInvalid) on no values, a region given twice, or a non-finite value.
func DisparityOf(ind domain.Indicator, year int, values []DistrictValue) (Disparity, error) {
	d := Disparity{Indicator: ind.Code, Year: year, N: len(values), Ranking: []Rank{}}
	if len(values) == 0 {
		return d, domain.Errorf(domain.ErrInvalid, "progress: disparity of %s in %d: no district values", ind.Code, year)
	}
	seen := make(map[string]bool, len(values))
	var sum float64
	for _, v := range values {
		if seen[v.Region] {
			return d, domain.Errorf(domain.ErrInvalid, "progress: disparity of %s in %d: region %s given twice", ind.Code, year, v.Region)
		}
		seen[v.Region] = true
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return d, domain.Errorf(domain.ErrInvalid, "progress: disparity of %s in %d: value of %s is not a finite number", ind.Code, year, v.Region)
		}
		sum += v.Value
	}
	n := float64(len(values))
	d.Mean = sum / n
	var ss float64
	for _, v := range values {
		ss += (v.Value - d.Mean) * (v.Value - d.Mean)
	}
	d.SD = math.Sqrt(ss / n)
	if d.Mean > 0 {
		d.CV = finite(d.SD / d.Mean)
	} else {
		d.Notes = append(d.Notes, say("progress.disparity.cv_undefined"))
	}
	byValue := slices.Clone(values)
	slices.SortStableFunc(byValue, func(a, b DistrictValue) int { return cmp.Compare(a.Value, b.Value) })
	lo, hi := byValue[0], byValue[len(byValue)-1]
	d.Min = Rank{Region: lo.Region, Name: lo.Name, Value: lo.Value}
	d.Max = Rank{Region: hi.Region, Name: hi.Name, Value: hi.Value}
	if lo.Value > 0 {
		d.MaxMin = finite(hi.Value / lo.Value)
	} else {
		d.Notes = append(d.Notes, say("progress.disparity.maxmin_undefined"))
	}
	d.WeightedMean, d.Williamson = williamson(values)
	if d.Williamson == nil {
		d.Notes = append(d.Notes, say("progress.disparity.williamson_needs"))
	}
	d.Ranking = rank(ind, values)
	return d, nil
}

func williamson(values []DistrictValue) (mean, iw *float64) {
	var pop, wsum float64
	for _, v := range values {
		if v.Population == nil || !(*v.Population > 0) {
			return nil, nil
		}
		pop += *v.Population
		wsum += *v.Population * v.Value
	}
	m := wsum / pop
	mean = finite(m)
	if !(m > 0) {
		return mean, nil
	}
	var ss float64
	for _, v := range values {
		ss += (v.Value - m) * (v.Value - m) * *v.Population / pop
	}
	return mean, finite(math.Sqrt(ss) / m)
}

// rank orders the districts best first. For a band the badness is the
// distance outside the band; for a neutral indicator largest comes first.
func rank(ind domain.Indicator, values []DistrictValue) []Rank {
	key := func(v float64) float64 { return -v }
	switch ind.Polarity {
	case domain.LowerIsBetter:
		key = func(v float64) float64 { return v }
	case domain.Band:
		if ind.BandLow != nil && ind.BandHigh != nil {
			lo, hi := *ind.BandLow, *ind.BandHigh
			key = func(v float64) float64 { return math.Max(0, math.Max(lo-v, v-hi)) }
		}
	}
	sorted := slices.Clone(values)
	slices.SortStableFunc(sorted, func(a, b DistrictValue) int {
		return cmp.Or(cmp.Compare(key(a.Value), key(b.Value)), cmp.Compare(a.Region, b.Region))
	})
	out := make([]Rank, len(sorted))
	for i, v := range sorted {
		r := i + 1
		if i > 0 && key(v.Value) == key(sorted[i-1].Value) {
			r = out[i-1].Rank
		}
		out[i] = Rank{Rank: r, Region: v.Region, Name: v.Name, Value: v.Value}
	}
	return out
}

// MeasureChange is how one disparity measure moved between the first and
// last year it is defined in.
type MeasureChange struct {
	FromYear *int     `json:"from_year,omitempty"`
	ToYear   *int     `json:"to_year,omitempty"`
	From     *float64 `json:"from,omitempty"`
	To       *float64 `json:"to,omitempty"`
	Change   *float64 `json:"change,omitempty"`
	Movement Movement `json:"movement"`
}

// DisparityTrend is the disparity of one indicator over several years: are
// the gaps between districts closing?
type DisparityTrend struct {
	Indicator  string        `json:"indicator"`
	Years      []Disparity   `json:"years"`
	CV         MeasureChange `json:"cv"`
	MaxMin     MeasureChange `json:"max_min_ratio"`
	Williamson MeasureChange `json:"williamson"`
	Sentence   Text          `json:"sentence"`
}

// DisparityOverTime computes DisparityOf for every year in byYear and how
// each measure moved from the first to the last year it is defined in (a
// falling measure is a closing gap). Values are compared at four decimals so
// that rounding noise does not read as movement.
func DisparityOverTime(ind domain.Indicator, byYear map[int][]DistrictValue) (DisparityTrend, error) {
	t := DisparityTrend{Indicator: ind.Code, Years: []Disparity{}}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		d, err := DisparityOf(ind, y, byYear[y])
		if err != nil {
			return t, err
		}
		t.Years = append(t.Years, d)
	}
	t.CV = measureChange(t.Years, func(d Disparity) *float64 { return d.CV })
	t.MaxMin = measureChange(t.Years, func(d Disparity) *float64 { return d.MaxMin })
	t.Williamson = measureChange(t.Years, func(d Disparity) *float64 { return d.Williamson })
	main, name := t.CV, "progress.disparity.cv"
	if t.Williamson.Movement != TooFew {
		main, name = t.Williamson, "progress.disparity.williamson"
	}
	t.Sentence = both(func(l locale.Lang) string {
		if main.Movement == TooFew || main.From == nil {
			return l.Get("progress.disparity.too_few")
		}
		verb := l.Get("progress.disparity." + string(main.Movement))
		return l.Get("progress.disparity.moved", verb, l.Get(name), FormatNumber(l, *main.From, 3), *main.FromYear, FormatNumber(l, *main.To, 3), *main.ToYear)
	})
	return t, nil
}

func measureChange(ds []Disparity, get func(Disparity) *float64) MeasureChange {
	m := MeasureChange{Movement: TooFew}
	var first, last *Disparity
	for i := range ds {
		if get(ds[i]) != nil {
			if first == nil {
				first = &ds[i]
			}
			last = &ds[i]
		}
	}
	if first == nil || first == last {
		return m
	}
	from, to := *get(*first), *get(*last)
	m.FromYear, m.ToYear, m.From, m.To = ptr(first.Year), ptr(last.Year), ptr(from), ptr(to)
	m.Change = ptr(to - from)
	m.Movement = movement(roundTo(to, 4) - roundTo(from, 4))
	return m
}
