package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/wilayah"
)

type searchAnswer struct {
	Data []struct {
		Code, Name, Level, Within string
	} `json:"data"`
	Meta struct {
		Q     string `json:"q"`
		Limit int    `json:"limit"`
		Total *int   `json:"total"`
	} `json:"meta"`
}

// searchRegions asks GET /api/v1/regions?q= and checks the answer against
// the OpenAPI document.
func searchRegions(t *testing.T, base, q string, extra ...string) searchAnswer {
	t.Helper()
	u := base + "/api/v1/regions?q=" + url.QueryEscape(q) + strings.Join(extra, "")
	status, h, body := fetch(t, u)
	if status != 200 {
		t.Fatalf("%s: %d %s", u, status, body)
	}
	_, _, raw := fetch(t, base+"/api/v1/openapi.json")
	spec, err := openapi3.NewLoader().LoadFromData([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	spec.Servers = nil
	router, err := legacy.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, strings.TrimPrefix(u, base), nil)
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: h, Body: io.NopCloser(strings.NewReader(body)),
	}); err != nil {
		t.Errorf("%s: answer does not match the document: %.600v", u, err)
	}
	var a searchAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func hitCodes(a searchAnswer) string {
	var out []string
	for _, d := range a.Data {
		out = append(out, d.Code)
	}
	return strings.Join(out, " ")
}

// TestRegionSearchAPI: ranked answers by name and code on the demo, on
// both engines, in the documented shape; a catalogue change shows at once.
func TestRegionSearchAPI(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		a := searchRegions(t, base, "BANYUASIN")
		if got := hitCodes(a); got != "16.07 16.07.01 16.07.02 16.07.03" {
			t.Errorf("banyuasin: %s", got)
		}
		if a.Data[0].Name != "Kabupaten Banyuasin" || a.Data[0].Within != "Provinsi Sumatera Selatan" || a.Data[1].Within != "Kabupaten Banyuasin, Provinsi Sumatera Selatan" {
			t.Errorf("names: %+v", a.Data[:2])
		}
		if a.Meta.Q != "BANYUASIN" || a.Meta.Limit != 10 || a.Meta.Total != nil {
			t.Errorf("meta: %+v", a.Meta)
		}
		if got := hitCodes(searchRegions(t, base, "16.07.09")); got != "16.07.09" {
			t.Errorf("code: %s", got)
		}
		if got := hitCodes(searchRegions(t, base, "1607090")); got != "16.07.09" {
			t.Errorf("BPS code: %s", got)
		}
		if got := hitCodes(searchRegions(t, base, "16.07", "&limit=3")); got != "16.07 16.07.01 16.07.02" {
			t.Errorf("code prefix, limit 3: %s", got)
		}
		if got := hitCodes(searchRegions(t, base, "muara")); got != "16.07.07 16.07.13 16.07.08" {
			t.Errorf("muara: %s", got)
		}
		if got := hitCodes(searchRegions(t, base, "bandung")); got != "" {
			t.Errorf("outside the territory: %s", got)
		}
		if status, _, _ := fetch(t, base+"/api/v1/regions?q=a&limit=x"); status != 400 {
			t.Errorf("bad limit: %d", status)
		}
		// A rename is found at once: the index follows the stored regions.
		if err := st.PutRegions(context.Background(), domain.Region{Code: "16.07.09", BPSCode: "1607090", Name: "Makarti Raya", Level: domain.LevelDistrict, ParentCode: "16.07"}); err != nil {
			t.Fatal(err)
		}
		if got := hitCodes(searchRegions(t, base, "makarti r")); got != "16.07.09" {
			t.Errorf("after the rename: %s", got)
		}
		// The list pages as before, now from memory.
		var page struct {
			Data []domain.Region `json:"data"`
			Meta struct {
				Total int    `json:"total"`
				Next  string `json:"next"`
			} `json:"meta"`
		}
		if get(t, base+"/api/v1/regions?parent=16.07&limit=5&offset=5", &page) != 200 || len(page.Data) != 5 || page.Data[0].Code != "16.07.06" ||
			page.Meta.Total != 21 || !strings.Contains(page.Meta.Next, "offset=10") {
			t.Errorf("page: %+v", page)
		}
	})
}

// TestRegionSearchTerritory: an instance prepared for a province from the
// official list finds its own villages and none of another province's.
func TestRegionSearchTerritory(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			st := testdb.New(t, engine)
			l, err := wilayah.Official()
			if err != nil {
				t.Fatal(err)
			}
			entries, err := l.Territory("16.07")
			if err != nil {
				t.Fatal(err)
			}
			regions := make([]domain.Region, len(entries))
			for i, e := range entries {
				regions[i] = e.Region()
			}
			if _, err := st.AddRegions(context.Background(), store.CatalogImport{Filename: "wilayah"}, regions, "test"); err != nil {
				t.Fatal(err)
			}
			base, _ := serveStore(t, st)
			a := searchRegions(t, base, "talang kelapa")
			if len(a.Data) == 0 || a.Data[0].Code != "16.07.10" || a.Data[0].Level != "kecamatan" {
				t.Fatalf("talang kelapa: %+v", a.Data)
			}
			for _, d := range a.Data[1:] {
				if !strings.HasPrefix(d.Code, "16.07.") {
					t.Errorf("outside 16.07: %+v", d)
				}
			}
			// Sukajadi is a village name in many provinces; only Banyuasin's.
			for _, d := range searchRegions(t, base, "sukajadi", "&limit=50").Data {
				if !strings.HasPrefix(d.Code, "16.07.") || d.Level != "desa" || !strings.Contains(d.Within, "Kabupaten Banyuasin") {
					t.Errorf("sukajadi: %+v", d)
				}
			}
		})
	}
}

// TestRegionPickerWithoutJS: the picker's breadcrumbs, children (marked
// when they have no data) and ?q= results are plain links on /i/ and /d/.
func TestRegionPickerWithoutJS(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		if err := st.PutRegions(context.Background(), domain.Region{Code: "16.07.22", Name: "Kecamatan Baru", Level: domain.LevelDistrict, ParentCode: "16.07"}); err != nil {
			t.Fatal(err)
		}
		status, _, page := fetch(t, base+"/i/kemiskinan?region=16.07.09&lang=en")
		if status != 200 {
			t.Fatalf("/i/: %d", status)
		}
		for _, want := range []string{
			`<a href="/i/kemiskinan?lang=en&amp;region=ID">Indonesia</a> › <a href="/i/kemiskinan?lang=en&amp;region=16">Provinsi Sumatera Selatan</a> › <a href="/i/kemiskinan?lang=en&amp;region=16.07">Kabupaten Banyuasin</a> › <strong aria-current="page">Makarti Jaya</strong>`,
			`<form class="picker-search" method="get" action="/i/kemiskinan" role="search">`,
			`<input type="hidden" name="lang" value="en"><input type="hidden" name="region" value="16.07.09">`,
			`name="q" type="search" value=""`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("/i/ lacks %s", want)
			}
		}
		if strings.Contains(page, "<option") && strings.Contains(page, `<select name="region"`) {
			t.Errorf("/i/ still lists regions in a select")
		}
		_, _, page = fetch(t, base+"/i/kemiskinan?region=16.07")
		if !strings.Contains(page, `<summary>Wilayah di Kabupaten Banyuasin (22)</summary>`) ||
			!strings.Contains(page, `<li><a href="/i/kemiskinan?region=16.07.09">Makarti Jaya</a></li>`) ||
			!strings.Contains(page, `<li class="nodata"><a href="/i/kemiskinan?region=16.07.22">Kecamatan Baru</a> <span class="picker-within">(belum ada data)</span></li>`) {
			t.Errorf("/i/ children: %s", between(page, `<nav class="picker`, `</nav>`))
		}
		_, _, page = fetch(t, base+"/i/kemiskinan?region=16.07&q=makarti")
		if !strings.Contains(page, `<h2>Wilayah yang cocok dengan “makarti”</h2>`) ||
			!strings.Contains(page, `<li><a href="/i/kemiskinan?region=16.07.09">Makarti Jaya</a> <span class="picker-within">— Kabupaten Banyuasin, Provinsi Sumatera Selatan</span></li>`) {
			t.Errorf("/i/?q=: %s", between(page, `<nav class="picker`, `</nav>`))
		}
		_, _, page = fetch(t, base+"/i/kemiskinan?region=16.07&q=zzzz")
		if !strings.Contains(page, `<p>Tidak ada wilayah yang cocok.</p>`) {
			t.Errorf("/i/?q=zzzz: %s", between(page, `<nav class="picker`, `</nav>`))
		}
		_, _, page = fetch(t, base+"/d/makro-banyuasin?year=2023")
		if !strings.Contains(page, `<a href="/d/makro-banyuasin?region=16.07.09&amp;year=2023">Makarti Jaya</a>`) ||
			!strings.Contains(page, `<input type="hidden" name="region" value="16.07">`) {
			t.Errorf("/d/ picker: %s", between(page, `<nav class="picker`, `</form>`))
		}
	})
}

// between returns the part of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(to)]
}
