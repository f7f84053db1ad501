package web_test

import (
	"encoding/json"
	"html"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/store"
)

var (
	svgPath  = regexp.MustCompile(`<path[^>]*\bfill="([^"]*)"`)
	svgText  = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	svgWidth = regexp.MustCompile(`<svg[^>]*width="(\d+)"`)
)

// drawnMap is what Chromium drew in a map's container: the fills of its
// SVG paths and its texts.
type drawnMap struct {
	fills map[string]int
	texts []string
	width string
}

// mapIn cuts the drawn SVG of the chart container id out of a dumped DOM.
func mapIn(t *testing.T, what, dom, id string) drawnMap {
	t.Helper()
	i := strings.Index(dom, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("%s: no container %s", what, id)
	}
	rest := dom[i:]
	if tag := rest[:strings.Index(rest, ">")]; !strings.Contains(tag, `data-chart-ready="true"`) {
		t.Fatalf("%s: map not drawn (chart-error: %v)", what, strings.Contains(dom, "chart-error"))
	}
	end := strings.Index(rest, "</svg>")
	if end < 0 {
		t.Fatalf("%s: no SVG in the map", what)
	}
	svg := rest[:end]
	d := drawnMap{fills: map[string]int{}}
	for _, m := range svgPath.FindAllStringSubmatch(svg, -1) {
		d.fills[m[1]]++
	}
	for _, m := range svgText.FindAllStringSubmatch(svg, -1) {
		d.texts = append(d.texts, html.UnescapeString(m[1]))
	}
	if m := svgWidth.FindStringSubmatch(svg); m != nil {
		d.width = m[1]
	}
	return d
}

// Colours of the classes (internal/chart/choropleth.go).
var mapColours = []string{"#2171b5", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04", "#b4b9bf"}

// shapes counts the filled regions: paths in a class colour, less one
// legend symbol for each class the legend lists.
func (d drawnMap) shapes(legend int) int {
	n := 0
	for _, c := range mapColours {
		n += d.fills[c]
	}
	return n - legend
}

// Rambutan (16.07.06) on the open page's map, through ECharts' own
// instance: mapShowTip shows its tooltip with ECharts' own action and
// returns the map's data items and shapes; mapTip is the tooltip's text;
// mapPoint is where Rambutan is drawn, in the viewport.
const (
	mapChart   = `document.querySelector('[id$="-map"][data-chart-ready="true"]')`
	mapShowTip = `(() => {
  const inst = echarts.getInstanceByDom(` + mapChart + `), series = inst.getModel().getSeriesByIndex(0), data = inst.getOption().series[0].data;
  inst.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: data.findIndex(x => x.name === '16.07.06')});
  return {data: data.length, regions: series.coordinateSystem.regions.length};
})()`
	mapTip   = `Array.from(` + mapChart + `.querySelectorAll('div')).filter(x => x.style.zIndex === '9999999').map(x => x.innerText).join('|')`
	mapPoint = `(() => {
  const el = ` + mapChart + `, geo = echarts.getInstanceByDom(el).getModel().getSeriesByIndex(0).coordinateSystem;
  const p = geo.dataToPoint(geo.getRegion('16.07.06').getCenter()), r = el.getBoundingClientRect();
  return {x: r.left + p[0], y: r.top + p[1]};
})()`
)

// TestMapBrowser draws the demo's kecamatan map in headless Chromium at
// desktop and phone width, light and dark: 21 shapes filled in the
// classes' colours, every one hatched as data contoh, the legend with its
// no-data entry; a year only three kecamatan have fills 18 shapes grey;
// the embed draws the same, and its SVG and PNG downloads carry the
// title, legend and source. Screenshots go to PANTAU_SCREENSHOTS.
func TestMapBrowser(t *testing.T) {
	bin := browser(t)
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		dir := screenshotDir(t, "TestMapBrowser")
		legend := []string{"Memenuhi target (8,9%)", "9 – <10%", "10 – <11%", "11 – <12%", "12 – <13%", "13 – <14%", "Tidak ada data"}
		const pageMap = "chart-indicator-kemiskinan-16_07-map"
		// The console and the requests are checked on each page as loaded
		// (chromiumPage), the drawing in b once the map has been drawn.
		b := newCDPBrowser(t, bin)
		for _, v := range []struct{ size, theme string }{{"1280,900", "light"}, {"1280,900", "dark"}, {"390,844", "light"}, {"390,844", "dark"}} {
			path := "/i/kemiskinan?region=16.07&tab=map&lang=id&theme=" + v.theme
			what := path + " at " + v.size
			chromiumPage(t, bin, base, path, "--window-size="+v.size, "--dump-dom")
			b.viewport(v.size)
			b.open(base + path)
			dom := b.drawnDOM(what)
			d := mapIn(t, what, dom, pageMap)
			if n := d.shapes(len(legend)); n != 21 {
				t.Errorf("%s: %d shapes filled in a class colour, want 21 (fills %v)", what, n, d.fills)
			}
			hatched := 0
			for fill, n := range d.fills {
				if strings.HasPrefix(fill, "url(#") {
					hatched += n
				}
			}
			if hatched != 21 {
				t.Errorf("%s: %d shapes hatched, want every demo value (21)", what, hatched)
			}
			texts := strings.Join(d.texts, "|")
			for _, w := range append(legend, "Arsiran: data contoh") {
				if !strings.Contains(texts, w) {
					t.Errorf("%s: the map does not show %q (texts %q)", what, w, d.texts)
				}
			}
			if strings.Contains(dom, "data-pwned") || strings.Contains(dom, "chart-error") {
				t.Errorf("%s: a chart failed or a payload ran", what)
			}
			file := filepath.Join(dir, "map-"+v.theme+"-"+strings.SplitN(v.size, ",", 2)[0]+".png")
			b.shotOf(base+path, strings.NewReplacer("1280,900", "1280,1100", "390,844", "390,1400").Replace(v.size), file)
		}

		// The embed draws the same map.
		const embedMap = "chart-embed-kemiskinan-16_07-map"
		for _, size := range []string{"390,700", "1280,900"} {
			path := "/embed/i/kemiskinan?region=16.07&tab=map&lang=id&theme=dark"
			chromiumPage(t, bin, base, path, "--window-size="+size, "--dump-dom")
			b.viewport(size)
			b.open(base + path)
			if d := mapIn(t, "embed "+size, b.drawnDOM("embed "+size), embedMap); d.shapes(len(legend)) != 21 {
				t.Errorf("embed at %s: %d shapes (fills %v)", size, d.shapes(len(legend)), d.fills)
			}
			b.shot(filepath.Join(dir, "map-embed-dark-"+strings.SplitN(size, ",", 2)[0]+".png"))
		}

		// Its downloads, through the embed's own export code.
		embed := base + "/embed/i/kemiskinan?region=16.07&tab=map&lang=id"
		ex := b.export(embed)
		svg := html.UnescapeString(ex.SVG)
		for _, w := range append(legend, "Tingkat kemiskinan (P0) — Kabupaten Banyuasin", "Sumber: ", "Arsiran: data contoh", "<svg") {
			if !strings.Contains(svg, w) {
				t.Errorf("SVG export lacks %q", w)
			}
		}
		if n := strings.Count(svg, `fill="#2171b5"`); n < 9+1 {
			t.Errorf("SVG export: %d blue paths, want the 9 kecamatan meeting the target and the legend's", n)
		}
		if ex.PNGType != "image/png" || ex.PNGWidth != 1920 || ex.PNGHeight < 1000 {
			t.Errorf("PNG export: %s %d×%d", ex.PNGType, ex.PNGWidth, ex.PNGHeight)
		}
		keepExports(dir, "map-export", ex.SVG, ex.PNGData)

		// Hover and click, in the embed (pages may not be framed, and an
		// embed opens a region's page in a new tab).
		b.viewport("900,1000")
		b.open(embed)
		b.drawCharts("the map embed")
		var hv struct{ Data, Regions int }
		json.Unmarshal(b.eval(mapShowTip), &hv)
		if hv.Data != 21 || hv.Regions != 21 {
			t.Errorf("map instance: %+v, want 21 data items on 21 shapes", hv)
		}
		b.waitFor("the tooltip over Rambutan", mapTip)
		if tip, want := b.text(mapTip), "Rambutan\n2025: 5,54%\nmemenuhi target RPJMD Kab. Banyuasin 2025 (8,9%)\ndata contoh"; tip != want {
			t.Errorf("tooltip %q, want %q", tip, want)
		}
		// A click where Rambutan is drawn, with the mouse as a reader's.
		var pt struct{ X, Y float64 }
		json.Unmarshal(b.eval(mapPoint), &pt)
		b.eval(`window.open = u => { window.__opened = u; }; true`)
		for _, ev := range []map[string]any{{"type": "mouseMoved"}, {"type": "mousePressed", "button": "left", "clickCount": 1}, {"type": "mouseReleased", "button": "left", "clickCount": 1}} {
			ev["x"], ev["y"] = pt.X, pt.Y
			b.must(b.call(b.session, "Input.dispatchMouseEvent", ev))(nil)
		}
		b.waitFor("a click on Rambutan to open a page", `window.__opened !== undefined`)
		if opened := b.text(`window.__opened`); opened != "/i/kemiskinan?region=16.07.06&lang=id" {
			t.Errorf("a click on Rambutan opened %q", opened)
		}

		// A year only three kecamatan have: 18 grey shapes.
		loadPartialYear(t, st)
		path := "/i/kemiskinan?region=16.07&tab=map&year=2026&lang=id"
		chromiumPage(t, bin, base, path, "--window-size=1280,900", "--dump-dom")
		b.viewport("1280,900")
		b.open(base + path)
		if d := mapIn(t, "2026", b.drawnDOM("2026"), pageMap); d.fills["#b4b9bf"] != 18+1 {
			t.Errorf("2026: %d grey paths, want 18 shapes and the legend's symbol (fills %v)", d.fills["#b4b9bf"], d.fills)
		}

		t.Logf("screenshots in %s; SVG export %d bytes, PNG %d×%d", dir, len(ex.SVG), ex.PNGWidth, ex.PNGHeight)
	})
}
