package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// TestWarningsBrowser is an uploader in headless Chromium: a file whose
// population reads a thousandfold too small and whose extreme poverty
// breaks the demo's rule is previewed on /unggah with its warnings and the
// confirmation box; the browser will not send the form until the box is
// ticked, and the file is stored once it is. A note-only change is then
// previewed as such. Screenshots go to PANTAU_SCREENSHOTS/TestWarningsBrowser.
func TestWarningsBrowser(t *testing.T) {
	bin := browser(t)
	st := openDemo(t, "sqlite")
	base, _ := serveStore(t, st)
	ctx := context.Background()
	if _, err := st.CreateUser(ctx, domain.User{Email: "staf@bps.id", Name: "Staf BPS", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin"}, "kata-sandi-panjang"); err != nil {
		t.Fatal(err)
	}
	b := newCDPBrowser(t, bin)
	b.open(base + "/masuk")
	b.submit(`document.querySelector("#email").value = "staf@bps.id";
		document.querySelector("#password").value = "kata-sandi-panjang";
		document.querySelector("form button[type=submit]").click()`)
	choose := func(csv string) {
		t.Helper()
		b.open(base + "/unggah")
		b.eval(`const dt = new DataTransfer();
			dt.items.add(new File([` + "`" + csv + "`" + `], "data.csv", {type: "text/csv"}));
			document.querySelector("#file").files = dt.files;
			document.querySelector("#decimal").value = "comma";
			window.__left = 1;
			document.querySelector("form[data-upload] button[type=submit]").click(); true`)
		b.waitFor("the upload preview", `document.querySelector("input[name=pending]")`)
	}
	choose("kode_wilayah;kode_indikator;tahun;nilai\n16.07;penduduk;2023;850,022\n16.07;kemiskinan_ekstrem;2024;9,5\n")
	page := b.text("document.body.innerText")
	for _, want := range []string{"850,022 dan 850.022", "kemiskinan_ekstrem <= kemiskinan", "Saya sudah memeriksa peringatan"} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview lacks %q: %.1500s", want, page)
		}
	}
	if dir := os.Getenv("PANTAU_SCREENSHOTS"); dir != "" {
		dir = filepath.Join(dir, "TestWarningsBrowser")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.screenshot(filepath.Join(dir, "preview-warnings-1280.png"), 1280, false)
		b.screenshot(filepath.Join(dir, "preview-warnings-390-dark.png"), 390, true)
	}
	// Unticked, the browser refuses to send the form (required box).
	if valid := b.text(`String(document.querySelector('form[action^="/unggah/simpan"]').checkValidity())`); valid != "false" {
		t.Errorf("the confirm form is valid without the box: %s", valid)
	}
	b.submit(`document.querySelector("input[name=confirm_warnings]").checked = true;
		document.querySelector('form[action^="/unggah/simpan"] button').click()`)
	if page := b.text("document.body.innerText"); !strings.Contains(page, "Tersimpan sebagai unggahan") {
		t.Fatalf("after confirming: %.800s", page)
	}
	if v := storedValueOf(t, st, "penduduk", 2023); v != 850.022 {
		t.Errorf("penduduk 2023 = %g after the confirmed upload", v)
	}
	// A note-only change reads as one.
	choose("kode_wilayah;kode_indikator;tahun;nilai;catatan\n16.07;kemiskinan;2023;9,58;catatan baru\n")
	if page := b.text("document.body.innerText"); !strings.Contains(page, "hanya catatan berubah") || strings.Contains(page, "Saya sudah memeriksa") {
		t.Errorf("note-only preview: %.800s", page)
	}
}

// storedValueOf is the stored total of an indicator in Banyuasin.
func storedValueOf(t *testing.T, st *store.Store, indicator string, year int) float64 {
	t.Helper()
	s, err := st.Series(context.Background(), indicator, "16.07")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range s.Observations {
		if o.Year == year && o.Disagg == "" {
			return o.Value
		}
	}
	return -1
}
