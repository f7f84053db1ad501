package chart

import (
	"encoding/json"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

func fp(v float64) *float64 { return &v }

// mapOption builds a choropleth and returns its option as the browser
// parses it.
func mapOption(t *testing.T, in MapInput) (map[string]any, Chart) {
	t.Helper()
	in.ID, in.Lang, in.Year, in.ShapesURL = "m", locale.ID, 2025, "/api/v1/boundaries?parent=16.07"
	ch, err := Choropleth(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ch.Option)
	if err != nil {
		t.Fatal(err)
	}
	var opt map[string]any
	if err := json.Unmarshal(b, &opt); err != nil {
		t.Fatal(err)
	}
	return opt, ch
}

// pieces returns the legend's labels and colours, top to bottom, and the
// class index of each region by code.
func pieces(opt map[string]any) (labels, colours []string, class map[string]int) {
	vm := opt["visualMap"].(map[string]any)
	for _, p := range vm["pieces"].([]any) {
		m := p.(map[string]any)
		labels = append(labels, m["label"].(string))
		colours = append(colours, m["color"].(string))
	}
	class = map[string]int{}
	for _, d := range opt["series"].([]any)[0].(map[string]any)["data"].([]any) {
		m := d.(map[string]any)
		class[m["name"].(string)] = int(m["value"].(float64))
	}
	return labels, colours, class
}

func TestChoroplethClassesFollowPolarity(t *testing.T) {
	regions := []MapRegion{
		{Code: "16.07.01", Name: "A", Value: fp(5.2)},
		{Code: "16.07.02", Name: "B", Value: fp(9.7)},
		{Code: "16.07.03", Name: "C", Value: fp(13.1)},
		{Code: "16.07.04", Name: "D"}, // no value this year
	}
	ipm := domain.Indicator{Code: "ipm", NameID: "IPM", Unit: "indeks", Polarity: domain.HigherIsBetter, Decimals: 2}
	goal := target("rpjmd", poverty, 2025, 8.9, 8.9)
	for _, tt := range []struct {
		name      string
		ind       domain.Indicator
		target    *domain.Target
		first     string // the legend's first label
		lightest  string // the region in the lightest graded class
		darkest   string
		meets     []string
		wantFirst int // class of the lightest region
	}{
		{name: "lower is better", ind: poverty, first: "5 – <7,5%", lightest: "16.07.01", darkest: "16.07.03"},
		{name: "higher is better", ind: ipm, first: "12,5 – <15", lightest: "16.07.03", darkest: "16.07.01"},
		{name: "with a target", ind: poverty, target: &goal, first: "Memenuhi target (8,9%)", lightest: "16.07.02", darkest: "16.07.03",
			meets: []string{"16.07.01"}, wantFirst: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt, ch := mapOption(t, MapInput{Indicator: tt.ind, Regions: regions, Target: tt.target, PlanName: "RPJMD"})
			labels, colours, class := pieces(opt)
			if labels[0] != tt.first {
				t.Errorf("first legend entry %q, want %q (all: %q)", labels[0], tt.first, labels)
			}
			if last := labels[len(labels)-1]; last != "Tidak ada data" || colours[len(colours)-1] != mapNoData {
				t.Errorf("last legend entry %q %s, want the no-data class", last, colours[len(colours)-1])
			}
			if got := class["16.07.04"]; got != len(labels)-1 {
				t.Errorf("region without a value in class %d (%s), want no data", got, labels[got])
			}
			if got := class[tt.lightest]; got != tt.wantFirst || colours[got] != mapScale[0] {
				t.Errorf("%s in class %d %s, want %d, the lightest %s", tt.lightest, got, colours[got], tt.wantFirst, mapScale[0])
			}
			if got := class[tt.darkest]; colours[got] != mapScale[len(mapScale)-1] {
				t.Errorf("%s coloured %s, want the darkest %s", tt.darkest, colours[got], mapScale[len(mapScale)-1])
			}
			for _, code := range tt.meets {
				if colours[class[code]] != mapMeets {
					t.Errorf("%s meets the target but is coloured %s", code, colours[class[code]])
				}
			}
			if len(ch.Table.Rows) != len(regions) {
				t.Errorf("table has %d rows, want every region (%d)", len(ch.Table.Rows), len(regions))
			}
		})
	}
}

func TestChoroplethMarksIllustrativeAndHome(t *testing.T) {
	opt, _ := mapOption(t, MapInput{Indicator: poverty, Home: "16.07", OutlineURL: "/api/v1/boundaries?parent=16", Regions: []MapRegion{
		{Code: "16.07.01", Name: "A", Value: fp(5.2), Illustrative: true, Link: "/i/kemiskinan?region=16.07.01"},
		{Code: "16.07.02", Name: "B", Value: fp(9.7)},
	}})
	data := opt["series"].([]any)[0].(map[string]any)["data"].([]any)
	a, b := data[0].(map[string]any), data[1].(map[string]any)
	if _, ok := a["itemStyle"].(map[string]any)["decal"]; !ok {
		t.Errorf("illustrative value not hatched: %v", a)
	}
	if _, ok := b["itemStyle"]; ok {
		t.Errorf("published value hatched: %v", b)
	}
	if tip := a["tip"].([]any); tip[len(tip)-1] != "data contoh" {
		t.Errorf("tooltip texts %q lack the illustrative label", tip)
	}
	if g, ok := opt["graphic"].([]any); !ok || !strings.Contains(g[0].(map[string]any)["style"].(map[string]any)["text"].(string), "data contoh") {
		t.Errorf("no hatching note drawn on the map: %v", opt["graphic"])
	}
	pm := opt["pantauMap"].(map[string]any)
	if pm["home"] != "16.07" || pm["outline"] != "/api/v1/boundaries?parent=16" || pm["shapes"] != "/api/v1/boundaries?parent=16.07" {
		t.Errorf("pantauMap %v", pm)
	}
	if a["link"] != "/i/kemiskinan?region=16.07.01" {
		t.Errorf("link %v", a["link"])
	}
}

// TestChoroplethNamesAreText: a name from a boundary file or upload is
// data in the JSON block (escaped), never a formatter template or markup.
func TestChoroplethNamesAreText(t *testing.T) {
	evil := `</script><img src=x onerror=alert(1)>{b}__f__function(){}__f__`
	ch, err := Choropleth(MapInput{ID: "m", Lang: locale.EN, Indicator: poverty, Year: 2025, ShapesURL: "/x",
		Regions: []MapRegion{{Code: "16.07.01", Name: evil, Value: fp(3)}}, Caption: evil})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Render(ch, locale.EN)
	if err != nil {
		t.Fatal(err)
	}
	block := string(h)[strings.Index(string(h), `type="application/json"`):]
	block = block[:strings.Index(block, "</script>")]
	if strings.Contains(block, "<img") || strings.Contains(block, "</") {
		t.Errorf("markup in the option block: %s", block)
	}
	if strings.Contains(block, `"formatter"`) {
		t.Errorf("the server wrote a formatter; the static script owns it: %s", block)
	}
}
