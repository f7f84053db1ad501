package web_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Why    string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeSource is axe-core's browser build from node_modules (package.json
// pins it; `npm ci` installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("PANTAU_REQUIRE_BROWSER") == "1" {
			t.Fatalf("axe-core is not installed (npm ci): %v", err)
		}
		t.Skipf("axe-core is not installed (npm ci): %v", err)
	}
	return string(src)
}

// axe runs axe-core on the open page, injected over DevTools (outside the
// page's script policy, as an extension would be), and returns the serious
// and critical violations of WCAG 2.1 A/AA and best practice. The charts'
// drawings are left out: each is one role="img" with its caption and data
// table beside it, and its thousands of SVG nodes would only slow axe down.
func (b *cdpBrowser) axe(src string) []axeViolation {
	b.t.Helper()
	b.eval(src + "\n;true")
	raw := b.eval(`axe.run({exclude: [".chart-canvas > div"]}, {resultTypes: ["violations"], runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
		.then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical"))`)
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		b.t.Fatalf("axe result: %v: %.300s", err, raw)
	}
	return vs
}

func describeViolations(vs []axeViolation) string {
	var sb strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&sb, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for i, n := range v.Nodes {
			if i == 4 {
				fmt.Fprintf(&sb, "\n    … %d more", len(v.Nodes)-4)
				break
			}
			fmt.Fprintf(&sb, "\n    %v %.160s — %.200s", n.Target, n.HTML, strings.ReplaceAll(n.Why, "\n", " "))
		}
	}
	return sb.String()
}

// TestAxe opens every kind of page a reader or an agency meets — the index,
// a dashboard, an indicator page comparing regions, an embed, /unggah and
// /masuk — in the light and the dark theme (asked for by ?theme= and by
// the system setting alike), and fails on any serious or critical
// violation axe-core finds. The pages do not differ by engine; SQLite.
func TestAxe(t *testing.T) {
	bin := browser(t)
	src := axeSource(t)
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	b := newCDPBrowser(t, bin)
	pages := []string{"/", "/d/makro-banyuasin", "/d/kesenjangan-kecamatan", "/i/kemiskinan?region=16.07&compare=16,ID",
		"/i/tpt?region=16.07&tab=map", "/embed/i/kemiskinan?region=16.07", "/unggah", "/masuk", "/?q=kemiskinan&lang=en"}
	// The check itself can fail: an image without a text alternative and
	// grey-on-grey text are found.
	b.open(base + "/masuk")
	b.eval(`document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/x.png"><p style="color:#999;background:#aaa">low</p>'); true`)
	found := map[string]bool{}
	for _, v := range b.axe(src) {
		found[v.ID] = true
	}
	if !found["image-alt"] || !found["color-contrast"] {
		t.Fatalf("axe-core does not report planted violations: %v", found)
	}
	for _, dark := range []bool{false, true} {
		scheme, th := "light", "light"
		if dark {
			scheme, th = "dark", "dark"
		}
		b.must(b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]string{{"name": "prefers-color-scheme", "value": scheme}}}))(nil)
		for _, p := range pages {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			url := base + p + sep + "theme=" + th
			b.open(url)
			if got := b.text(`document.documentElement.getAttribute("data-theme") || ""`); got != th {
				t.Errorf("%s: data-theme %q, want %q", url, got, th)
			}
			b.drawCharts(url)
			if vs := b.axe(src); len(vs) > 0 {
				t.Errorf("%s (%s): axe-core finds %d serious or critical violations:%s", p, th, len(vs), describeViolations(vs))
			}
			for _, landmark := range []string{"main", "header, nav", "footer"} {
				if b.text(`document.querySelector("`+landmark+`") ? "yes" : ""`) != "yes" && !strings.HasPrefix(p, "/embed/") {
					t.Errorf("%s: no %s landmark", p, landmark)
				}
			}
		}
	}
}

// TestCompareBrowser is a reader in Chromium on both engines: on
// Banyuasin's poverty page, "Bandingkan dengan" adds the province and then
// the nation (two clicks, plain links), and the chart draws three regions'
// lines with a legend entry each; the year selects trim the axis; the
// index's search box finds an indicator by its SDG code. Screenshots of the
// compared page (390 and 1280 px, light and dark), of an English page and
// of the print layout go to PANTAU_SCREENSHOTS/TestCompareBrowser.
func TestCompareBrowser(t *testing.T) {
	bin := browser(t)
	shots := os.Getenv("PANTAU_SCREENSHOTS")
	demoServers(t, func(t *testing.T, base string) {
		b := newCDPBrowser(t, bin)
		b.open(base + "/i/kemiskinan?region=16.07")
		b.submit(`[...document.querySelectorAll(".compare-with a")].find(a => a.textContent === "Provinsi Sumatera Selatan").click()`)
		b.submit(`[...document.querySelectorAll(".compare-with a")].find(a => a.textContent === "Indonesia").click()`)
		if got := b.text("location.search"); !strings.Contains(got, "compare=16%2CID") && !strings.Contains(got, "compare=16,ID") {
			t.Fatalf("after two clicks the address is %s", got)
		}
		const chartEl = `document.getElementById("chart-indicator-kemiskinan-16_07")`
		b.waitFor("the compared chart", chartEl+`.getAttribute("data-chart-ready") === "true"`)
		regions := `["Kabupaten Banyuasin", "Provinsi Sumatera Selatan", "Indonesia"]`
		var drawn struct {
			Series, Legend []string
			Colours        int
		}
		json.Unmarshal(b.eval(`(() => {
			const o = echarts.getInstanceByDom(`+chartEl+`).getOption(), want = `+regions+`;
			const s = o.series.filter(s => want.includes(s.name));
			return {Series: [...new Set(s.map(s => s.name))], Legend: o.legend[0].data.filter(n => want.includes(n)),
				Colours: new Set(s.map(s => s.itemStyle && s.itemStyle.color)).size};
		})()`), &drawn)
		if len(drawn.Series) != 3 || len(drawn.Legend) != 3 || drawn.Colours != 3 {
			t.Errorf("compare=16,ID draws %v with legend %v in %d colours, want three regions, three entries, three colours", drawn.Series, drawn.Legend, drawn.Colours)
		}
		// The legend has the room it wraps into at the chart's width: on a
		// phone it does not run into the years under the axis, on a wide
		// screen no empty rows are left under it.
		compared := b.text("location.href")
		for _, page := range []struct{ url, chart string }{
			{compared, chartEl},
			{base + "/i/kemiskinan_ekstrem?region=16.07&compare=16,ID", `document.getElementById("chart-indicator-kemiskinan_ekstrem-16_07")`},
		} {
			chartEl := page.chart
			for _, w := range []int{390, 1280} {
				b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": w, "height": 900, "deviceScaleFactor": 1, "mobile": w < 600}))(nil)
				b.open(page.url)
				b.waitFor("the compared chart", chartEl+`.getAttribute("data-chart-ready") === "true"`)
				var got struct{ Items, Names, AxisBottom, LegendTop, LegendBottom, CanvasBottom float64 }
				json.Unmarshal(b.eval(`(() => {
					const el = `+chartEl+`, names = echarts.getInstanceByDom(el).getOption().legend[0].data;
					const texts = [...el.querySelectorAll("svg text")], box = t => t.getBoundingClientRect();
					const legend = texts.filter(t => names.includes(t.textContent)).map(box);
					const years = texts.filter(t => /^20\d\d$/.test(t.textContent)).map(box);
					return {Items: legend.length, Names: names.length, AxisBottom: Math.max(...years.map(b => b.bottom)),
						LegendTop: Math.min(...legend.map(b => b.top)), LegendBottom: Math.max(...legend.map(b => b.bottom)),
						CanvasBottom: el.getBoundingClientRect().bottom};
				})()`), &got)
				if gap := got.LegendTop - got.AxisBottom; got.Items != got.Names || gap < 0 || gap > 40 || got.CanvasBottom-got.LegendBottom > 12 {
					t.Errorf("%s at %d px: the legend's %v of %v entries span %.0f–%.0f px, the years end at %.0f and the chart at %.0f: want the legend under the years with at most one spare row between",
						page.url, w, got.Items, got.Names, got.LegendTop, got.LegendBottom, got.AxisBottom, got.CanvasBottom)
				}
			}
		}
		b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)
		b.open(compared)
		if shots != "" {
			dir := filepath.Join(shots, "TestCompareBrowser")
			os.MkdirAll(dir, 0o755)
			for _, w := range []int{390, 1280} {
				for _, dark := range []bool{false, true} {
					b.screenshot(filepath.Join(dir, fmt.Sprintf("compare-%d-%s.png", w, map[bool]string{false: "light", true: "dark"}[dark])), w, dark)
				}
			}
		}

		// The year range: the page's own selects.
		b.submit(`const f = document.querySelector('form[aria-label] select[name=from]').form;
			f.from.value = "2023"; f.to.value = "2025"; f.querySelector("button").click()`)
		b.waitFor("the trimmed chart", chartEl+`.getAttribute("data-chart-ready") === "true"`)
		if got := b.text(`echarts.getInstanceByDom(` + chartEl + `).getOption().xAxis[0].data.join(",")`); got != "2023,2024,2025" {
			t.Errorf("from=2023&to=2025: the axis is %s", got)
		}
		if got := b.text("new URLSearchParams(location.search).get('compare')"); got != "16,ID" {
			t.Errorf("the year form dropped the compared regions: compare=%q", got)
		}

		// Search from the index.
		b.open(base + "/")
		b.submit(`document.querySelector("#q").value = "1.2.1"; document.querySelector("form[role=search] button").click()`)
		if got := b.text(`[...document.querySelectorAll("table a[href^='/i/']")].map(a => a.textContent).join("|")`); got != "Tingkat kemiskinan (P0)" {
			t.Errorf("searching 1.2.1 from the index lists %q", got)
		}

		if shots == "" || !strings.HasSuffix(t.Name(), "sqlite") {
			return
		}
		dir := filepath.Join(shots, "TestCompareBrowser")
		b.open(base + "/i/tpt?region=16.07&lang=en&compare=ID")
		b.waitFor("the English chart", `document.querySelector(".chart-canvas[data-chart-ready=true]")`)
		b.screenshot(filepath.Join(dir, "english-1280.png"), 1280, false)

		// Print: the dashboard as A4 portrait (the PDF) and the print
		// layout at A4's printable width as an image to look at.
		b.open(base + "/d/makro-banyuasin")
		b.drawCharts("the dashboard")
		b.waitFor("the dashboard's charts", chartsDrawn)
		var pdf struct {
			Data string `json:"data"`
		}
		b.must(b.call(b.session, "Page.printToPDF", map[string]any{"preferCSSPageSize": true, "printBackground": true}))(&pdf)
		raw, _ := base64.StdEncoding.DecodeString(pdf.Data)
		os.WriteFile(filepath.Join(dir, "print-makro.pdf"), raw, 0o644)
		b.eval(`dispatchEvent(new Event("beforeprint")); true`)
		if n := b.text(`String(document.querySelectorAll("main details:not([open]):not(.chart-data):not(.embed-dialog)").length)`); n != "0" {
			t.Errorf("printing leaves %s explanations folded", n)
		}
		// A4 portrait less 10 mm margins is 190 mm: 718 CSS pixels.
		b.must(b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"media": "print", "features": []map[string]string{{"name": "prefers-color-scheme", "value": "light"}}}))(nil)
		b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 718, "height": 1000, "deviceScaleFactor": 1, "mobile": false}))(nil)
		b.eval(`dispatchEvent(new Event("resize")); true`)
		if cut := b.text(`[...document.querySelectorAll("table")].filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(t => t.className || "table").join(",")`); cut != "" {
			t.Errorf("in print at A4 width these tables run past the page: %s", cut)
		}
		var height float64
		json.Unmarshal(b.eval(`document.documentElement.scrollHeight`), &height)
		b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 718, "height": int(height), "deviceScaleFactor": 1, "mobile": false}))(nil)
		var shot struct {
			Data string `json:"data"`
		}
		b.must(b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}))(&shot)
		png, _ := base64.StdEncoding.DecodeString(shot.Data)
		os.WriteFile(filepath.Join(dir, "print-makro-718.png"), png, 0o644)
		b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)
		b.must(b.call(b.session, "Emulation.setEmulatedMedia", map[string]any{"media": ""}))(nil)
	})
}
