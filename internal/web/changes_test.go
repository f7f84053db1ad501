package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/importer"
)

// dryChanges posts body as a dry run and returns its changes.
func dryChanges(t *testing.T, srv uploadServer, body []byte) []importer.Change {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads?dry_run=true", bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+srv.bps)
	var r struct {
		Data struct {
			Changes []importer.Change `json:"changes"`
		} `json:"data"`
	}
	if status, _ := decodeAnswer(t, http.DefaultClient, req, &r); status != 200 {
		t.Fatalf("dry run: %d %+v", status, r)
	}
	return r.Data.Changes
}

// previewPage posts body to /unggah as the BPS token and returns the page.
func previewPage(t *testing.T, srv uploadServer, lang string, body []byte, fields ...string) (int, string) {
	t.Helper()
	b, ct := fileForm("data.csv", string(body), append([]string{"token", srv.bps}, fields...)...)
	return pageClient{t: t, base: srv.base}.do("POST", "/unggah?lang="+lang, b, ct)
}

// TestNoteAndStatusOnlyChanges is issue 18's case: the demo's own numbers
// with other notes (testdata/ingest/excel_windows1252.csv) change only the
// notes, and the dry run, the preview, the history and a live embed pasted
// before say so instead of 9,58 → 9,58; then a status-only change.
func TestNoteAndStatusOnlyChanges(t *testing.T) {
	file, err := os.ReadFile("../../testdata/ingest/excel_windows1252.csv")
	if err != nil {
		t.Fatal(err)
	}
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		ctx := context.Background()
		v1 := srv.dataVersion(t)
		changes := dryChanges(t, srv, file)
		if len(changes) != 5 {
			t.Fatalf("changes: %+v", changes)
		}
		for _, c := range changes {
			if c.Kind != "changed" || !slices.Equal(c.Changed, []string{"note"}) || c.Old == nil || *c.Old != c.New ||
				c.OldNote == nil || *c.OldNote == c.NewNote || c.OldUnit == "" || c.OldUnit != c.NewUnit {
				t.Errorf("%s %d: %+v, want a note-only change", c.IndicatorCode, c.Year, c)
			}
		}
		status, html := previewPage(t, srv, "id", file)
		if status != 200 || strings.Count(html, "hanya catatan berubah") != 5 || strings.Contains(html, "9,58 → <strong>9,58") {
			t.Fatalf("preview: %d\n%s", status, html)
		}
		if _, en := previewPage(t, srv, "en", file); !strings.Contains(en, "only the note changed") {
			t.Error("English preview does not say only the note changed")
		}

		// Stored: the history and a live embed say the note changed.
		if status, r, _ := srv.post(t, srv.bps, "", string(file)); status != 201 {
			t.Fatalf("upload: %d %+v", status, r.Error)
		}
		var hist struct {
			Data []struct {
				Year    int      `json:"year"`
				Changed []string `json:"changed"`
				OldNote string   `json:"old_note"`
				NewNote string   `json:"new_note"`
			} `json:"data"`
		}
		get(t, srv.base+"/api/v1/observations/history?indicator=kemiskinan&region=16.07&year=2023", &hist)
		if n := len(hist.Data); n == 0 || !slices.Equal(hist.Data[n-1].Changed, []string{"note"}) || hist.Data[n-1].NewNote != "Susenas Maret – BPS" {
			t.Errorf("history: %+v", hist.Data)
		}
		_, _, page := fetch(t, srv.base+"/i/kemiskinan?region=16.07")
		if !strings.Contains(page, "tetap · hanya catatan berubah") || strings.Contains(page, "<td>9,58%</td><td>9,58%</td>") {
			t.Errorf("history on the indicator page does not say only the note changed")
		}
		embed := srv.base + "/embed/i/kemiskinan?region=16.07&lang=id&since=" + strconv.FormatInt(v1, 10)
		waitFor(t, embed, "catatan diperbarui pada")
		if _, _, body := fetch(t, embed); strings.Contains(body, "data direvisi pada") {
			t.Error("a note-only change says the data was revised")
		}

		// A status-only change (no note column: the notes stay).
		v2, _ := srv.st.DataVersion(ctx)
		status1 := []byte("kode_wilayah;kode_indikator;tahun;nilai;status\n16.07;kemiskinan_ekstrem;2023;0,56;sementara\n")
		changes = dryChanges(t, srv, status1)
		if len(changes) != 1 || !slices.Equal(changes[0].Changed, []string{"status"}) || changes[0].Status != "sementara" || changes[0].OldStatus == "sementara" {
			t.Fatalf("status change: %+v", changes)
		}
		if _, html := previewPage(t, srv, "id", status1); !strings.Contains(html, "hanya status berubah") || !strings.Contains(html, "→ sementara") {
			t.Errorf("preview of a status change:\n%s", html)
		}
		if status, r, _ := srv.post(t, srv.bps, "", string(status1)); status != 201 {
			t.Fatalf("upload: %d %+v", status, r.Error)
		}
		_, _, page = fetch(t, srv.base+"/i/kemiskinan_ekstrem?region=16.07&lang=en")
		if !strings.Contains(page, "only the status changed") {
			t.Error("history does not say only the status changed")
		}
		waitFor(t, srv.base+"/embed/i/kemiskinan_ekstrem?region=16.07&lang=id&since="+strconv.FormatInt(v2, 10), "status diperbarui pada")
		// A value change still says the data was revised.
		revise(t, srv.st, "0,45")
		waitFor(t, srv.base+"/embed/i/kemiskinan_ekstrem?region=16.07&lang=id&since="+strconv.FormatInt(v2, 10), "data direvisi pada")
	})
}

// waitFor fetches url until its body holds want (the server trusts its
// data version for a second).
func waitFor(t *testing.T, url, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, body := fetch(t, url)
		if strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s does not say %q", url, want)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestPlausibilityWarnings: each warning case in the dry run, a 422 that
// lists them when storing without confirm_warnings (nothing stored), and
// the file stored once confirmed; a value outside the indicator's bounds
// stays an error.
func TestPlausibilityWarnings(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		type answer struct {
			Warnings []importer.Warning `json:"warnings"`
		}
		for _, tt := range []struct {
			name, query, body string
			code, against     string
			year              int
			old, new          float64
		}{
			{"decimal slip against the stored value", "decimal=comma", "16.07;penduduk;2023;850,022\n", "decimal_slip", "stored", 2023, 850022, 850.022},
			{"tenfold against the stored year before", "", "16.07;kemiskinan_ekstrem;2025;4,9\n", "tenfold", "previous_year", 2025, 0.49, 4.9},
			{"tenfold below the file's own year before", "", "16.07;kemiskinan_ekstrem;2025;0,45\n16.07;kemiskinan_ekstrem;2026;0,04\n", "tenfold", "previous_year", 2026, 0.45, 0.04},
			{"a percentage jumping more than its range allows", "", "16.07;kemiskinan;2025;35\n", "percent_jump", "previous_year", 2025, 9.31, 35},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := srv.extremePoverty(t)
				body := povertyHeader + tt.body
				status, r, _ := srv.post(t, srv.bps, "dry_run=true&"+tt.query, body)
				if status != 200 {
					t.Fatalf("dry run: %d %+v", status, r.Error)
				}
				status, r, _ = srv.post(t, srv.bps, tt.query, body)
				var refused answer
				if err := json.Unmarshal(r.Error.Details, &refused); err != nil || status != 422 || r.Error.Code != "warnings" || !strings.Contains(r.Error.Message, "confirm_warnings") {
					t.Fatalf("without confirmation: %d %+v %v", status, r.Error, err)
				}
				var w *importer.Warning
				for i := range refused.Warnings {
					if refused.Warnings[i].Code == tt.code {
						w = &refused.Warnings[i]
					}
				}
				if w == nil || w.Region != "16.07" || w.Year != tt.year || w.Against != tt.against || w.Old == nil || *w.Old != tt.old ||
					w.New == nil || *w.New != tt.new || !w.Confirm || !strings.Contains(w.Reason, "Kabupaten Banyuasin") {
					t.Fatalf("warnings %+v, want %s against %s %d %g → %g", refused.Warnings, tt.code, tt.against, tt.year, tt.old, tt.new)
				}
				if tt.code == "decimal_slip" && !strings.Contains(w.Reason, "850,022 dan 850.022") {
					t.Errorf("the decimal slip is not called out: %s", w.Reason)
				}
				if got := srv.extremePoverty(t); got != before {
					t.Fatalf("refused upload stored: %s → %s", before, got)
				}
				if status, r, _ := srv.post(t, srv.bps, "confirm_warnings=true&"+tt.query, body); status != 201 {
					t.Fatalf("confirmed: %d %+v", status, r.Error)
				}
			})
		}
		// A plausible file needs no confirmation; a value outside the
		// indicator's bounds is refused outright.
		if status, r, _ := srv.post(t, srv.bps, "", povertyHeader+"16.07;kemiskinan;2025;9,1\n"); status != 201 {
			t.Errorf("plausible file: %d %+v", status, r.Error)
		}
		if status, r, _ := srv.post(t, srv.bps, "confirm_warnings=true", povertyHeader+"16.07;kemiskinan;2025;120\n"); status != 422 || r.Error.Code != "rejected" {
			t.Errorf("value above 100%%: %d %+v", status, r.Error)
		}
	})
}

// TestWarningsOnPages: the preview lists the warnings and asks for the box
// to be ticked; confirming without it stores nothing, with it stores; the
// walidata sees the same warnings when reviewing a submission.
func TestWarningsOnPages(t *testing.T) {
	slip := []byte(povertyHeader + "16.07;penduduk;2023;850,022\n")
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		confirm := func(html, tick string) (int, string) {
			t.Helper()
			m := regexp.MustCompile(`name="pending" value="([0-9a-f]{32})"`).FindStringSubmatch(html)
			if m == nil {
				t.Fatalf("no confirm form:\n%s", html)
			}
			form := url.Values{"pending": {m[1]}}
			if tick != "" {
				form.Set("confirm_warnings", tick)
			}
			return pageClient{t: t, base: srv.base}.form("/unggah/simpan", form)
		}
		status, html := previewPage(t, srv, "id", slip, "decimal", "comma")
		if status != 200 || !strings.Contains(html, "850,022 dan 850.022") || !strings.Contains(html, `name="confirm_warnings" value="true" required`) {
			t.Fatalf("preview: %d\n%s", status, html)
		}
		if status, html := confirm(html, ""); status != 422 || !strings.Contains(html, "confirm_warnings") {
			t.Errorf("confirmed without the box: %d\n%s", status, html)
		}
		_, html = previewPage(t, srv, "id", slip, "decimal", "comma")
		if status, html := confirm(html, "true"); status != 201 {
			t.Errorf("confirmed with the box: %d\n%s", status, html)
		}
		// A plausible file asks for no box.
		if _, html := previewPage(t, srv, "id", []byte(povertyHeader+"16.07;kemiskinan;2025;9,1\n")); strings.Contains(html, `name="confirm_warnings"`) {
			t.Error("a plausible file asks for confirmation")
		}
	})
}

// TestWarningsInReview: the walidata sees a submission's warnings when
// reviewing it; submitting one needs the sender's confirmation.
func TestWarningsInReview(t *testing.T) {
	slip := []byte(povertyHeader + "16.07;penduduk;2023;850,022\n")
	reviewServers(t, func(t *testing.T, srv reviewServer) {
		if status, r, _ := srv.post(t, srv.bps, "decimal=comma", string(slip)); status != 422 || r.Error.Code != "warnings" {
			t.Fatalf("submission without confirmation: %d %+v", status, r.Error)
		}
		status, r, _ := srv.post(t, srv.bps, "decimal=comma&confirm_warnings=true", string(slip))
		if status != 202 {
			t.Fatalf("submission: %d %+v", status, r.Error)
		}
		resp, body := srv.admin.do("GET", fmt.Sprintf("/tinjau/%d", r.Data.Submission.ID), nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "850,022 dan 850.022") {
			t.Errorf("the walidata's review page lacks the warning: %d\n%s", resp.StatusCode, body)
		}
	})
}

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
	b.signIn(base, "staf@bps.id", "kata-sandi-panjang")
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
	if v, _ := st.StoredValues(ctx).Value(domain.ObservationKey{IndicatorCode: "penduduk", RegionCode: "16.07", Year: 2023}); v != 850.022 {
		t.Errorf("penduduk 2023 = %g after the confirmed upload", v)
	}
	// A note-only change reads as one.
	choose("kode_wilayah;kode_indikator;tahun;nilai;catatan\n16.07;kemiskinan;2023;9,58;catatan baru\n")
	if page := b.text("document.body.innerText"); !strings.Contains(page, "hanya catatan berubah") || strings.Contains(page, "Saya sudah memeriksa") {
		t.Errorf("note-only preview: %.800s", page)
	}
}
