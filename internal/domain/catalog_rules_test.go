package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestCatalogRules(t *testing.T) {
	plan := func(code, amends string) Plan {
		return Plan{Code: code, Name: code, Level: PlanRegency, RegionCode: "16.06", StartYear: 2025, EndYear: 2029, Amends: amends}
	}
	ind := Indicator{Code: "tpt", NameID: "TPT", Unit: UnitPercent, Polarity: LowerIsBetter}
	for _, tt := range []struct {
		name string
		err  error
		want string // "" when valid
	}{
		{"plan kind RPJMD", func() error { p := plan("a", ""); p.Kind = KindRPJMD; return p.Validate() }(), ""},
		{"plan kind unknown", func() error { p := plan("a", ""); p.Kind = "RPJP"; return p.Validate() }(), `kind "RPJP"`},
		{"plan status draft", func() error { p := plan("a", ""); p.Status = PlanDraft; return p.Validate() }(), ""},
		{"plan status unknown", func() error { p := plan("a", ""); p.Status = "adopted"; return p.Validate() }(), `status "adopted"`},
		{"plan amends itself", plan("a", "a").Validate(), "amends itself"},
		{"amendment chain", CheckAmendments(map[string]Plan{"a": plan("a", ""), "b": plan("b", "a"), "c": plan("c", "b")}), ""},
		{"amendment cycle", CheckAmendments(map[string]Plan{"a": plan("a", "c"), "b": plan("b", "a"), "c": plan("c", "b")}), "cycle"},
		{"amends an unknown plan", CheckAmendments(map[string]Plan{"b": plan("b", "x")}), `amends "x"`},
		{"target year inside the plan", Target{PlanCode: "a", ObservationKey: ObservationKey{IndicatorCode: "tpt", Year: 2029}, Low: 3, High: 3}.Validate(plan("a", ""), ind), ""},
		{"target year outside the plan", Target{PlanCode: "a", ObservationKey: ObservationKey{IndicatorCode: "tpt", Year: 2030}, Low: 3, High: 3}.Validate(plan("a", ""), ind), "outside plan a"},
		{"same unit", ind.CheckChange(ind), ""},
		{"unit changed", Indicator{Code: "tpt", Unit: UnitPersons}.CheckChange(ind), `already has unit "persen"`},
		{"progress thresholds descending", func() error { i := ind; p := DefaultProgress; i.Progress = &p; return i.Validate() }(), ""},
		{"progress thresholds not descending", func() error {
			i := ind
			p := DefaultProgress
			p.Thresholds.Moderate = 0.99
			i.Progress = &p
			return i.Validate()
		}(), "substantial >= moderate >= limited"},
		{"region validity", Region{Code: "16.06", Name: "Muba", Level: LevelRegency, ParentCode: "16", ValidFrom: 2002}.Validate(), ""},
		{"region valid_to before valid_from", Region{Code: "16.06", Name: "Muba", Level: LevelRegency, ParentCode: "16", ValidFrom: 2002, ValidTo: 2001}.Validate(), "before valid_from"},
		{"region its own successor", Region{Code: "16.06", Name: "Muba", Level: LevelRegency, ParentCode: "16", Successors: []string{"16.06"}}.Validate(), "its successor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			switch {
			case tt.want == "" && tt.err != nil:
				t.Errorf("refused: %v", tt.err)
			case tt.want != "" && (tt.err == nil || !errors.Is(tt.err, ErrInvalid) || !strings.Contains(tt.err.Error(), tt.want)):
				t.Errorf("got %v, want an ErrInvalid containing %q", tt.err, tt.want)
			}
		})
	}
}
