package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// TestCatalogBrowser is an administrator in headless Chromium on both
// engines: signs in on /masuk, creates an indicator on /admin/katalog,
// uploads values for it on /unggah (preview, then store) and finds them
// on /i/{the new indicator}; then previews a polarity change. Every step
// is a real form in a real browser with the pages' scripts and policies.
// Screenshots of the list and the edit preview (390 and 1280 px, light
// and dark), the plans and the region tree go to
// PANTAU_SCREENSHOTS/TestCatalogBrowser.
func TestCatalogBrowser(t *testing.T) {
	bin := browser(t)
	shots := os.Getenv("PANTAU_SCREENSHOTS")
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		ctx := context.Background()
		if _, err := st.CreateUser(ctx, domain.User{Email: "admin@bappeda.id", Name: "Admin Bappeda", Role: domain.RoleAdmin}, "kata-sandi-panjang"); err != nil {
			t.Fatal(err)
		}
		b := newCDPBrowser(t, bin)
		b.signIn(base, "admin@bappeda.id", "kata-sandi-panjang")
		if got := b.text("location.pathname"); got != "/akun" {
			t.Fatalf("after signing in: %s", got)
		}

		// Create the indicator.
		b.open(base + "/admin/katalog")
		b.submit(`document.querySelector('a[href^="/admin/katalog/indikator/baru"]').click()`)
		b.submit(`const f = document.querySelector("form[method=post]");
			f.code.value = "rumah_layak"; f.name_id.value = "Rumah tangga dengan rumah layak huni";
			f.name_en.value = "Households in adequate housing"; f.unit.value = "persen"; f.polarity.value = "higher";
			f.decimals.value = "1"; f.agency_code.value = "bps-banyuasin"; f.source.value = "BPS, Susenas";
			f.querySelector("button[type=submit]").click()`)
		if page := b.text("document.body.innerText"); !strings.Contains(page, "Indikator ditambahkan ke katalog") {
			t.Fatalf("after creating: %s %.500s", b.text("location.href"), page)
		}

		// Upload values for it: the page's own script sends the file and
		// shows the preview; Simpan stores it.
		b.open(base + "/unggah")
		b.eval(`const dt = new DataTransfer();
			dt.items.add(new File(["kode_wilayah;kode_indikator;tahun;nilai\n16.07;rumah_layak;2022;61,5\n16.07;rumah_layak;2023;63,2\n16.07;rumah_layak;2024;65,4\n"],
				"rumah-layak.csv", {type: "text/csv"}));
			document.querySelector("#file").files = dt.files;
			window.__left = 1;
			document.querySelector("form[data-upload] button[type=submit]").click(); true`)
		b.waitFor("the upload preview", `document.querySelector("input[name=pending]")`)
		if page := b.text("document.body.innerText"); !strings.Contains(page, "63,2") {
			t.Errorf("the preview does not show the values: %.600s", page)
		}
		b.submit(`document.querySelector('form[action^="/unggah/simpan"] button').click()`)
		if page := b.text("document.body.innerText"); !strings.Contains(page, "Tersimpan sebagai unggahan") {
			t.Fatalf("after storing: %.600s", page)
		}
		b.open(base + "/i/rumah_layak?region=16.07")
		b.waitFor("the indicator page's chart", `document.querySelector(".chart-canvas[data-chart-ready=true] svg")`)
		if page := b.text("document.body.innerText"); !strings.Contains(page, "Rumah tangga dengan rumah layak huni") || !strings.Contains(page, "63,2") || !strings.Contains(page, "65,4") {
			t.Errorf("the new indicator's page lacks its values: %.800s", page)
		}

		// Preview a polarity change: old → new and the assessments it turns.
		preview := func() {
			b.open(base + "/admin/katalog/indikator/kemiskinan")
			b.submit(`document.querySelector("#polarity").value = "higher";
				document.querySelector('button[name=step][value=preview]').click()`)
			page := b.text("document.body.innerText")
			if !strings.Contains(page, "Yang berubah bila disimpan") || !strings.Contains(page, "Kabupaten Banyuasin (16.07)") {
				t.Fatalf("preview: %.800s", page)
			}
		}
		preview()
		if ind, _ := st.Indicator(ctx, "kemiskinan"); ind.Polarity != domain.LowerIsBetter {
			t.Fatal("the preview stored the change")
		}

		// On a phone the list, validation rules and all, fits the screen:
		// a rule written as code does not push it sideways.
		b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 900, "deviceScaleFactor": 1, "mobile": true}))(nil)
		b.open(base + "/admin/katalog")
		if w := b.text(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("/admin/katalog at 390 px is %s px wide", w)
		}
		b.must(b.call(b.session, "Emulation.clearDeviceMetricsOverride", nil))(nil)

		if shots == "" || !strings.HasSuffix(t.Name(), "sqlite") {
			return
		}
		dir := filepath.Join(shots, "TestCatalogBrowser")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int{390, 1280} {
			for _, dark := range []bool{false, true} {
				name := "light"
				if dark {
					name = "dark"
				}
				suffix := strconv.Itoa(width) + "-" + name + ".png"
				list := base + "/admin/katalog"
				if dark {
					list += "?theme=dark"
				}
				b.open(list)
				b.screenshot(filepath.Join(dir, "katalog-list-"+suffix), width, dark)
				preview()
				b.screenshot(filepath.Join(dir, "katalog-preview-"+suffix), width, dark)
			}
		}
		for _, width := range []int{390, 1280} {
			for name, path := range map[string]string{"plans": "/admin/katalog/rencana", "regions": "/admin/katalog/wilayah?induk=16.07"} {
				b.open(base + path)
				b.screenshot(filepath.Join(dir, "katalog-"+name+"-"+strconv.Itoa(width)+"-light.png"), width, false)
			}
		}
		t.Logf("screenshots in %s", dir)
	})
}
