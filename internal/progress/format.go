package progress

import (
	"math"
	"strings"

	"golang.org/x/text/number"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// FormatNumber formats v with exactly decimals fraction digits in the
// conventions of lang: Indonesian uses a decimal comma and dot thousands
// ("1.234,56"), English the reverse. A value that rounds to zero prints
// without a minus sign, and a non-finite value prints as "–".
func FormatNumber(lang locale.Lang, v float64, decimals int) string {
	return formatDecimal(lang, v, decimals, number.Scale)
}

// FormatNumberTrim is FormatNumber with trailing fraction zeros dropped
// ("0" rather than "0,00", "4,5" rather than "4,50"): targets are written
// the way plans state them.
func FormatNumberTrim(lang locale.Lang, v float64, maxDecimals int) string {
	return formatDecimal(lang, v, maxDecimals, number.MaxFractionDigits)
}

// formatDecimal rounds v to decimals places and prints it with the
// fraction option digits builds ("–" for a non-finite value).
func formatDecimal(lang locale.Lang, v float64, decimals int, digits func(int) number.Option) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	decimals = max(decimals, 0)
	return lang.Printer().Sprint(number.Decimal(roundTo(v, decimals), digits(decimals)))
}

// roundTo rounds half away from zero and turns -0 into 0, so that -0.001 at
// two decimals prints "0,00", not "-0,00".
func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0
	}
	return r
}

// FormatValue formats v with its unit as a reader expects it in lang:
// "0,49%", "Rp509.264", "850.022 jiwa" / "850,022 people", "67,13".
// Units Pantau does not know are appended after a space.
func FormatValue(lang locale.Lang, v float64, decimals int, unit string) string {
	return withUnit(lang, FormatNumber(lang, v, decimals), unit)
}

// FormatValueTrim is FormatValue without trailing fraction zeros, for
// targets ("0%", "4,5%").
func FormatValueTrim(lang locale.Lang, v float64, maxDecimals int, unit string) string {
	return withUnit(lang, FormatNumberTrim(lang, v, maxDecimals), unit)
}

func withUnit(lang locale.Lang, s, unit string) string {
	switch unit {
	case domain.UnitPercent, "%", "percent":
		return s + "%"
	case domain.UnitRupiah:
		return "Rp" + s
	case domain.UnitIndex, domain.UnitRatio, "":
		return s
	case domain.UnitPersons:
		return lang.Get("unit.persons", s)
	case domain.UnitThousand:
		return lang.Get("unit.thousand", s)
	case domain.UnitPercentPts:
		return lang.Get("unit.percent_pts", s)
	}
	return s + " " + strings.ReplaceAll(unit, "_", " ")
}

// formatRate formats a growth rate (0.125) as a percentage ("12,5%"), with
// up to two decimals.
func formatRate(lang locale.Lang, r float64) string {
	return FormatNumberTrim(lang, r*100, 2) + "%"
}

// formatRatio formats a progress ratio with two decimals ("1,27").
func formatRatio(lang locale.Lang, r float64) string { return FormatNumber(lang, r, 2) }

// formatTarget formats a target: a single value, or "9,37–10,37%" for a range.
func formatTarget(lang locale.Lang, lo, hi float64, decimals int, unit string) string {
	if lo == hi {
		return FormatValueTrim(lang, lo, decimals, unit)
	}
	return withUnit(lang, FormatNumberTrim(lang, lo, decimals)+"–"+FormatNumberTrim(lang, hi, decimals), unit)
}

// valueFormatter formats the values of one indicator in explanations.
type valueFormatter struct {
	unit     string
	decimals int
}

// newFormatter uses the indicator's decimals. A catalogue that left
// decimals at 0 for non-integer values (0.49 %) would print "0%", which is
// wrong rather than merely imprecise, so two decimals are used then.
func newFormatter(ind domain.Indicator, pts []Point) valueFormatter {
	f := valueFormatter{unit: ind.Unit, decimals: ind.Decimals}
	if f.decimals == 0 {
		for _, p := range pts {
			if p.Value != math.Trunc(p.Value) {
				f.decimals = 2
				break
			}
		}
	}
	return f
}

// value formats an observed or projected value with fixed decimals.
func (f valueFormatter) value(lang locale.Lang, v float64) string {
	return FormatValue(lang, v, f.decimals, f.unit)
}

// target formats a target as plans write it.
func (f valueFormatter) target(lang locale.Lang, lo, hi float64) string {
	return formatTarget(lang, lo, hi, f.decimals, f.unit)
}

// change formats an absolute change per year (no unit sign: "0,07 poin").
func (f valueFormatter) change(lang locale.Lang, v float64) string {
	d := f.decimals + 1
	if f.unit == domain.UnitPercent {
		return withUnit(lang, FormatNumberTrim(lang, v, d), domain.UnitPercentPts)
	}
	return withUnit(lang, FormatNumberTrim(lang, v, d), f.unit)
}

// both builds a Text from one function of the language, for messages
// whose arguments are formatted per language (numbers, verbs).
func both(fn func(lang locale.Lang) string) Text { return Text{fn(locale.ID), fn(locale.EN)} }

// say is catalogue message id in both languages, for arguments that read
// the same in each (years, names, year lists).
func say(id string, args ...any) Text {
	return Text{locale.ID.Get(id, args...), locale.EN.Get(id, args...)}
}
