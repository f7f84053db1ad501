package web_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCompletenessBrowser lays /kelengkapan out in headless Chromium at
// 1280 and 390 px: every section heading keeps some space (half a rem, 8
// px; after a table 1rem) from what comes before it. The by-agency table
// used to end flush against the next heading. Screenshots, light and dark, go to
// PANTAU_SCREENSHOTS/TestCompletenessBrowser when that is set.
func TestCompletenessBrowser(t *testing.T) {
	bin := browser(t)
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	b := newCDPBrowser(t, bin)
	shots := os.Getenv("PANTAU_SCREENSHOTS")
	if shots != "" {
		shots = filepath.Join(shots, "TestCompletenessBrowser")
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, width := range []int{1280, 390} {
		b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}))(nil)
		b.open(base + "/kelengkapan?region=16.07")
		var gaps []struct {
			Heading, After string
			Gap            float64
		}
		json.Unmarshal(b.eval(`[...document.querySelectorAll("main h2")].filter(h => h.previousElementSibling).map(h => {
			const prev = h.previousElementSibling;
			return {Heading: h.textContent, After: prev.tagName + "." + prev.className, Gap: h.getBoundingClientRect().top - prev.getBoundingClientRect().bottom};
		})`), &gaps)
		if len(gaps) < 4 {
			t.Fatalf("%d px: %d headings with something before them, want the page's 4 or more", width, len(gaps))
		}
		for _, g := range gaps {
			want := 8.0
			if g.After == "DIV.table-wrap" {
				want = 16
			}
			if g.Gap < want {
				t.Errorf("%d px: %q is %.0f px below the %s before it, want %.0f or more", width, g.Heading, g.Gap, g.After, want)
			}
		}
		if shots == "" {
			continue
		}
		for _, dark := range []bool{false, true} {
			name := "light"
			if dark {
				name = "dark"
			}
			b.screenshot(filepath.Join(shots, "kelengkapan-"+strconv.Itoa(width)+"-"+name+".png"), width, dark)
		}
	}
}
