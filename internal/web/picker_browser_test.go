package web_test

import (
	"strings"
	"testing"
)

// TestPickerBrowser is a reader choosing a region in headless Chromium on
// both engines: typing in the picker lists matches from the API as they
// type, the arrow key and Enter open one; then, with JavaScript off, the
// same search is a form whose results page links to the region, and the
// children are plain links.
func TestPickerBrowser(t *testing.T) {
	bin := browser(t)
	demoServers(t, func(t *testing.T, base string) {
		b := newCDPBrowser(t, bin)
		b.open(base + "/i/kemiskinan?region=16.07&lang=en")
		b.eval(`document.querySelector("#picker-q").focus(); true`)
		b.must(b.call(b.session, "Input.insertText", map[string]any{"text": "makar"}))(nil)
		b.waitFor("the matches", `document.querySelectorAll("#picker-list a").length > 0`)
		if got := b.text(`document.querySelector("#picker-list li").textContent`); got != "Makarti Jaya — Kabupaten Banyuasin, Provinsi Sumatera Selatan" {
			t.Errorf("first match: %q", got)
		}
		if got := b.text(`document.querySelector("#picker-q").getAttribute("aria-expanded")`); got != "true" {
			t.Errorf("aria-expanded %q", got)
		}
		// A code narrows the list as one types on.
		b.must(b.call(b.session, "Input.insertText", map[string]any{"text": "zzz"}))(nil)
		b.waitFor("no match", `document.querySelector("#picker-list .picker-none")`)
		b.eval(`const q = document.querySelector("#picker-q"); q.value = ""; true`)
		b.must(b.call(b.session, "Input.insertText", map[string]any{"text": "16.07.1"}))(nil)
		b.waitFor("the code matches", `document.querySelectorAll("#picker-list a").length === 10 && document.querySelector("#picker-list a").textContent === "Talang Kelapa"`)
		key := func(k string) {
			for _, typ := range []string{"keyDown", "keyUp"} {
				b.must(b.call(b.session, "Input.dispatchKeyEvent", map[string]any{"type": typ, "key": k, "code": k, "windowsVirtualKeyCode": map[string]int{"ArrowDown": 40, "Enter": 13}[k]}))(nil)
			}
		}
		key("ArrowDown")
		key("ArrowDown")
		if got := b.text(`document.activeElement.textContent`); got != "Rantau Bayur" {
			t.Errorf("focused %q after two arrows", got)
		}
		b.eval(`window.__left = 1; true`)
		key("Enter")
		b.waitFor("the region's page", `window.__left === undefined && document.readyState === "complete"`)
		if got := b.text(`location.search`); got != "?region=16.07.11&lang=en" {
			t.Errorf("opened %s", got)
		}
		if h1 := b.text(`document.querySelector("h1").textContent`); !strings.HasSuffix(h1, "— Rantau Bayur") {
			t.Errorf("h1 %q", h1)
		}

		// Without JavaScript.
		b.must(b.call(b.session, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}))(nil)
		b.open(base + "/d/makro-banyuasin?lang=en")
		b.submit(`document.querySelector("#picker-q").value = "muara"; document.querySelector("form.picker-search").submit()`)
		if got := b.text(`location.search`); got != "?lang=en&region=16.07&q=muara" {
			t.Errorf("search sent as %s", got)
		}
		if got := b.text(`Array.from(document.querySelectorAll(".picker-results a")).map(a => a.textContent).join(", ")`); got != "Muara Padang, Muara Sugihan, Muara Telang" {
			t.Errorf("results: %q", got)
		}
		if b.eval(`document.querySelector("#picker-list").hidden`)[0] != 't' {
			t.Errorf("the suggestion list shows without JavaScript")
		}
		b.submit(`document.querySelector(".picker-results a").click()`)
		if got := b.text(`location.search`); got != "?lang=en&region=16.07.07" {
			t.Errorf("result opened %s", got)
		}
		b.submit(`document.querySelector(".crumbs a[href$='region=16.07']").click()`)
		b.submit(`document.querySelector(".picker-children a[href*='region=16.07.09']").click()`)
		if h1 := b.text(`document.querySelector("h1").textContent`); !strings.Contains(h1, "Makarti Jaya") {
			t.Errorf("child link led to %q", h1)
		}
	})
}
