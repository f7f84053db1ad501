package web_test

import (
	"strings"
	"testing"
)

// TestDashboardRegions: a dashboard's title names the region shown, it
// shows any region of the instance (a kecamatan included, whose gaps panel
// says it has no districts), and the demo's dashboards replace the generic
// ones on the demo's instance.
func TestDashboardRegions(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		for _, tt := range []struct {
			path      string
			status    int
			want, not []string
		}{
			{"/d/makro-banyuasin?region=16", 200, []string{"<h1>Indikator Makro Provinsi Sumatera Selatan</h1>"}, []string{"<h1>Indikator Makro Kabupaten Banyuasin"}},
			{"/d/makro-banyuasin?region=16&lang=en", 200, []string{"<h1>Sumatera Selatan Province macro indicators</h1>"}, nil},
			{"/d/makro-banyuasin", 200, []string{"<h1>Indikator Makro Kabupaten Banyuasin</h1>", `<a href="/d/makro-banyuasin?region=16.07.09">Makarti Jaya</a>`}, nil},
			{"/d/makro-banyuasin?region=16.07.09", 200, []string{"<h1>Indikator Makro Makarti Jaya</h1>", `› <strong aria-current="page">Makarti Jaya</strong>`}, nil},
			{"/d/kesenjangan-kecamatan?region=16.07.09", 200, []string{"Makarti Jaya tidak memiliki wilayah di bawahnya"}, nil},
			{"/d/kesenjangan-kecamatan?region=16.07.09&lang=en", 200, []string{"Makarti Jaya has no districts below it"}, nil},
			{"/d/kesenjangan-kecamatan?region=16.06", 404, nil, nil},
			// The generic dashboards still answer (links to them keep
			// working) but the demo lists its own in their place.
			{"/d/makro", 200, []string{"<h1>Indikator Makro Kabupaten Banyuasin</h1>"}, nil},
			{"/", 200, []string{`href="/d/makro-banyuasin"><strong>Indikator Makro Kabupaten Banyuasin</strong>`}, []string{`href="/d/makro"`, `href="/d/kesenjangan"`}},
		} {
			status, _, body := fetch(t, base+tt.path)
			if status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.path, status, tt.status)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: lacks %q", tt.path, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("%s: has %q", tt.path, n)
				}
			}
		}
	})
}

// TestDashboardScorecard: a scorecard panel without indicators of its own
// covers every indicator of the region, those of no panel too; the
// scorecard API answers for ?indicators= only.
func TestDashboardScorecard(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		status, _, body := fetch(t, base+"/d/makro-banyuasin")
		i := strings.Index(body, `id="panel-scorecard"`)
		if status != 200 || i < 0 {
			t.Fatalf("/d/makro-banyuasin: status %d, no scorecard panel", status)
		}
		card := body[i : i+strings.Index(body[i:], "</section>")]
		// ipm and penduduk have data in 16.07 but no panel of makro-banyuasin.
		for _, w := range []string{`href="/i/kemiskinan?region=16.07"`, `href="/i/stunting?region=16.07"`, `href="/i/ipm?region=16.07"`, `href="/i/penduduk?region=16.07"`} {
			if !strings.Contains(card, w) {
				t.Errorf("dashboard's scorecard lacks %q", w)
			}
		}

		var scores struct {
			Data []struct{ Indicator string } `json:"data"`
		}
		get(t, base+"/api/v1/progress?region=16.07&indicators=tpt,+kemiskinan", &scores)
		seen := map[string]bool{}
		for _, r := range scores.Data {
			seen[r.Indicator] = true
		}
		if len(seen) != 2 || !seen["tpt"] || !seen["kemiskinan"] {
			t.Errorf("scorecard of tpt and kemiskinan has %v", seen)
		}
	})
}
