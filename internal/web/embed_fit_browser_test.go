package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pantau/internal/store"
)

// frameEval runs script in the first iframe of the open page, in a world
// of its own (it shares the frame's DOM, not its scripts): a host page on
// another port cannot look into the frame, DevTools can. It returns the
// script's value as JSON.
func frameEval(b *cdpBrowser, script string) json.RawMessage {
	b.t.Helper()
	var tree struct {
		FrameTree struct {
			ChildFrames []struct {
				Frame struct {
					ID string `json:"id"`
				} `json:"frame"`
			} `json:"childFrames"`
		} `json:"frameTree"`
	}
	b.must(b.call(b.session, "Page.getFrameTree", nil))(&tree)
	if len(tree.FrameTree.ChildFrames) == 0 {
		b.t.Fatal("the host page has no iframe")
	}
	var world struct {
		ID int `json:"executionContextId"`
	}
	// The frame may still be navigating: its world is then gone, and the
	// caller asks again.
	raw, err := b.call(b.session, "Page.createIsolatedWorld", map[string]any{"frameId": tree.FrameTree.ChildFrames[0].Frame.ID, "worldName": "test"})
	if err != nil || json.Unmarshal(raw, &world) != nil {
		return nil
	}
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
	}
	if raw, err = b.call(b.session, "Runtime.evaluate", map[string]any{"expression": script, "contextId": world.ID, "returnByValue": true}); err != nil || json.Unmarshal(raw, &r) != nil {
		return nil
	}
	return r.Result.Value
}

// frameFit is what the frame shows at one width.
type frameFit struct {
	Height, Scroll, Natural float64
	SourceBottom            float64
	LinkBottom              float64
	Ready                   bool
}

const measureFrame = `(function () {
  var d = document, root = d.documentElement, src = d.querySelector('.foot .src'), link = d.querySelector('.foot a[target=_blank]');
  var out = {height: innerHeight, scroll: root.scrollHeight, ready: !!d.querySelector('[data-chart-ready="true"]'),
    sourceBottom: src ? src.getBoundingClientRect().bottom : -1, linkBottom: link ? link.getBoundingClientRect().bottom : -1};
  root.classList.add('sized');
  out.natural = d.querySelector('.embed').getBoundingClientRect().height;
  root.classList.remove('sized');
  return out;
})()`

// TestEmbedFitBrowser pastes an embed into a news page served from
// another loopback port, as the plain iframe code of the Embed dialog and
// as oEmbed's html, without /static/embed.js: at phone and desktop widths
// the frame needs no inner scrollbar and shows the source line and the
// link back. Screenshots of the host page in both themes go to
// $PANTAU_SCREENSHOTS.
func TestEmbedFitBrowser(t *testing.T) {
	bin := browser(t)
	demoServersWithStore(t, func(t *testing.T, base string, _ *store.Store) {
		dir := screenshotDir(t, "TestEmbedFitBrowser")
		codes := map[string]string{}
		for _, page := range []string{"/i/kemiskinan_ekstrem?region=16.07", "/i/kemiskinan_ekstrem?region=16.07&tab=map", "/d/makro-banyuasin?region=16.07", "/d/kesenjangan-kecamatan?region=16.07"} {
			_, _, body := fetch(t, base+page)
			for _, m := range regexp.MustCompile(`(?s)<textarea id="embed-([^"]*)-iframe"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(body, -1) {
				codes["iframe "+m[1]] = html.UnescapeString(m[2])
			}
		}
		var oe struct{ HTML string }
		if get(t, base+"/oembed?url="+base+"/i/kemiskinan_ekstrem%3Fregion%3D16.07", &oe) != http.StatusOK {
			t.Fatal("oEmbed failed")
		}
		codes["oembed indicator"] = oe.HTML
		if get(t, base+"/oembed?url="+base+"/d/makro-banyuasin%3Fregion%3D16.07%26panel%3Dkemiskinan", &oe) != http.StatusOK {
			t.Fatal("oEmbed of a panel failed")
		}
		codes["oembed panel"] = oe.HTML
		if len(codes) < 4 {
			t.Fatalf("embed codes found: %v", codes)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/artikel", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Berita</title>
<style>body{font-family:serif;margin:0 auto;padding:0 8px;max-width:1280px}</style></head><body><h1>Berita</h1>%s<p>Paragraf setelah grafik.</p></body></html>`, codes[r.URL.Query().Get("code")])
		})
		host := httptest.NewServer(mux)
		defer host.Close()
		b := newCDPBrowser(t, bin)
		for name := range codes {
			for _, width := range []int{320, 390, 768, 1280} {
				b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
				b.open(host.URL + "/artikel?code=" + strings.ReplaceAll(name, " ", "+"))
				// Measured once the chart is drawn and the frame's layout has
				// settled: two measurements in a row alike (a slow run, as
				// under the race detector, can see the chart drawn before
				// the map's layout is done).
				var fit frameFit
				for deadline := time.Now().Add(45 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
					var now frameFit
					json.Unmarshal(frameEval(b, measureFrame), &now)
					settled := now.Ready && now == fit
					fit = now
					if settled {
						break
					}
				}
				t.Logf("%s at %d px: frame %.0f, content %.0f (natural %.0f), source ends %.0f, link %.0f", name, width, fit.Height, fit.Scroll, fit.Natural, fit.SourceBottom, fit.LinkBottom)
				switch {
				case !fit.Ready:
					t.Errorf("%s at %d px: no chart drawn", name, width)
				case fit.Scroll > fit.Height:
					t.Errorf("%s at %d px: inner scrollbar, content %.0f px in a %.0f px frame", name, width, fit.Scroll, fit.Height)
				case fit.SourceBottom <= 0 || fit.SourceBottom > fit.Height || fit.LinkBottom <= 0 || fit.LinkBottom > fit.Height:
					t.Errorf("%s at %d px: source (%.0f) or link back (%.0f) not inside the %.0f px frame", name, width, fit.SourceBottom, fit.LinkBottom, fit.Height)
				}
				if name == "iframe chart-indicator-kemiskinan_ekstrem-16_07" && (width == 390 || width == 1280) {
					b.screenshot(filepath.Join(dir, fmt.Sprintf("host-%d-light.png", width)), width, false)
					b.screenshot(filepath.Join(dir, fmt.Sprintf("host-%d-dark.png", width)), width, true)
				}
			}
		}
	})
}

// TestEmbedOptionsBrowser: the Embed dialog's options rewrite its codes as
// they change, and the embed applies them (no title, dark theme, plain);
// the share area's copy button and links are there. Screenshots of the
// share area and the dialog at 390 and 1280 px, light and dark.
func TestEmbedOptionsBrowser(t *testing.T) {
	bin := browser(t)
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	dir := screenshotDir(t, "TestEmbedOptionsBrowser")
	b := newCDPBrowser(t, bin)
	b.open(base + "/i/kemiskinan_ekstrem?region=16.07")
	if n := b.text(`String(document.querySelectorAll('.share-links a[href^="https://wa.me/?text="], .share-links a[href^="https://x.com/intent/post?url="], .share-links a[href^="https://www.facebook.com/sharer/sharer.php?u="]').length)`); n != "3" {
		t.Errorf("share links: %s of 3", n)
	}
	if v := b.text(`document.querySelector('.share-links .share-url').value`); !strings.HasPrefix(v, base+"/i/kemiskinan_ekstrem?") {
		t.Errorf("share URL %q", v)
	}
	b.eval(`document.querySelector('.share-links [data-copy]').offsetParent !== null`)
	dialog := `document.querySelector('details.embed-dialog')`
	b.eval(dialog + `.open = true; true`)
	code := b.text(`(function () { var d = ` + dialog + `;
  d.querySelector('[data-embed-opt=title]').click();
  var s = d.querySelector('[data-embed-opt=theme]'); s.value = 'dark'; s.dispatchEvent(new Event('change', {bubbles: true}));
  return d.querySelector('textarea').value; })()`)
	if !strings.Contains(code, "theme=dark") || !strings.Contains(code, "title=0") || strings.Contains(code, "plain=1") {
		t.Errorf("iframe code after the options: %s", code)
	}
	for _, width := range []int{390, 1280} {
		for _, dark := range []bool{false, true} {
			b.screenshot(filepath.Join(dir, fmt.Sprintf("indicator-%d-%v.png", width, map[bool]string{false: "light", true: "dark"}[dark])), width, dark)
		}
	}
	src := html.UnescapeString(regexp.MustCompile(`src="([^"]*)"`).FindStringSubmatch(code)[1])
	b.open(src + "&plain=1")
	got := b.text(`JSON.stringify({h1: !!document.querySelector('h1'), theme: document.documentElement.dataset.theme || '', plain: document.documentElement.classList.contains('plain'),
  source: !!document.querySelector('.foot .src'), link: !!document.querySelector('.foot a[target=_blank]'), more: !!document.querySelector('details.more')})`)
	if got != `{"h1":false,"theme":"dark","plain":true,"source":true,"link":true,"more":false}` {
		t.Errorf("embed with the options: %s", got)
	}
}

// TestEmbedCompareBrowser is a reader in Chromium who compares Banyuasin
// with the nation from 2022 on (the page's own link and year form), then
// opens the Embed dialog: it says what it embeds, its options rewrite the
// code without losing compare= or from=, the embed the code points to
// draws both regions from 2022, and the page's and the dialog's CSV hold
// the nation's values of those years. Screenshots of the dialog at 390 and
// 1280 px, light and dark, go to PANTAU_SCREENSHOTS/TestEmbedCompareBrowser.
func TestEmbedCompareBrowser(t *testing.T) {
	bin := browser(t)
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	dir := screenshotDir(t, "TestEmbedCompareBrowser")
	b := newCDPBrowser(t, bin)
	b.open(base + "/i/kemiskinan?region=16.07")
	b.submit(`[...document.querySelectorAll(".compare-with a")].find(a => a.textContent === "Indonesia").click()`)
	b.submit(`const f = document.querySelector('form[aria-label] select[name=from]').form; f.from.value = "2022"; f.querySelector("button").click()`)
	if got := b.text(`(p => p.get("compare") + " " + p.get("from"))(new URLSearchParams(location.search))`); got != "ID 2022" {
		t.Fatalf("after the link and the year form the page is %s", b.text("location.href"))
	}
	dialog := `document.querySelector('details.embed-dialog')`
	b.eval(dialog + `.open = true; true`)
	if got := b.text(dialog + `.querySelector('.embed-shows').textContent`); got != "Sematan ini menampilkan Kabupaten Banyuasin dibandingkan dengan Indonesia, sejak tahun 2022, seperti halaman ini." {
		t.Errorf("the dialog says it embeds: %q", got)
	}
	for _, width := range []int{390, 1280} {
		for _, dark := range []bool{false, true} {
			b.screenshotOf(filepath.Join(dir, fmt.Sprintf("dialog-%d-%s.png", width, map[bool]string{false: "light", true: "dark"}[dark])), "details.embed-dialog", width, dark)
		}
	}
	code := b.text(`(function () { var d = ` + dialog + `;
  var s = d.querySelector('[data-embed-opt=theme]'); s.value = 'dark'; s.dispatchEvent(new Event('change', {bubbles: true}));
  return [...d.querySelectorAll('textarea')].map(a => a.value).join('\n'); })()`)
	srcs := regexp.MustCompile(`src="(http[^"]*/embed/i/[^"]*)"`).FindAllStringSubmatch(code, -1)
	if len(srcs) != 3 { // the iframe code, the script code and the pinned one
		t.Fatalf("the dialog's codes after an option: %s", code)
	}
	for _, m := range srcs {
		src := html.UnescapeString(m[1])
		if !strings.Contains(src, "compare=ID") || !strings.Contains(src, "from=2022") || !strings.Contains(src, "theme=dark") {
			t.Errorf("a code after an option: %s", src)
		}
	}
	// Both CSV links, fetched by the page as a click would.
	var files struct{ Page, Dialog string }
	json.Unmarshal(b.eval(`(async () => {
  const get = a => fetch(a.href).then(r => r.text());
  return {Page: await get(document.querySelector('ul.links a[download]')), Dialog: await get(`+dialog+`.querySelector('a[download][href*="format=csv"]'))};
})()`), &files)
	for what, file := range map[string]string{"page": files.Page, "dialog": files.Dialog} {
		if !strings.Contains(file, "\nID;Indonesia;kemiskinan;") || !strings.Contains(file, ";2024;") {
			t.Errorf("the %s's CSV lacks the nation's values: %.500s", what, file)
		}
		for _, old := range []string{";2020;", ";2021;"} {
			if strings.Contains(file, old) {
				t.Errorf("the %s's CSV holds %s, before the page's from=2022", what, old)
			}
		}
	}
	b.open(html.UnescapeString(srcs[0][1]))
	const chartEl = `document.querySelector("[data-chart]")`
	b.waitFor("the embedded chart", chartEl+`.getAttribute("data-chart-ready") === "true"`)
	var drawn struct {
		Series []string
		Years  string
	}
	json.Unmarshal(b.eval(`(() => { const o = echarts.getInstanceByDom(`+chartEl+`).getOption();
  return {Series: o.series.map(s => s.name).filter(n => n === "Kabupaten Banyuasin" || n === "Indonesia"), Years: o.xAxis[0].data[0]}; })()`), &drawn)
	if strings.Join(drawn.Series, ",") != "Kabupaten Banyuasin,Indonesia" || drawn.Years != "2022" {
		t.Errorf("the embed draws %v from %s, want Banyuasin and Indonesia from 2022", drawn.Series, drawn.Years)
	}
}
