package importer

import (
	"math"

	"pantau/internal/domain"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// Warning is a value the dry run finds implausible, or a validation rule it
// breaks: listed before saving, and an upload carrying one is stored only
// when the sender confirms it (Request.ConfirmWarnings). The reader's own
// warnings (a 50% jump, no rows) come in the same list with only the
// RowError fields, and need no confirmation.
type Warning struct {
	ingest.RowError
	Indicator string                `json:"indicator,omitempty"`
	Region    string                `json:"region,omitempty"`
	Year      int                   `json:"year,omitempty"`
	Disagg    domain.Disaggregation `json:"disaggregation,omitempty"`
	Old       *float64              `json:"old_value,omitempty"`
	New       *float64              `json:"new_value,omitempty"`
	// Against is what the value was compared with: "stored" (the value it
	// replaces), "previous_year", or "rule" (Rule names it).
	Against string `json:"against,omitempty"`
	Rule    string `json:"rule,omitempty"`
	// Confirm says storing the file needs confirm_warnings=true.
	Confirm bool `json:"needs_confirmation,omitempty"`
}

// Warning codes, beside the reader's.
const (
	// CodeTenfold: a value 10× or more above or below the one compared with.
	CodeTenfold = "tenfold"
	// CodeDecimalSlip: about 1000× (500–2000×): the decimal convention
	// read the wrong way (850.022 read as 850,022).
	CodeDecimalSlip = "decimal_slip"
	// CodePercentJump: a percentage moving more in a year than its range
	// makes plausible (a fifth of it: 20 points for 0–100).
	CodePercentJump = "percent_jump"
	// CodeRule: a validation rule of the catalogue broken.
	CodeRule = "rule"
)

// maxWarnings caps the plausibility warnings listed; the rest are counted.
const maxWarnings = 200

// plausibility checks each value as it is read against the value it
// replaces and the year before (from the file when it holds that year,
// else from the store).
type plausibility struct {
	lang   locale.Lang
	cat    *domain.Catalog
	values *store.StoredValues
	last   map[seriesID]yearValue
	list   []Warning
	count  int
}

// seriesID is an observation's series: its key without the year.
type seriesID struct {
	indicator, region string
	disagg            domain.Disaggregation
}

type yearValue struct {
	year  int
	value float64
}

func newPlausibility(lang locale.Lang, cat *domain.Catalog, values *store.StoredValues) *plausibility {
	return &plausibility{lang: lang, cat: cat, values: values, last: map[seriesID]yearValue{}}
}

// check looks at one value. One warning per value at most: against the
// stored value first, then the year before.
func (p *plausibility) check(o domain.Observation) {
	id := seriesID{o.IndicatorCode, o.RegionCode, o.Disagg}
	prev, inFile := p.last[id]
	if !inFile || o.Year > prev.year {
		p.last[id] = yearValue{o.Year, o.Value}
	}
	if old, ok := p.values.Get(o.ObservationKey); ok && old.Value != o.Value {
		if p.ratio(o, old.Value, "stored", 0) {
			return
		}
	}
	var ref float64
	ok := false
	if inFile && prev.year == o.Year-1 {
		ref, ok = prev.value, true
	} else {
		k := o.ObservationKey
		k.Year--
		ref, ok = p.values.Value(k)
	}
	if !ok || p.ratio(o, ref, "previous_year", o.Year-1) {
		return
	}
	limit, ok := PercentJumpLimit(p.cat.Indicators[o.IndicatorCode])
	if !ok {
		return
	}
	if d := math.Abs(o.Value - ref); d > limit {
		p.add(o, CodePercentJump, ref, "previous_year", p.lang.Get("changes.warnJump", p.regionName(o.RegionCode), o.Year,
			p.num(o.Value), p.num(d), p.lang.Get("changes.againstYear", o.Year-1), p.num(ref), p.num(limit)))
	}
}

// PercentJumpLimit is how far a percentage may move from one year to the
// next before an upload warns (CodePercentJump): a fifth of its range, 20
// points for 0–100. ok is false for an indicator that is no percentage.
func PercentJumpLimit(ind domain.Indicator) (limit float64, ok bool) {
	if ind.Unit != domain.UnitPercent {
		return 0, false
	}
	lo, hi := ind.Bounds()
	limit = (hi - lo) / 5
	return limit, !math.IsInf(limit, 0) && !math.IsNaN(limit)
}

// ratio warns when v is 10× or more above or below ref, and reports
// whether it did.
func (p *plausibility) ratio(o domain.Observation, ref float64, against string, year int) bool {
	if ref == 0 || o.Value == 0 || math.IsNaN(ref) {
		return false
	}
	r := math.Abs(o.Value / ref)
	if r < 10 && r > 0.1 {
		return false
	}
	factor := p.num(math.Round(r*10) / 10)
	if r < 1 {
		factor = "1/" + p.num(math.Round(10/r)/10)
	}
	what := p.lang.Get("changes.againstStored")
	if against == "previous_year" {
		what = p.lang.Get("changes.againstYear", year)
	}
	code, msg := CodeTenfold, "changes.warnRatio"
	if big := math.Max(r, 1/r); big >= 500 && big <= 2000 {
		code, msg = CodeDecimalSlip, "changes.warnDecimal"
	}
	p.add(o, code, ref, against, p.lang.Get(msg, p.regionName(o.RegionCode), o.Year, p.num(o.Value), factor, what, p.num(ref)))
	return true
}

func (p *plausibility) add(o domain.Observation, code string, ref float64, against, reason string) {
	p.count++
	if len(p.list) >= maxWarnings {
		return
	}
	v := o.Value
	p.list = append(p.list, Warning{RowError: ingest.RowError{Line: o.Line, Value: p.num(v), Reason: reason, Warning: true, Code: code},
		Indicator: o.IndicatorCode, Region: o.RegionCode, Year: o.Year, Disagg: o.Disagg, Old: &ref, New: &v, Against: against, Confirm: true})
}

func (p *plausibility) regionName(code string) string {
	if r, ok := p.cat.Regions[code]; ok && r.Name != "" {
		return r.Name
	}
	return code
}

func (p *plausibility) num(v float64) string { return progress.FormatNumberTrim(p.lang, v, 6) }
