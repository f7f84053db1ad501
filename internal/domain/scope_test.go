package domain

import "testing"

func TestScope(t *testing.T) {
	rpjmn := Plan{Code: "rpjmn-2025-2029", RegionCode: NationalCode}
	rkpd := Plan{Code: "rkpd-sumsel-2025", RegionCode: "16"}
	rpjmd := Plan{Code: "rpjmd-banyuasin-2025-2029", RegionCode: "16.07"}
	for _, tt := range []struct {
		name, territory, plans, home string
		covers                       map[string]bool
		writes                       map[string]bool
	}{
		{name: "unscoped, home regency", home: "16.07",
			covers: map[string]bool{"16.07": true, "16.07.01": true, "16": true, NationalCode: true},
			writes: map[string]bool{rpjmn.Code: false, rkpd.Code: false, rpjmd.Code: true}},
		{name: "unscoped, no home", covers: map[string]bool{"16.07": true},
			writes: map[string]bool{rpjmn.Code: false, rkpd.Code: false, rpjmd.Code: false}},
		{name: "a district", territory: "16.07.01", home: "16.07",
			covers: map[string]bool{"16.07": false, "16.07.01": true, "16.07.010": false, "16.07.02": false},
			writes: map[string]bool{rpjmn.Code: false, rkpd.Code: false, rpjmd.Code: false}},
		{name: "the province", territory: "16", home: "16.07",
			covers: map[string]bool{"16": true, "16.07.01": true, "17": false, "161": false},
			writes: map[string]bool{rpjmn.Code: false, rkpd.Code: true, rpjmd.Code: true}},
		{name: "the nation", territory: "ID",
			covers: map[string]bool{"16.07": true},
			writes: map[string]bool{rpjmn.Code: true, rkpd.Code: true, rpjmd.Code: true}},
		{name: "a plan given", territory: "16.07", plans: "rkpd-sumsel-2025, rkpd-sumsel-2025",
			covers: map[string]bool{"16.07.05": true, "16": false},
			writes: map[string]bool{rpjmn.Code: false, rkpd.Code: true, rpjmd.Code: false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseScope(tt.territory, tt.plans)
			if err != nil {
				t.Fatal(err)
			}
			if back := ScopeOf(s.TerritoryText(), s.PlansText()); back.TerritoryText() != s.TerritoryText() || back.PlansText() != s.PlansText() {
				t.Errorf("stored and read back: %+v, want %+v", back, s)
			}
			for region, want := range tt.covers {
				if got := s.Covers(region); got != want {
					t.Errorf("Covers(%s) = %v, want %v", region, got, want)
				}
			}
			for _, p := range []Plan{rpjmn, rkpd, rpjmd} {
				if got := s.MayWritePlan(p, tt.home); got != tt.writes[p.Code] {
					t.Errorf("MayWritePlan(%s) = %v, want %v", p.Code, got, tt.writes[p.Code])
				}
			}
		})
	}
	for _, bad := range [][2]string{{"16.07 <script>", ""}, {"", "RPJMN!"}} {
		if _, err := ParseScope(bad[0], bad[1]); err == nil {
			t.Errorf("ParseScope(%q, %q) accepted", bad[0], bad[1])
		}
	}
}
