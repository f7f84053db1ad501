package domain

import "testing"

func TestHorizon(t *testing.T) {
	rpjmn := Plan{Code: "rpjmn", EndYear: 2029}
	rpjpd := Plan{Code: "rpjpd", EndYear: 2045}
	rkpd := Plan{Code: "rkpd", EndYear: 2025}
	for _, tt := range []struct {
		name  string
		plans []Plan
		code  string
		want  int
	}{
		{"the shown plan's end", []Plan{rpjmn, rpjpd, rkpd}, "rkpd", 2025},
		{"no plan shown: the latest end", []Plan{rkpd, rpjpd, rpjmn}, "", 2045},
		{"an unknown plan: the latest end", []Plan{rkpd, rpjmn}, "nope", 2029},
		{"no plans: the default", nil, "", DefaultHorizon},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Horizon(tt.plans, tt.code); got != tt.want {
				t.Errorf("Horizon = %d, want %d", got, tt.want)
			}
		})
	}
}
