package progress

import (
	"math"
	"testing"

	"pantau/internal/indicator"
)

// series builds observations of code from year → value pairs given as
// alternating arguments: obs("x", 2023, 0.56, 2024, 0.49).
func obs(code string, yv ...float64) []indicator.Observation {
	var out []indicator.Observation
	for i := 0; i+1 < len(yv); i += 2 {
		out = append(out, indicator.Observation{
			SeriesKey: indicator.SeriesKey{IndicatorCode: code, RegionCode: "16.07", Year: int(yv[i])},
			Value:     yv[i+1], Status: indicator.StatusFinal,
		})
	}
	return out
}

func withBreak(o []indicator.Observation, year int) []indicator.Observation {
	for i := range o {
		if o[i].Year == year {
			o[i].Break = true
		}
	}
	return o
}

func target(plan, code string, year int, lo, hi float64) indicator.Target {
	return indicator.Target{PlanCode: plan, SeriesKey: indicator.SeriesKey{IndicatorCode: code, RegionCode: "ID", Year: year}, Low: lo, High: hi}
}

func ind(code string, pol indicator.Polarity, unit string, decimals int) indicator.Indicator {
	return indicator.Indicator{Code: code, NameID: code, NameEN: code, Unit: unit, Polarity: pol, Decimals: decimals}
}

var (
	extremePoverty = indicator.Indicator{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", NameEN: "Extreme poverty",
		Unit: indicator.UnitPercent, Polarity: indicator.LowerIsBetter, Decimals: 2}
	poverty = indicator.Indicator{Code: "kemiskinan", NameID: "Tingkat kemiskinan", NameEN: "Poverty rate",
		Unit: indicator.UnitPercent, Polarity: indicator.LowerIsBetter, Decimals: 2}
	growthRate = indicator.Indicator{Code: "pertumbuhan_ekonomi", NameID: "Pertumbuhan ekonomi", NameEN: "Economic growth",
		Unit: indicator.UnitPercent, Polarity: indicator.HigherIsBetter, Decimals: 2, Min: ptr(-100.0)}
	inflation = indicator.Indicator{Code: "inflasi", NameID: "Inflasi", NameEN: "Inflation",
		Unit: indicator.UnitPercent, Polarity: indicator.Band, Decimals: 2, BandLow: ptr(1.5), BandHigh: ptr(3.5), Min: ptr(-100.0)}
	population = indicator.Indicator{Code: "penduduk", NameID: "Penduduk", NameEN: "Population",
		Unit: indicator.UnitPersons, Polarity: indicator.Neutral}
	plans = []indicator.Plan{
		{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: indicator.PlanNational, RegionCode: "ID", StartYear: 2025, EndYear: 2029},
		{Code: "rkpd-sumsel-2025", Name: "RKPD Prov. Sumsel 2025", Level: indicator.PlanProvince, RegionCode: "16", StartYear: 2025, EndYear: 2025},
		{Code: "rpjmd-banyuasin", Name: "RPJMD Kab. Banyuasin 2025–2029", Level: indicator.PlanRegency, RegionCode: "16.07", StartYear: 2025, EndYear: 2029, Illustrative: true},
	}
)

// near compares with an absolute tolerance that suits hand-worked values
// written to 4–6 significant digits.
func near(t *testing.T, what string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.6g", what, want)
		return
	}
	if math.Abs(*got-want) > tol {
		t.Errorf("%s = %.8g, want %.8g (±%g)", what, *got, want, tol)
	}
}

// assessment returns the assessment against plan's target for year.
func assessment(t *testing.T, a Analysis, plan string, year int) Assessment {
	t.Helper()
	for _, as := range a.Assessments {
		if as.Target.Plan == plan && as.Target.Year == year {
			return as
		}
	}
	t.Fatalf("no assessment for %s %d in %+v", plan, year, a.Assessments)
	return Assessment{}
}

func analyze(t *testing.T, s Series) Analysis {
	t.Helper()
	if s.Plans == nil {
		s.Plans = plans
	}
	a, err := Analyze(s, Options{})
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	return a
}
