package domain

import (
	"errors"
	"testing"
)

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

// TestUserScopeChange: an administrator's change of an uploader's scope
// is kept in its stored form; a role other than uploader has none, so
// leaving the uploaders drops it and naming one for another role is
// refused; codes that are no codes are named.
func TestUserScopeChange(t *testing.T) {
	uploader := User{Email: "staf@bps.id", Role: RoleUploader, AgencyCode: "bps-banyuasin", Territory: "16.07.01"}
	str := func(s string) *string { return &s }
	planner := RolePlanner
	for _, tt := range []struct {
		name             string
		from             User
		ch               UserChange
		territory, plans string
		role             Role
		wantErr          string
	}{
		{name: "territory and plans, commas", from: uploader, ch: UserChange{Territory: str("16.07.02, 16.07.03,16.07.02"), Plans: str(" rkpd-sumsel-2025 ")},
			territory: "16.07.02 16.07.03", plans: "rkpd-sumsel-2025", role: RoleUploader},
		{name: "cleared", from: uploader, ch: UserChange{Territory: str("")}, role: RoleUploader},
		{name: "name only keeps it", from: uploader, ch: UserChange{Name: str("Staf")}, territory: "16.07.01", role: RoleUploader},
		{name: "to planner drops it", from: uploader, ch: UserChange{Role: &planner}, role: RolePlanner},
		{name: "a planner stored with one loses it on any change", from: User{Email: "p@bappeda.id", Role: RolePlanner, Territory: "16.07"},
			ch: UserChange{Name: str("Perencana")}, role: RolePlanner},
		{name: "a planner given one", from: uploader, ch: UserChange{Role: &planner, Territory: str("16.07")},
			wantErr: "only uploaders have a territory and plans (role planner)"},
		{name: "not codes", from: uploader, ch: UserChange{Territory: str("16.07 <b>"), Plans: str("RPJMN!")},
			wantErr: `territory: "<b>" is not a region in the catalogue; plans: "RPJMN!" is not a plan in the catalogue`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.from.Apply(tt.ch)
			if tt.wantErr != "" {
				var se *ScopeError
				if err == nil || !errors.Is(err, ErrInvalid) || Message(err) != tt.wantErr || (tt.ch.Role == nil && !errors.As(err, &se)) {
					t.Fatalf("Apply: %v, want ErrInvalid %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || u.Territory != tt.territory || u.Plans != tt.plans || u.Role != tt.role {
				t.Errorf("Apply: %+v %v, want territory %q plans %q role %s", u, err, tt.territory, tt.plans, tt.role)
			}
		})
	}
}
