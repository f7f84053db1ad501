package web_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/store"
)

// hostPage is a news article on another origin that embeds a chart with
// the "script" code of the Embed dialog. Its own script (the host's, not
// Pantau's) writes what it sees into the DOM for the test to read.
func hostPage(embedCode string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Berita</title><style>body{font-family:serif;max-width:44rem;margin:0 auto;padding:1rem}</style></head><body>
<h1>Kemiskinan ekstrem di Banyuasin turun</h1>
<p>Artikel contoh di situs lain. Grafik di bawah disematkan dari Pantau.</p>
` + embedCode + `
<p>Paragraf setelah grafik.</p>
<script>
var seen = [];
window.addEventListener('message', function (e) { if (e.data && e.data['pantau-embed']) seen.push(e.data['pantau-embed'].height); });
setTimeout(function () {
  var f = document.querySelector('iframe');
  document.body.setAttribute('data-result', JSON.stringify({height: f.getBoundingClientRect().height, messages: seen.length}));
}, 4000);
</script></body></html>`
}

// harness is served from the same origin as the embed (through a proxy),
// so it may call the embed's own export function and read the files it
// would download.
const harness = `<!doctype html><html><head><meta charset="utf-8"></head><body>
<iframe id="f" src="%s" style="width:800px;height:700px;border:0"></iframe>
<script>
var out = {};
function done() { document.body.setAttribute('data-result', JSON.stringify(out)); }
document.getElementById('f').addEventListener('load', function () {
  var w = this.contentWindow, d = this.contentDocument;
  var tries = 0;
  (function wait() {
    if (!d.querySelector('[data-chart-ready="true"]')) { if (++tries < 40) return setTimeout(wait, 100); out.error = 'no chart'; return done(); }
    var svgButton = d.querySelector('[data-export="svg"]'), pngButton = d.querySelector('[data-export="png"]');
    w.pantauExport(svgButton, 'svg').then(function (b) { out.svgType = b.type; return b.text(); }).then(function (t) {
      out.svg = t;
      return w.pantauExport(pngButton, 'png');
    }).then(function (b) { out.pngType = b.type; out.pngSize = b.size; return b.arrayBuffer(); }).then(function (buf) {
      var v = new DataView(buf);
      out.pngMagic = Array.from(new Uint8Array(buf.slice(0, 8))).join(',');
      out.pngWidth = v.getUint32(16); out.pngHeight = v.getUint32(20);
      var bytes = new Uint8Array(buf), s = ''; for (var i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)); out.pngData = btoa(s);
      return fetch(d.querySelector('a[href*="format=csv"]').href).then(function (r) { return r.text(); });
    }).then(function (csv) { out.csv = csv; done(); }, function (e) { out.error = String(e); done(); });
  })();
});
</script></body></html>`

var resultAttr = regexp.MustCompile(`data-result="([^"]*)"`)

// harnessResult decodes into v what a harness or host page wrote into
// its data-result attribute (in the dumped dom) and returns it as text.
func harnessResult(t *testing.T, what, dom string, v any) string {
	t.Helper()
	r := resultAttr.FindStringSubmatch(dom)
	if r == nil {
		t.Fatalf("%s recorded nothing:\n%s", what, dom)
	}
	res := html.UnescapeString(r[1])
	if err := json.Unmarshal([]byte(res), v); err != nil {
		t.Fatal(err)
	}
	return res
}

// sameOrigin serves pages (path → HTML) in front of a proxy to base, so
// that they frame base's embeds from base's own origin and may call into
// them. The server closes when the test ends.
func sameOrigin(t *testing.T, base string, pages map[string]string) *httptest.Server {
	target, _ := url.Parse(base)
	mux := http.NewServeMux()
	for path, page := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		})
	}
	mux.Handle("/", httputil.NewSingleHostReverseProxy(target))
	host := httptest.NewServer(mux)
	t.Cleanup(host.Close)
	return host
}

// screenshotDir is where a browser test keeps its screenshots and
// downloads: PANTAU_SCREENSHOTS/<test>/<engine> when that is set
// (PANTAU_SCREENSHOTS/<test> for a test on one engine), else a temporary
// folder.
func screenshotDir(t *testing.T, test string) string {
	shots := os.Getenv("PANTAU_SCREENSHOTS")
	if shots == "" {
		return t.TempDir()
	}
	dir := filepath.Join(shots, test)
	if t.Name() != test {
		dir = filepath.Join(dir, filepath.Base(t.Name()))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// keepExports writes an SVG export and a PNG one (base64) into dir as
// name.svg and name.png.
func keepExports(dir, name, svg, pngData string) {
	os.WriteFile(filepath.Join(dir, name+".svg"), []byte(svg), 0o644)
	if png, err := base64.StdEncoding.DecodeString(pngData); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// TestEmbedBrowser embeds a chart in a page of another origin in headless
// Chromium: the chart draws inside the iframe, the resizer sets the
// iframe's height from the embed's postMessage reports, the PNG and SVG
// exports carry the title, caption and source and the CSV the data; and it
// takes phone- and desktop-width screenshots of the host page.
func TestEmbedBrowser(t *testing.T) {
	bin := browser(t)
	demoServersWithStore(t, func(t *testing.T, base string, _ *store.Store) {
		dir := screenshotDir(t, "TestEmbedBrowser")
		// The code as the Embed dialog offers it (from the page itself).
		_, _, page := fetch(t, base+"/i/kemiskinan_ekstrem?region=16.07&lang=id")
		m := regexp.MustCompile(`(?s)<textarea id="[^"]*-script"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no script embed code on the indicator page")
		}
		code := html.UnescapeString(m[1])
		if !strings.Contains(code, `height="680"`) {
			t.Fatalf("embed code %s", code)
		}
		// Start the iframe far too short: the resizer must fix it.
		code = strings.Replace(code, `height="680"`, `height="150"`, 1)

		host := sameOrigin(t, base, map[string]string{
			"/artikel.html": hostPage(code),
			"/harness.html": fmt.Sprintf(harness, "/embed/i/kemiskinan_ekstrem?region=16.07&lang=id"),
		})

		for _, size := range []string{"390,844", "1280,900"} {
			dom := chromium(t, bin, host.URL+"/artikel.html", "--window-size="+size, "--dump-dom", "--virtual-time-budget=8000")
			var got struct {
				Height   float64
				Messages int
			}
			res := harnessResult(t, size+": the host page", dom, &got)
			iframe := regexp.MustCompile(`<iframe[^>]*>`).FindString(dom)
			if got.Messages == 0 || got.Height <= 300 || got.Height > 1400 || !strings.Contains(iframe, "height: ") {
				t.Errorf("%s: iframe not resized to its content: %s, %s", size, res, iframe)
			}
			if !strings.Contains(iframe, `data-pantau-charts="1"`) {
				t.Errorf("%s: the embed reported no drawn chart: %s", size, iframe)
			}
			t.Logf("%s: iframe height %.0f px after %d messages", size, got.Height, got.Messages)
			file := filepath.Join(dir, "embed-host-"+strings.SplitN(size, ",", 2)[0]+".png")
			screenshot(t, bin, host.URL+"/artikel.html", size, file, "--virtual-time-budget=8000")
		}

		// The embed on its own: the chart is drawn as SVG.
		dom := chromium(t, bin, base+"/embed/i/kemiskinan_ekstrem?region=16.07&lang=en&theme=dark", "--window-size=390,700", "--dump-dom")
		if d := drawnChart.FindStringSubmatch(dom); d == nil || d[1] == "0" || strings.Contains(dom, "chart-error") {
			t.Errorf("embed: chart not drawn")
		}

		// Downloads, through the embed's own export code.
		dom = chromium(t, bin, host.URL+"/harness.html", "--window-size=900,800", "--dump-dom", "--virtual-time-budget=10000")
		var ex struct {
			Error, SVG, SVGType, PNGType, PNGMagic, CSV, PNGData string
			PNGSize, PNGWidth, PNGHeight                         int
		}
		harnessResult(t, "harness", dom, &ex)
		if ex.Error != "" {
			t.Fatalf("export: %s", ex.Error)
		}
		for _, w := range []string{"Kemiskinan ekstrem — Kabupaten Banyuasin", "0,49%", "Sumber: Forum Konsultasi Publik", "diperbarui", "<svg"} {
			if !strings.Contains(html.UnescapeString(ex.SVG), w) {
				t.Errorf("SVG export lacks %q", w)
			}
		}
		if ex.SVGType != "image/svg+xml" || ex.PNGType != "image/png" || ex.PNGMagic != "137,80,78,71,13,10,26,10" ||
			ex.PNGSize < 20_000 || ex.PNGWidth != 1920 || ex.PNGHeight < 900 {
			t.Errorf("PNG export: type %s magic %s size %d, %d×%d", ex.PNGType, ex.PNGMagic, ex.PNGSize, ex.PNGWidth, ex.PNGHeight)
		}
		if !strings.Contains(ex.CSV, ";2024;Total;observasi;;0,49;") {
			t.Errorf("CSV download:\n%s", ex.CSV)
		}
		keepExports(dir, "export", ex.SVG, ex.PNGData)
		t.Logf("screenshots in %s; SVG %d bytes, PNG %d bytes %d×%d", dir, len(ex.SVG), ex.PNGSize, ex.PNGWidth, ex.PNGHeight)
	})
}
