package progress

import (
	"testing"

	"pantau/internal/domain"
)

// TestCatalogueThresholds: an indicator's own thresholds (its catalogue
// entry's progress.thresholds) judge its progress; without them sdg-build's
// 0.95 / 0.6 / 0 do. Housing 60 → 66 over 2021–2024 against 80 by 2029 is
// a ratio of 0.88: moderate by default, substantial from 0.85, and not
// applicable when the catalogue says it is not assessed.
func TestCatalogueThresholds(t *testing.T) {
	housing := ind("rumah_layak_huni", domain.HigherIsBetter, domain.UnitPercent, 1)
	s := Series{Observations: obs("rumah_layak_huni", 2021, 60, 2022, 62, 2023, 64.5, 2024, 66),
		Targets: []domain.Target{target("rpjmd", "rumah_layak_huni", 2029, 80, 80)}}
	for _, tt := range []struct {
		name     string
		settings *domain.ProgressSettings
		want     Status
	}{
		{"defaults", nil, ModerateProgress},
		{"own thresholds", &domain.ProgressSettings{Assess: true, Thresholds: domain.ProgressThresholds{Substantial: 0.85, Moderate: 0.5, Limited: 0}}, SubstantialProgress},
		{"not assessed", &domain.ProgressSettings{Assess: false, Thresholds: domain.DefaultProgress.Thresholds}, NotApplicable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.Indicator = housing
			s.Indicator.Progress = tt.settings
			for i := range s.Observations {
				s.Observations[i].RegionCode = "ID"
			}
			a, err := Analyze(s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Assessments) != 1 || a.Assessments[0].SDG.Status != tt.want {
				t.Fatalf("assessments %+v, want %s", a.Assessments, tt.want)
			}
			if th := a.Assessments[0].SDG.Explanation.Thresholds; th[0].Min != targetThresholds(s.Indicator)[0].Min {
				t.Errorf("explanation shows thresholds %+v", th)
			}
		})
	}
}
