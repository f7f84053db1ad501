package web_test

import (
	"fmt"
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

// mapHarness frames a map embed from the same origin, shows the tooltip
// of Rambutan (16.07.06) through ECharts' own action, clicks the shape
// where it is drawn and records what the map would open.
const mapHarness = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<iframe id="f" src="%s" style="width:900px;height:1000px;border:0"></iframe>
<script>
var out = {};
function done() { document.body.setAttribute('data-result', JSON.stringify(out)); }
var f = document.getElementById('f');
f.addEventListener('load', function () {
  var w = f.contentWindow, d = f.contentDocument, tries = 0;
  (function wait() {
    var el = d.querySelector('[id$="-map"][data-chart-ready="true"]');
    if (!el) { if (++tries < 60) return setTimeout(wait, 100); out.error = 'no map'; return done(); }
    var inst = w.echarts.getInstanceByDom(el), series = inst.getModel().getSeriesByIndex(0);
    var data = inst.getOption().series[0].data;
    out.data = data.length;
    out.regions = series.coordinateSystem.regions.length;
    inst.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: data.findIndex(function (x) { return x.name === '16.07.06'; }) });
    setTimeout(function () {
      out.tip = Array.from(el.querySelectorAll('div')).filter(function (x) { return x.style.zIndex === '9999999'; }).map(function (x) { return x.innerText; }).join('|');
      var geo = series.coordinateSystem, pt = geo.dataToPoint(geo.getRegion('16.07.06').getCenter()), r = el.getBoundingClientRect();
      w.open = function (u) { out.opened = u; };
      var ev = { clientX: r.left + pt[0], clientY: r.top + pt[1], bubbles: true };
      ['mousemove', 'mousedown', 'mouseup', 'click'].forEach(function (t) { el.querySelector('div').dispatchEvent(new w.MouseEvent(t, ev)); });
      setTimeout(done, 500);
    }, 300);
  })();
});
</script></body></html>`

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
		for _, v := range []struct{ size, theme string }{{"1280,900", "light"}, {"1280,900", "dark"}, {"390,844", "light"}, {"390,844", "dark"}} {
			path := "/i/kemiskinan?region=16.07&tab=map&lang=id&theme=" + v.theme
			what := path + " at " + v.size
			dom := chromiumPage(t, bin, base, path, "--window-size="+v.size, "--dump-dom")
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
			screenshot(t, bin, base+path, strings.NewReplacer("1280,900", "1280,1100", "390,844", "390,1400").Replace(v.size), file)
		}

		// The embed draws the same map.
		var dom string
		const embedMap = "chart-embed-kemiskinan-16_07-map"
		for _, size := range []string{"390,700", "1280,900"} {
			path := "/embed/i/kemiskinan?region=16.07&tab=map&lang=id&theme=dark"
			dom = chromiumPage(t, bin, base, path, "--window-size="+size, "--dump-dom")
			if d := mapIn(t, "embed "+size, dom, embedMap); d.shapes(len(legend)) != 21 {
				t.Errorf("embed at %s: %d shapes (fills %v)", size, d.shapes(len(legend)), d.fills)
			}
			file := filepath.Join(dir, "map-embed-dark-"+strings.SplitN(size, ",", 2)[0]+".png")
			chromium(t, bin, base+path, "--window-size="+size, "--screenshot="+file)
		}

		// Its downloads, through the embed's own export code (a harness of
		// the same origin, as TestEmbedBrowser does).
		host := sameOrigin(t, base, map[string]string{
			"/harness.html":     fmt.Sprintf(harness, "/embed/i/kemiskinan?region=16.07&tab=map&lang=id"),
			"/map-harness.html": fmt.Sprintf(mapHarness, "/embed/i/kemiskinan?region=16.07&tab=map&lang=id"),
		})
		dom = chromium(t, bin, host.URL+"/harness.html", "--window-size=900,800", "--dump-dom", "--virtual-time-budget=30000")
		var ex struct {
			Error, SVG, SVGType, PNGType, CSV, PNGData string
			PNGWidth, PNGHeight                        int
		}
		harnessResult(t, "harness", dom, &ex)
		if ex.Error != "" {
			t.Fatalf("export: %s", ex.Error)
		}
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
		// Hover and click, in the embed (pages may not be framed).
		dom = chromium(t, bin, host.URL+"/map-harness.html", "--window-size=900,800", "--dump-dom", "--virtual-time-budget=30000")
		var hv struct {
			Error, Tip, Opened string
			Data, Regions      int
		}
		harnessResult(t, "map harness", dom, &hv)
		if hv.Error != "" || hv.Data != 21 || hv.Regions != 21 {
			t.Errorf("map instance: %+v, want 21 data items on 21 shapes", hv)
		}
		if want := "Rambutan\n2025: 5,54%\nmemenuhi target RPJMD Kab. Banyuasin 2025 (8,9%)\ndata contoh"; hv.Tip != want {
			t.Errorf("tooltip %q, want %q", hv.Tip, want)
		}
		if hv.Opened != "/i/kemiskinan?region=16.07.06&lang=id" {
			t.Errorf("a click on Rambutan opened %q", hv.Opened)
		}

		// A year only three kecamatan have: 18 grey shapes.
		loadPartialYear(t, st)
		dom = chromiumPage(t, bin, base, "/i/kemiskinan?region=16.07&tab=map&year=2026&lang=id", "--window-size=1280,900", "--dump-dom")
		if d := mapIn(t, "2026", dom, pageMap); d.fills["#b4b9bf"] != 18+1 {
			t.Errorf("2026: %d grey paths, want 18 shapes and the legend's symbol (fills %v)", d.fills["#b4b9bf"], d.fills)
		}

		t.Logf("screenshots in %s; SVG export %d bytes, PNG %d×%d", dir, len(ex.SVG), ex.PNGWidth, ex.PNGHeight)
	})
}
