package web_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pantau/internal/store"
)

// hostPage is a news article on another origin that embeds a chart with
// the "script" code of the Embed dialog. Its own script (the host's, not
// Pantau's) counts the embed's height reports into data-messages.
func hostPage(embedCode string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Berita</title><style>body{font-family:serif;max-width:44rem;margin:0 auto;padding:1rem}</style></head><body data-messages="0">
<h1>Kemiskinan ekstrem di Banyuasin turun</h1>
<p>Artikel contoh di situs lain. Grafik di bawah disematkan dari Pantau.</p>
` + embedCode + `
<p>Paragraf setelah grafik.</p>
<script>
var seen = 0;
window.addEventListener('message', function (e) { if (e.data && e.data['pantau-embed']) document.body.setAttribute('data-messages', ++seen); });
</script></body></html>`
}

// exportScript downloads, through the open embed's own export code, its
// chart as SVG and PNG (the PNG's type, size, signature, dimensions and
// bytes in base64) and its data as CSV, as the embed's buttons and link
// would. The browser's eval awaits it: the test waits for the files
// themselves, not for a time.
const exportScript = `(async () => {
  const svg = await pantauExport(document.querySelector('[data-export="svg"]'), 'svg');
  const png = await pantauExport(document.querySelector('[data-export="png"]'), 'png');
  const buf = await png.arrayBuffer(), v = new DataView(buf), bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  const csv = await fetch(document.querySelector('a[href*="format=csv"]').href).then(r => r.text());
  return {svgType: svg.type, svg: await svg.text(), pngType: png.type, pngSize: png.size, pngMagic: Array.from(bytes.slice(0, 8)).join(','),
    pngWidth: v.getUint32(16), pngHeight: v.getUint32(20), pngData: btoa(s), csv: csv};
})()`

// exported is what exportScript returns.
type exported struct {
	SVG, SVGType, PNGType, PNGMagic, CSV, PNGData string
	PNGSize, PNGWidth, PNGHeight                  int
}

// export opens the embed at url in b, waits for its chart and downloads
// what exportScript does.
func (b *cdpBrowser) export(url string) exported {
	b.t.Helper()
	b.viewport("800,700")
	b.open(url)
	b.drawCharts(url)
	var ex exported
	if err := json.Unmarshal(b.eval(exportScript), &ex); err != nil {
		b.t.Fatalf("%s: export: %v", url, err)
	}
	return ex
}

// frameSized is, in an embed's frame, the height its content reports once
// the host's embed.js has taken over its sizing and its chart is drawn;
// 0 before.
const frameSized = `(() => {
  const d = document, box = d.querySelector('.embed') || d.body;
  return d.documentElement.classList.contains('sized') && d.querySelector('[data-chart-ready="true"]') ? Math.ceil(box.getBoundingClientRect().height) : 0;
})()`

// waitForResize waits until the open host page's iframe has the height its
// embed reports (embed.js on the host sizes it; clamped there to 80–4000
// px) and returns that height.
func (b *cdpBrowser) waitForResize(what string) float64 {
	b.t.Helper()
	var frame, iframe float64
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		json.Unmarshal(frameEval(b, frameSized), &frame)
		json.Unmarshal(b.eval(`document.querySelector('iframe').getBoundingClientRect().height`), &iframe)
		if want := math.Min(math.Max(frame, 80), 4000); frame > 0 && math.Abs(iframe-want) <= 1 {
			return iframe
		}
	}
	b.t.Fatalf("%s: waited 30 s for the iframe to take its embed's height: the embed reports %.0f px (0: not sized or no chart drawn), the iframe is %.0f px", what, frame, iframe)
	return 0
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

		// The article on a server of its own, another origin than the
		// embed's.
		article := hostPage(code)
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, article)
		}))
		t.Cleanup(host.Close)

		b := newCDPBrowser(t, bin)
		for _, size := range []string{"390,844", "1280,900"} {
			b.viewport(size)
			b.open(host.URL + "/artikel.html")
			height := b.waitForResize(size + ": the host page")
			messages := b.text(`document.body.getAttribute('data-messages')`)
			iframe := b.text(`document.querySelector('iframe').outerHTML`)
			if messages == "0" || height <= 300 || height > 1400 || !strings.Contains(iframe, "height: ") {
				t.Errorf("%s: iframe not resized to its content: %.0f px after %s messages, %s", size, height, messages, iframe)
			}
			if !strings.Contains(iframe, `data-pantau-charts="1"`) {
				t.Errorf("%s: the embed reported no drawn chart: %s", size, iframe)
			}
			t.Logf("%s: iframe height %.0f px after %s messages", size, height, messages)
			b.shot(filepath.Join(dir, "embed-host-"+strings.SplitN(size, ",", 2)[0]+".png"))
		}

		// The embed on its own: the chart is drawn as SVG.
		b.viewport("390,700")
		b.open(base + "/embed/i/kemiskinan_ekstrem?region=16.07&lang=en&theme=dark")
		dom := b.drawnDOM("the embed")
		if d := drawnChart.FindStringSubmatch(dom); d == nil || d[1] == "0" || strings.Contains(dom, "chart-error") {
			t.Errorf("embed: chart not drawn")
		}

		// Downloads, through the embed's own export code.
		ex := b.export(base + "/embed/i/kemiskinan_ekstrem?region=16.07&lang=id")
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
