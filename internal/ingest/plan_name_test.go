package ingest

import (
	"strings"
	"testing"

	"pantau/internal/domain"
)

// TestPlanByName: a targets file names its plan by code or by name, as
// the plan's document writes it (exactly, or with a hyphen for the dash
// and in any case); an unknown name is refused with the nearest plans.
func TestPlanByName(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		plan, want string
		reason     string
	}{
		{plan: "rpjmd-banyuasin-2025-2029", want: "rpjmd-banyuasin-2025-2029"},
		{plan: "RPJMD Kab. Banyuasin 2025–2029", want: "rpjmd-banyuasin-2025-2029"},
		{plan: "rpjmd kab. banyuasin  2025-2029", want: "rpjmd-banyuasin-2025-2029"},
		{plan: "RKPD Prov. Sumsel 2025", want: "rkpd-sumsel-2025"},
		{plan: "RPJMD Uji 2025-2029", reason: `rencana "RPJMD Uji 2025-2029" tidak dikenal (tulis kode atau nama persisnya)`},
	} {
		t.Run(tt.plan, func(t *testing.T) {
			file := "rencana;kode_indikator;kode_wilayah;tahun;nilai\n" + tt.plan + ";kemiskinan;16.07;2025;8,90\n"
			var got []domain.Target
			rep, err := ReadTargets(strings.NewReader(file), cat, Options{}, func(x domain.Target) error { got = append(got, x); return nil })
			if tt.want != "" {
				if err != nil || len(got) != 1 || got[0].PlanCode != tt.want {
					t.Fatalf("got %+v, %v; want one target of %s", got, err, tt.want)
				}
				return
			}
			if len(got) != 0 || rep == nil || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Reason, tt.reason) || rep.Errors[0].Code != CodeUnknownPlan {
				t.Fatalf("got %+v, report %+v; want refused with %q", got, rep, tt.reason)
			}
		})
	}
}
