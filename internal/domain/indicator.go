package domain

import (
	"math"
	"pantau/internal/locale"
	"regexp"
	"strings"
)

// Polarity says which direction of change is good.
type Polarity string

// Polarities. A band (inflation 2.5 ± 1) is good inside [BandLow, BandHigh].
const (
	HigherIsBetter = Polarity("higher")
	LowerIsBetter  = Polarity("lower")
	Band           = Polarity("band")
	// Neutral is for context series such as population, which have no good direction.
	Neutral = Polarity("neutral")
)

// Sign returns +1 when an increase is good, -1 when a decrease is good and
// 0 for bands and neutral series.
func (p Polarity) Sign() float64 {
	switch p {
	case HigherIsBetter:
		return 1
	case LowerIsBetter:
		return -1
	}
	return 0
}

// Units Pantau knows; others are accepted as free text.
const (
	UnitPercent    = "persen"
	UnitIndex      = "indeks"
	UnitRupiah     = "rupiah"
	UnitRatio      = "rasio"
	UnitPersons    = "jiwa"
	UnitThousand   = "ribu_jiwa"
	UnitPercentPts = "poin"
)

// Indicator is a measured quantity with its metadata.
type Indicator struct {
	Code         string   `json:"code" db:"code"`
	NameID       string   `json:"name_id" db:"name_id"`
	NameEN       string   `json:"name_en" db:"name_en"`
	Unit         string   `json:"unit" db:"unit"`
	Polarity     Polarity `json:"polarity" db:"polarity"`
	BandLow      *float64 `json:"band_low,omitempty" db:"band_low"`
	BandHigh     *float64 `json:"band_high,omitempty" db:"band_high"`
	Min          *float64 `json:"min,omitempty" db:"min_value"`
	Max          *float64 `json:"max,omitempty" db:"max_value"`
	Decimals     int      `json:"decimals" db:"decimals"`
	Source       string   `json:"source" db:"source"`
	Definition   string   `json:"definition" db:"definition"`
	DefinitionEN string   `json:"definition_en,omitempty" db:"definition_en"`
	Frequency    string   `json:"frequency" db:"frequency"`
	SDGCode      string   `json:"sdg_code,omitempty" db:"sdg_code"`
	NationalCode string   `json:"national_code,omitempty" db:"national_code"`
	AgencyCode   string   `json:"agency_code,omitempty" db:"agency_code"`
	// Progress says how progress towards targets is assessed; nil means
	// DefaultProgress.
	Progress *ProgressSettings `json:"progress,omitempty" db:"progress"`
	// Rules are validation rules checked on every upload, as written in
	// the catalogue ("kemiskinan_ekstrem <= kemiskinan"; see Rule).
	Rules []string `json:"rules,omitempty" db:"-"`
}

// ProgressSettings is how an indicator's progress is assessed: whether at
// all (population is shown, never judged), from which base year, and the
// ratio of observed to required change each status needs (sdg-build's
// ProgressMeasure thresholds).
type ProgressSettings struct {
	Assess bool `json:"assess" db:"assess"`
	// BaseYear 0 means the year before the plan starts (2024 for 2025–2029).
	BaseYear   int                `json:"base_year" db:"base_year"`
	Thresholds ProgressThresholds `json:"thresholds" db:"thresholds"`
}

// ProgressThresholds are the lowest ratios that earn substantial, moderate
// and limited progress; below Limited is deterioration.
type ProgressThresholds struct {
	Substantial float64 `json:"substantial" db:"substantial"`
	Moderate    float64 `json:"moderate" db:"moderate"`
	Limited     float64 `json:"limited" db:"limited"`
}

// DefaultProgress is the assessment an indicator gets unless its catalogue
// entry says otherwise: sdg-build's thresholds, the plan's base year.
var DefaultProgress = ProgressSettings{Assess: true, Thresholds: ProgressThresholds{Substantial: 0.95, Moderate: 0.6, Limited: 0}}

// ProgressSettings returns the indicator's progress settings, the defaults
// when it has none of its own.
func (ind Indicator) ProgressSettings() ProgressSettings {
	if ind.Progress == nil {
		return DefaultProgress
	}
	return *ind.Progress
}

// Validate checks the settings: thresholds descending, a plausible base year.
func (p ProgressSettings) Validate() error {
	t := p.Thresholds
	for _, v := range []float64{t.Substantial, t.Moderate, t.Limited} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Errorf(ErrInvalid, "progress thresholds must be finite numbers")
		}
	}
	if !(t.Substantial >= t.Moderate && t.Moderate >= t.Limited) {
		return Errorf(ErrInvalid, "progress thresholds %g, %g, %g: want substantial >= moderate >= limited", t.Substantial, t.Moderate, t.Limited)
	}
	if p.BaseYear != 0 {
		if err := CheckYear(p.BaseYear); err != nil {
			return Errorf(ErrInvalid, "progress base year: %v", err)
		}
	}
	return nil
}

// CheckChange refuses a change of ind that would change what its stored
// values mean: the unit. 9,5 persen and 9,5 jiwa are different
// indicators, so a new unit needs a new code.
func (ind Indicator) CheckChange(old Indicator) error {
	if old.Unit != ind.Unit {
		return Errorf(ErrInvalid, "indicator %s already has unit %q; a different unit (%q) is a different indicator: give it a new code", ind.Code, old.Unit, ind.Unit)
	}
	return nil
}

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidCode reports whether s can be an indicator, agency or plan code:
// lower-case letters, digits, '_', '.', '-', at most 64 characters.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// Name returns the indicator's name in lang, falling back to Indonesian.
func (ind Indicator) Name(lang locale.Lang) string {
	if lang == locale.EN && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameID
}

// Validate checks the indicator's metadata.
func (ind Indicator) Validate() error {
	if !ValidCode(ind.Code) {
		return Errorf(ErrInvalid, "indicator code %q: use lower-case letters, digits, _ . - (at most 64)", ind.Code)
	}
	if strings.TrimSpace(ind.NameID) == "" {
		return Errorf(ErrInvalid, "indicator %s: Indonesian name is empty", ind.Code)
	}
	if strings.TrimSpace(ind.Unit) == "" {
		return Errorf(ErrInvalid, "indicator %s: unit is empty", ind.Code)
	}
	switch ind.Polarity {
	case HigherIsBetter, LowerIsBetter, Neutral:
	case Band:
		if ind.BandLow == nil || ind.BandHigh == nil || *ind.BandLow > *ind.BandHigh {
			return Errorf(ErrInvalid, "indicator %s: a band polarity needs band_low <= band_high", ind.Code)
		}
	default:
		return Errorf(ErrInvalid, "indicator %s: polarity %q, want higher, lower, band or neutral", ind.Code, ind.Polarity)
	}
	if ind.Decimals < 0 || ind.Decimals > 6 {
		return Errorf(ErrInvalid, "indicator %s: decimals %d outside 0–6", ind.Code, ind.Decimals)
	}
	if ind.Min != nil && ind.Max != nil && *ind.Min > *ind.Max {
		return Errorf(ErrInvalid, "indicator %s: min %g above max %g", ind.Code, *ind.Min, *ind.Max)
	}
	for _, rule := range ind.Rules {
		if _, err := ParseRule(rule); err != nil {
			return Errorf(ErrInvalid, "indicator %s: %s", ind.Code, Message(err))
		}
	}
	if ind.Progress != nil {
		if err := ind.Progress.Validate(); err != nil {
			return Errorf(ErrInvalid, "indicator %s: %s", ind.Code, Message(err))
		}
	}
	return nil
}

// Bounds returns the range a value of this indicator must lie in. Explicit
// Min/Max win; a percentage defaults to 0–100 (growth rates, which can be
// negative, set their own Min).
func (ind Indicator) Bounds() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if ind.Unit == UnitPercent {
		lo, hi = 0, 100
	}
	if ind.Min != nil {
		lo = *ind.Min
	}
	if ind.Max != nil {
		hi = *ind.Max
	}
	return lo, hi
}

// CheckValue returns an ErrInvalid error when v cannot be a value of ind.
func (ind Indicator) CheckValue(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Errorf(ErrInvalid, "value is not a finite number")
	}
	lo, hi := ind.Bounds()
	if v < lo || v > hi {
		return Errorf(ErrInvalid, "value %g outside %g–%g for %s (%s)", v, lo, hi, ind.Code, ind.Unit)
	}
	return nil
}

// PopulationCode is the indicator whose values weight regional disparity
// measures (the Williamson index).
const PopulationCode = "penduduk"
