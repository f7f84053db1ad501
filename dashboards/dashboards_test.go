package dashboards

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/locale"
)

func TestEmbeddedDashboardsAreValid(t *testing.T) {
	all, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"makro", "kesenjangan", "makro-banyuasin", "kesenjangan-kecamatan"} {
		d, ok := Find(all, id)
		if !ok {
			t.Fatalf("no dashboard %s", id)
		}
		// Every file refers to the home region: none names a region code.
		if d.Region != Home || len(d.Regions) != 0 || len(d.Panels) == 0 || d.ToYear != 2029 {
			t.Errorf("%s = %+v", id, d)
		}
		home := "16.06"
		if d.Instance != "" {
			home = d.Instance
		}
		if d.DefaultRegion(home) != home || !d.Shows(home+".01", home) {
			t.Errorf("%s does not default to the home region %s, or does not show its kecamatan", id, home)
		}
	}
	d, _ := Find(all, "makro-banyuasin")
	for _, tt := range []struct {
		lang         locale.Lang
		region, want string
	}{
		{locale.ID, "Kabupaten Banyuasin", "Indikator Makro Kabupaten Banyuasin"},
		{locale.EN, "Kabupaten Banyuasin", "Banyuasin Regency macro indicators"},
		{locale.ID, "Provinsi Sumatera Selatan", "Indikator Makro Provinsi Sumatera Selatan"},
		{locale.EN, "Provinsi Sumatera Selatan", "Sumatera Selatan Province macro indicators"},
		{locale.EN, "Makarti Jaya", "Makarti Jaya macro indicators"},
	} {
		if got := d.Title.For(tt.lang, tt.region); got != tt.want {
			t.Errorf("title for %s in %s = %q, want %q", tt.region, tt.lang, got, tt.want)
		}
	}
}

// TestListed: the demo's dashboards take the generic ones' places on the
// demo's instance only; every other instance gets the generic ones.
func TestListed(t *testing.T) {
	all, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ds []Dashboard) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return strings.Join(out, " ")
	}
	for home, want := range map[string]string{
		"16.07": "makro-banyuasin kesenjangan-kecamatan",
		"16.06": "makro kesenjangan",
		"ID":    "makro kesenjangan",
	} {
		if got := ids(Listed(all, home)); got != want {
			t.Errorf("Listed(%s) = %s, want %s", home, got, want)
		}
	}
	d, _ := Find(all, "makro-banyuasin")
	if d.Shows("16.06", "16.06") || !d.Shows("16.07.09", "16.07") {
		t.Error("the demo's dashboard shows on another instance, or not a kecamatan of its own")
	}
	fixed := Dashboard{Region: "16.07", Regions: []string{Home, "16"}}
	if got := fixed.Choices("16.07"); strings.Join(got, " ") != "16.07 16" || fixed.Shows("16.07.09", "16.07") {
		t.Errorf("explicit regions: choices %v, shows a region outside them", got)
	}
}

func TestValidationNamesFileAndField(t *testing.T) {
	for _, tt := range []struct {
		name, yaml string
		want       []string
	}{
		{"missing indicator", "id: a\ntitle: {id: A}\nregion: '16.07'\npanels:\n  - {id: p, type: series}\n",
			[]string{"x.yaml: panels[0].indicator: required for a series panel"}},
		{"unknown type and bad id", "id: A_B\ntitle: {id: A}\nregion: '16.07'\npanels:\n  - {id: p, type: pie, indicator: ipm}\n",
			[]string{"x.yaml: id: \"A_B\"", "x.yaml: panels[0].type: \"pie\""}},
		{"duplicate panel and kpi without indicators", "id: a\ntitle: {id: A}\nregion: '16.07'\npanels:\n  - {id: p, type: kpi}\n  - {id: p, type: scorecard}\n",
			[]string{"x.yaml: panels[0].indicators: a kpi panel lists", "x.yaml: panels[1].id: \"p\" is used by another panel"}},
		{"instance and replaces", "id: a\ntitle: {id: A}\ninstance: home\nreplaces: [a]\npanels:\n  - {id: p, type: scorecard}\n",
			[]string{"x.yaml: instance: \"home\"", "x.yaml: replaces[0]: \"a\""}},
		{"unknown key", "id: a\ntitle: {id: A}\nregion: '16.07'\npanles: []\n", []string{"x.yaml: line 4: field panles not found"}},
		{"bad region and missing title", "id: a\nregion: '16-07'\nregions: ['16']\npanels:\n  - {id: p, type: scorecard}\n",
			[]string{"x.yaml: title.id: the Indonesian title is required", "x.yaml: region: \"16-07\"", "x.yaml: regions: must include"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestDirectoryOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("makro.yaml", "id: makro-banyuasin\ntitle: {id: Diganti}\npanels:\n  - {id: s, type: scorecard}\n")
	write("baru.yaml", "id: baru\ntitle: {id: Baru}\nregion: '16'\npanels:\n  - {id: s, type: scorecard}\n")
	all, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := Find(all, "makro-banyuasin"); d.Title.ID != "Diganti" {
		t.Errorf("override not applied: %q", d.Title.ID)
	}
	if d, _ := Find(all, "makro-banyuasin"); d.Region != Home || d.Instance != "" {
		t.Errorf("an override without region is not for the home region of any instance: %+v", d)
	}
	if _, ok := Find(all, "baru"); !ok || len(all) != 5 {
		t.Errorf("new dashboard not added: %d dashboards", len(all))
	}
	write("rusak.yaml", "id: rusak\ntitle: {id: R}\nregion: '16.07'\npanels:\n  - {id: s, type: districts}\n")
	_, err = Load(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "rusak.yaml")+": panels[0].indicator") {
		t.Errorf("error %v, want the file and field", err)
	}
	if _, err := Load(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "PANTAU_DASHBOARDS_DIR") {
		t.Errorf("missing directory: %v", err)
	}
}

func TestPanelLookup(t *testing.T) {
	d := Dashboard{Panels: []Panel{
		{ID: "tiles", Type: KPI, Indicators: []string{"a"}},
		{ID: "table", Type: Scorecard},
		{ID: "trend", Type: Series, Indicator: "a"},
		{ID: "spread", Type: Disparity, Indicator: "a"},
	}}
	for _, tt := range []struct {
		id         string
		found, can bool
	}{
		{"tiles", true, false},
		{"table", true, false},
		{"trend", true, true},
		{"spread", true, true},
		{"nope", false, false},
	} {
		t.Run(tt.id, func(t *testing.T) {
			p, ok := d.Panel(tt.id)
			if ok != tt.found || ok && p.ID != tt.id {
				t.Fatalf("Panel(%q) = %q, %v", tt.id, p.ID, ok)
			}
			if p.Embeddable() != tt.can {
				t.Errorf("Panel(%q).Embeddable() = %v, want %v", tt.id, p.Embeddable(), tt.can)
			}
		})
	}
}

func TestEmbeddablePanel(t *testing.T) {
	d := Dashboard{Panels: []Panel{
		{ID: "tiles", Type: KPI, Indicators: []string{"a"}},
		{ID: "trend", Type: Series, Indicator: "a"},
		{ID: "spread", Type: Disparity, Indicator: "a"},
	}}
	for _, tt := range []struct {
		name, id, want string
	}{
		{"an embeddable panel", "spread", "spread"},
		{"no id: the first embeddable one", "", "trend"},
		{"a panel that is not embeddable", "tiles", ""},
		{"no such panel", "nope", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := d.EmbeddablePanel(tt.id)
			if ok != (tt.want != "") || p.ID != tt.want {
				t.Errorf("EmbeddablePanel(%q) = %q, %v; want %q", tt.id, p.ID, ok, tt.want)
			}
		})
	}
	if p, ok := (Dashboard{Panels: d.Panels[:1]}).EmbeddablePanel(""); ok {
		t.Errorf("a dashboard of tiles only has embeddable panel %q", p.ID)
	}
}
