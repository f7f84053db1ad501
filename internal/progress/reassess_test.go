package progress

import (
	"testing"

	"pantau/internal/domain"
)

// TestReassess: the series whose headline verdict changes with the
// indicator's settings are listed, with both verdicts; the others are not.
// Housing 60 → 66 (2021–2024) against 80 by 2029 is a ratio of 0.88
// (moderate); a district at 60 → 72 already beats the 0.95 bar (substantial).
func TestReassess(t *testing.T) {
	housing := ind("rumah_layak_huni", domain.HigherIsBetter, domain.UnitPercent, 1)
	series := func(region string, values ...float64) Series {
		o := obs("rumah_layak_huni", 2021, values[0], 2022, values[1], 2023, values[2], 2024, values[3])
		for i := range o {
			o[i].RegionCode = region
		}
		tg := target("rpjmd", "rumah_layak_huni", 2029, 80, 80)
		tg.RegionCode = region
		return Series{RegionCode: region, Observations: o, Targets: []domain.Target{tg}}
	}
	slow, fast := series("16.07.01", 60, 62, 64.5, 66), series("16.07.02", 60, 64, 68, 72)
	lenient := housing
	lenient.Progress = &domain.ProgressSettings{Assess: true, Thresholds: domain.ProgressThresholds{Substantial: 0.85, Moderate: 0.5, Limited: 0}}
	notAssessed := housing
	notAssessed.Progress = &domain.ProgressSettings{Assess: false, Thresholds: domain.DefaultProgress.Thresholds}
	lower := housing
	lower.Polarity = domain.LowerIsBetter
	for _, tt := range []struct {
		name    string
		new     domain.Indicator
		regions []string
		before  Status
		after   Status
	}{
		{"nothing changes", housing, nil, "", ""},
		{"lower thresholds lift only the slow district", lenient, []string{"16.07.01"}, ModerateProgress, SubstantialProgress},
		{"not assessed changes both", notAssessed, []string{"16.07.01", "16.07.02"}, ModerateProgress, NotApplicable},
		{"polarity flipped changes both", lower, []string{"16.07.01", "16.07.02"}, ModerateProgress, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Reassess([]Series{slow, fast}, housing, tt.new, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var regions []string
			for _, r := range got {
				regions = append(regions, r.Region)
				if r.SDG[0].Status == r.SDG[1].Status && r.Anticipated[0].Status == r.Anticipated[1].Status {
					t.Errorf("%s listed without a change: %+v", r.Region, r)
				}
			}
			if len(regions) != len(tt.regions) || (len(regions) > 0 && regions[0] != tt.regions[0]) {
				t.Fatalf("changed series %v, want %v", regions, tt.regions)
			}
			if len(got) > 0 {
				if tt.before != "" && got[0].SDG[0].Status != tt.before {
					t.Errorf("before %s, want %s", got[0].SDG[0].Status, tt.before)
				}
				if tt.after != "" && got[0].SDG[1].Status != tt.after {
					t.Errorf("after %s, want %s", got[0].SDG[1].Status, tt.after)
				}
			}
		})
	}
}
