package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pantau/internal/web"
)

// TestUploadBrowser walks /unggah in headless Chromium as an agency clerk
// with a token: the form, a wide BPS table refused for want of an
// indicator, the indicator chosen on the refusal, the preview, the stored
// upload with its links, and the grid form. Each page is photographed at
// phone and desktop widths in the light and the dark scheme (to
// PANTAU_SCREENSHOTS when set) and checked with axe-core: no serious or
// critical violation.
func TestUploadBrowser(t *testing.T) {
	bin := browser(t)
	axe, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core (npm ci): %v", err)
	}
	ctx := context.Background()
	st := openDemo(t, "sqlite")
	base, _ := serveStore(t, st, web.Options{MaxUploadBytes: testMaxUpload})
	token, _, err := st.CreateToken(ctx, "bps-banyuasin", "Laptop statistik")
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("PANTAU_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if dir = filepath.Join(dir, t.Name()); os.MkdirAll(dir, 0o755) != nil {
		t.Fatal("cannot make the screenshot folder")
	}
	b := newCDPBrowser(t, bin)
	check := func(name string) {
		t.Helper()
		for _, width := range []int{390, 1280} {
			for _, dark := range []bool{false, true} {
				scheme := "light"
				if dark {
					scheme = "dark"
				}
				b.screenshot(filepath.Join(dir, name+"-"+strconv.Itoa(width)+"-"+scheme+".png"), width, dark)
				if width != 390 {
					continue
				}
				// The page must not scroll sideways on a phone.
				b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": true}))(nil)
				if wide := b.text(`String(document.documentElement.scrollWidth)`); wide != "390" {
					t.Errorf("%s: %s px wide at 390 px", name, wide)
				}
				b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)
				var found []string
				json.Unmarshal(b.eval(`(async () => {
					if (!window.axe) { `+string(axe)+` }
					const r = await axe.run(document, {resultTypes: ["violations"]});
					return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
						.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
				})()`), &found)
				for _, v := range found {
					t.Errorf("%s (%s): axe: %s", name, scheme, v)
				}
			}
		}
	}

	b.open(base + "/unggah")
	if got := b.text(`document.querySelector("h1").textContent`); got != "Unggah data indikator" {
		t.Fatalf("heading %q", got)
	}
	check("form")

	// The file form is sent by the page's script (progress bar), which
	// puts the answer in place of the page.
	b.eval(`(() => {
		document.getElementById("token").value = ` + strconv.Quote(token) + `;
		const dt = new DataTransfer();
		dt.items.add(new File(["kode_wilayah;nama_wilayah;2023;2024\n16.07;Kab. Banyu Asin;0,56;0,47\n16.07.01;Banyuasin I;0,61;0,58\n"], "tabel-bps.csv", {type: "text/csv"}));
		document.getElementById("file").files = dt.files;
		document.querySelector("form[data-upload]").requestSubmit();
		return true;
	})()`)
	b.waitFor("the refusal", `document.getElementById("choose-indicator")`)
	if got := b.text(`document.querySelector(".alert").innerText`); !strings.Contains(got, "tidak menyebut indikator") {
		t.Errorf("refusal says %q", got)
	}
	check("refusal")

	b.submit(`document.getElementById("choose-indicator").value = "kemiskinan_ekstrem"; document.getElementById("choose-indicator").form.submit()`)
	if got := b.text(`document.body.innerText`); !strings.Contains(got, "0,49 → 0,47") || !strings.Contains(got, "Kemiskinan ekstrem") {
		t.Fatalf("preview: %.800s", got)
	}
	b.eval(`document.querySelector("details.tech").open = true`)
	if got := b.text(`document.querySelector("details.tech").innerText`); !strings.Contains(got, "melebar: tahun sebagai kolom") || !strings.Contains(got, "--indicator kemiskinan_ekstrem") {
		t.Errorf("technical details: %q", got)
	}
	check("preview")

	b.submit(`document.querySelector("form[action^='/unggah/simpan']").submit()`)
	if n := b.text(`String(document.querySelectorAll("ul.links a[href^='/i/kemiskinan_ekstrem']").length)`); n != "2" {
		t.Errorf("the success page links %s changed pages, want 2: %.600s", n, b.text(`document.body.innerText`))
	}
	check("stored")

	b.open(base + "/unggah/isian?indicator=kemiskinan_ekstrem&tahun=2024")
	if got := b.text(`document.getElementById("cur-16.07").textContent`); got != "0,47" {
		t.Errorf("the grid shows %q as Banyuasin's stored 2024 value", got)
	}
	check("grid")
	t.Logf("screenshots in %s", dir)
}
