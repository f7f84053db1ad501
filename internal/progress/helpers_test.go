package progress

import (
	"math"
	"testing"

	"pantau/internal/domain"
)

// series builds observations of code from year → value pairs given as
// alternating arguments: obs("x", 2023, 0.56, 2024, 0.49).
func obs(code string, yv ...float64) []domain.Observation {
	var out []domain.Observation
	for i := 0; i+1 < len(yv); i += 2 {
		out = append(out, domain.Observation{
			ObservationKey: domain.ObservationKey{IndicatorCode: code, RegionCode: "16.07", Year: int(yv[i])},
			Value:          yv[i+1], Status: domain.StatusFinal,
		})
	}
	return out
}

func withBreak(o []domain.Observation, year int) []domain.Observation {
	for i := range o {
		if o[i].Year == year {
			o[i].Break = true
		}
	}
	return o
}

func target(plan, code string, year int, lo, hi float64) domain.Target {
	return domain.Target{PlanCode: plan, ObservationKey: domain.ObservationKey{IndicatorCode: code, RegionCode: "ID", Year: year}, Low: lo, High: hi}
}

func ind(code string, pol domain.Polarity, unit string, decimals int) domain.Indicator {
	return domain.Indicator{Code: code, NameID: code, NameEN: code, Unit: unit, Polarity: pol, Decimals: decimals}
}

var (
	extremePoverty = domain.Indicator{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", NameEN: "Extreme poverty",
		Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2}
	poverty = domain.Indicator{Code: "kemiskinan", NameID: "Tingkat kemiskinan", NameEN: "Poverty rate",
		Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2}
	growthRate = domain.Indicator{Code: "pertumbuhan_ekonomi", NameID: "Pertumbuhan ekonomi", NameEN: "Economic growth",
		Unit: domain.UnitPercent, Polarity: domain.HigherIsBetter, Decimals: 2, Min: ptr(-100.0)}
	inflation = domain.Indicator{Code: "inflasi", NameID: "Inflasi", NameEN: "Inflation",
		Unit: domain.UnitPercent, Polarity: domain.Band, Decimals: 2, BandLow: ptr(1.5), BandHigh: ptr(3.5), Min: ptr(-100.0)}
	population = domain.Indicator{Code: "penduduk", NameID: "Penduduk", NameEN: "Population",
		Unit: domain.UnitPersons, Polarity: domain.Neutral}
	plans = []domain.Plan{
		{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: domain.PlanNational, RegionCode: "ID", StartYear: 2025, EndYear: 2029},
		{Code: "rkpd-sumsel-2025", Name: "RKPD Prov. Sumsel 2025", Level: domain.PlanProvince, RegionCode: "16", StartYear: 2025, EndYear: 2025},
		{Code: "rpjmd-banyuasin", Name: "RPJMD Kab. Banyuasin 2025–2029", Level: domain.PlanRegency, RegionCode: "16.07", StartYear: 2025, EndYear: 2029, Illustrative: true},
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
