package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pantau/internal/domain"
	"pantau/internal/store"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// buildWorkbook builds an .xlsx from rows per sheet (first sheet first), with
// the merged ranges given ("Tabel!A1:F1").
func buildWorkbook(t testing.TB, sheets []string, rows map[string][][]any, merges ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range merges {
		sheet, ref, _ := strings.Cut(m, "!")
		a, b, _ := strings.Cut(ref, ":")
		if err := f.MergeCell(sheet, a, b); err != nil {
			t.Fatal(err)
		}
	}
	return workbookBytes(t, f)
}

// bpsPoverty is a BPS-style workbook of extreme poverty: a merged title,
// the header over two rows, years as number cells, a merged source line.
func bpsPoverty(t testing.TB, v2024 any) []byte {
	return buildWorkbook(t, []string{"Tabel"}, map[string][][]any{"Tabel": {
		{"Persentase Penduduk Miskin Ekstrem, Kabupaten Banyuasin"},
		{"Kode Wilayah", "Nama Wilayah", "Persentase (%)"},
		{nil, nil, 2024, 2025},
		{"16.07", "Kabupaten Banyuasin", v2024, 0.38},
		{"Sumber: BPS Kabupaten Banyuasin"},
	}}, "Tabel!A1:D1", "Tabel!A2:A3", "Tabel!B2:B3", "Tabel!C2:D2", "Tabel!A5:D5")
}

// postFile sends a file as the whole body of an upload.
func (srv uploadServer) postFile(t *testing.T, token, query string, body []byte, contentType string) (int, uploadReply) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads?"+query, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	code, r, _ := do(t, req)
	return code, r
}

// uploaderSession is a logged-in uploader of BPS Banyuasin: its session cookie.
func uploaderSession(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	u, err := st.CreateUser(ctx, domain.User{Email: "staf@bps-banyuasin.id", Name: "Staf BPS", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin"}, "kata-sandi-panjang")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := st.CreateSession(ctx, u.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return "pantau_session=" + secret
}

// TestUploadWorkbookAPI: workbooks through the upload API on both engines —
// a BPS table as it is published, a cell's error named by its cell, a zip
// bomb refused — and the template round trip: downloaded, sent back as it
// is it changes nothing; filled in, it changes exactly the cells filled.
func TestUploadWorkbookAPI(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		code, r := srv.postFile(t, srv.bps, "dry_run=true&indicator=kemiskinan_ekstrem&filename=tabel.xlsx", bpsPoverty(t, 0.44), xlsxType)
		if code != http.StatusOK || !r.Data.Accepted || r.Data.Counts.Changed != 1 || r.Data.Counts.New != 1 || r.Data.Dialect.Layout != "wide" {
			t.Fatalf("BPS workbook: %d %+v", code, r)
		}

		code, r = srv.postFile(t, srv.bps, "dry_run=true&indicator=kemiskinan_ekstrem", bpsPoverty(t, "nol koma empat"), xlsxType)
		var details struct {
			Errors []struct {
				Cell, Code string
			} `json:"errors"`
		}
		json.Unmarshal(r.Error.Details, &details)
		if code != http.StatusUnprocessableEntity || len(details.Errors) != 1 || details.Errors[0].Cell != "Tabel!C4" || !strings.Contains(r.Error.Message, "Tabel!C4") {
			t.Fatalf("bad cell: %d %s %+v", code, r.Error.Message, details)
		}

		// The bomb is larger than the test servers' upload limit: a server
		// with the default limit takes it.
		roomy, _ := serveStore(t, srv.st)
		code, r = uploadServer{base: roomy}.postFile(t, srv.bps, "dry_run=true", zipBomb(t), xlsxType)
		if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest || !strings.Contains(r.Error.Message, "MiB") {
			t.Fatalf("zip bomb: %d %s", code, r.Error.Message)
		}

		cookie := uploaderSession(t, srv.st)
		for _, format := range []string{"xlsx", "csv"} {
			tpl := getTemplate(t, srv.base+"/unggah/templat?format="+format, cookie)
			code, r = srv.postFile(t, srv.bps, "dry_run=true&filename=templat."+format, tpl, "application/octet-stream")
			if c := r.Data.Counts; code != http.StatusOK || !r.Data.Accepted || c.New != 0 || c.Changed != 0 || c.Unchanged == 0 {
				t.Fatalf("%s template as it is: %d %+v %s", format, code, r.Data.Counts, r.Error.Message)
			}
		}
		tpl := getTemplate(t, srv.base+"/unggah/templat?indicator=kemiskinan_ekstrem", cookie)
		filled, want := fillTemplate(t, tpl, "kemiskinan_ekstrem", 2)
		code, r = srv.postFile(t, srv.bps, "dry_run=true", filled, xlsxType)
		if c := r.Data.Counts; code != http.StatusOK || c.New+c.Changed != len(want) || len(r.Data.Changes) != len(want) {
			t.Fatalf("filled template: %d %+v %s", code, r.Data.Counts, r.Error.Message)
		}
		for _, ch := range r.Data.Changes {
			if w, ok := want[ch.Region+" "+strconv.Itoa(ch.Year)]; !ok || w != ch.New {
				t.Errorf("change %+v was not filled in (filled %v)", ch, want)
			}
		}

		req, _ := http.NewRequest(http.MethodGet, srv.base+"/unggah/templat?indicator=stunting", nil)
		req.Header.Set("Cookie", cookie)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("another agency's template: %v %v", resp.StatusCode, err)
		}
	})
}

// getTemplate downloads a template with the session cookie.
func getTemplate(t *testing.T, url, cookie string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s: %d %s %.300s", url, resp.StatusCode, resp.Header, b)
	}
	return b
}

// fillTemplate fills a template's sheet as a person in Excel would: the
// first n empty value cells get a number, and the first stored value is
// corrected. It returns the workbook and the values it set by "region year".
func fillTemplate(t *testing.T, tpl []byte, sheet string, n int) ([]byte, map[string]float64) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	corrected := false
	for i, row := range rows[1:] {
		cell := "G" + strconv.Itoa(i+2)
		key := row[0] + " " + row[5]
		switch {
		case len(row) < 7 && n > 0:
			v := 0.25 + float64(n)/10
			f.SetCellFloat(sheet, cell, v, -1, 64)
			want[key], n = v, n-1
		case len(row) == 7 && !corrected:
			old, _ := strconv.ParseFloat(row[6], 64)
			f.SetCellFloat(sheet, cell, old+0.5, -1, 64)
			want[key], corrected = old+0.5, true
		}
	}
	if n > 0 || !corrected {
		t.Fatalf("the template has too few cells to fill: %q", rows)
	}
	return workbookBytes(t, f), want
}

// zipBomb is a workbook whose one sheet unpacks to 300 MiB of zeros
// (about 300 KB packed).
func zipBomb(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("xl/workbook.xml")
	io.WriteString(w, `<workbook><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`)
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 300; i++ {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestUploadWorkbookBrowser is the "done when", in headless
// Chromium: an uploader of BPS Banyuasin signs in, downloads the template
// from /unggah, fills it in (with excelize, as Excel would save it),
// uploads it on /unggah (the file input set over CDP), reads the preview,
// stores it and finds a filled value on the indicator's page. Screenshots
// at 390 and 1280 px go to PANTAU_SCREENSHOTS/TestUploadWorkbookBrowser.
func TestUploadWorkbookBrowser(t *testing.T) {
	bin := browser(t)
	ctx := context.Background()
	st := openDemo(t, "sqlite")
	base, _ := serveStore(t, st)
	if _, err := st.CreateUser(ctx, domain.User{Email: "staf@bps-banyuasin.id", Name: "Staf BPS", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin"}, "kata-sandi-panjang"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if shots := os.Getenv("PANTAU_SCREENSHOTS"); shots != "" {
		dir = filepath.Join(shots, "TestUploadWorkbookBrowser")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	shoot := func(b *cdpBrowser, name string) {
		for _, width := range []int{390, 1280} {
			b.screenshot(filepath.Join(dir, name+"-"+strconv.Itoa(width)+".png"), width, false)
		}
	}
	b := newCDPBrowser(t, bin)
	b.open(base + "/masuk")
	b.submit(`document.querySelector("#email").value = "staf@bps-banyuasin.id";
		document.querySelector("#password").value = "kata-sandi-panjang";
		document.querySelector("form button[type=submit]").click()`)

	// Download the template by its link, as a person clicks it.
	b.open(base + "/unggah")
	shoot(b, "1-form")
	downloads := t.TempDir()
	b.must(b.call("", "Browser.setDownloadBehavior", map[string]any{"behavior": "allow", "downloadPath": downloads}))(nil)
	b.eval(`document.querySelector('a[href^="/unggah/templat?format=xlsx"]').click(); true`)
	file := filepath.Join(downloads, "templat-bps-banyuasin.xlsx")
	var tpl []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 && bytes.HasPrefix(b, []byte("PK")) {
			if _, err := excelize.OpenReader(bytes.NewReader(b)); err == nil {
				tpl = b
				break
			}
		}
	}
	if tpl == nil {
		entries, _ := os.ReadDir(downloads)
		t.Fatalf("no template downloaded: %v", entries)
	}

	filled, want := fillTemplate(t, tpl, "kemiskinan_ekstrem", 1)
	upload := filepath.Join(t.TempDir(), "templat-diisi.xlsx")
	if err := os.WriteFile(upload, filled, 0o644); err != nil {
		t.Fatal(err)
	}
	b.open(base + "/unggah")
	b.setFile("#file", upload)
	b.eval(`window.__left = 1; document.querySelector("form[data-upload] button[type=submit]").click(); true`)
	b.waitFor("the upload preview", `document.querySelector("input[name=pending]")`)
	page := b.text("document.body.innerText")
	for key, v := range want {
		if s := strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1); !strings.Contains(page, s) {
			t.Errorf("the preview lacks %s = %s: %.1500s", key, s, page)
		}
	}
	if tech := b.text(`document.querySelector("details.tech").textContent`); !strings.Contains(tech, "buku kerja Excel, lembar") || !strings.Contains(tech, "gini, ipm, kemiskinan, kemiskinan_ekstrem,") {
		t.Errorf("the technical fold does not say which sheets were read: %.600s", tech)
	}
	shoot(b, "2-preview")
	b.submit(`document.querySelector('form[action^="/unggah/simpan"] button').click()`)
	if page := b.text("document.body.innerText"); !strings.Contains(page, "Tersimpan sebagai unggahan") {
		t.Fatalf("after storing: %.800s", page)
	}
	shoot(b, "3-stored")

	for key, v := range want {
		region, _, _ := strings.Cut(key, " ")
		b.open(base + "/i/kemiskinan_ekstrem?region=" + region)
		b.waitFor("the indicator page's chart", `document.querySelector(".chart-canvas[data-chart-ready=true] svg")`)
		if s := strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1); !strings.Contains(b.text("document.body.innerText"), s) {
			t.Errorf("/i/kemiskinan_ekstrem?region=%s lacks the stored %s", region, s)
		}
		shoot(b, "4-indicator-"+region)
		break
	}

	// A BPS table with a word where a number belongs: the page names the cell.
	bad := filepath.Join(t.TempDir(), "tabel-bps.xlsx")
	if err := os.WriteFile(bad, bpsPoverty(t, "nol koma empat"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open(base + "/unggah")
	b.setFile("#file", bad)
	b.eval(`document.querySelector("#indicator").value = "kemiskinan_ekstrem";
		window.__left = 1; document.querySelector("form[data-upload] button[type=submit]").click(); true`)
	b.waitFor("the refusal naming the cell", `document.body.innerText.includes("Tabel!C4")`)
	shoot(b, "5-refused")
	t.Logf("screenshots in %s", dir)
}

// setFile chooses a file in a file input as a person's file dialog does
// (DOM.setFileInputFiles), so that the page's own script sends it.
func (b *cdpBrowser) setFile(selector, path string) {
	b.t.Helper()
	var doc struct {
		Root struct {
			NodeID int `json:"nodeId"`
		} `json:"root"`
	}
	b.must(b.call(b.session, "DOM.getDocument", map[string]any{}))(&doc)
	var node struct {
		NodeID int `json:"nodeId"`
	}
	b.must(b.call(b.session, "DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}))(&node)
	b.must(b.call(b.session, "DOM.setFileInputFiles", map[string]any{"nodeId": node.NodeID, "files": []string{path}}))(nil)
}

// withStyles is a workbook with number formats given to cells (Tabel!C4 →
// a format code, or a built-in id as "#10") and values put in cells.
func withStyles(t *testing.T, data []byte, formats map[string]string, values map[string]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, v := range values {
		sheet, cell, _ := strings.Cut(ref, "!")
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for ref, code := range formats {
		st := &excelize.Style{CustomNumFmt: &code}
		if id, ok := strings.CutPrefix(code, "#"); ok {
			st = &excelize.Style{}
			st.NumFmt, _ = strconv.Atoi(id)
		}
		id, err := f.NewStyle(st)
		if err != nil {
			t.Fatal(err)
		}
		sheet, cell, _ := strings.Cut(ref, "!")
		if err := f.SetCellStyle(sheet, cell, cell, id); err != nil {
			t.Fatal(err)
		}
	}
	return workbookBytes(t, f)
}

// TestUploadWorkbookPercent: a BPS table whose cells are formatted as
// percentages in Excel (0,44% stored as 0.0044) is read as it is shown,
// on both engines, through the API and the upload page, which says so in
// its technical fold in either language; a percent cell in the table of
// an index is refused as "72,45%" in a CSV is.
func TestUploadWorkbookPercent(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		table := withStyles(t, bpsPoverty(t, 0.0044),
			map[string]string{"Tabel!C4": "#10", "Tabel!D4": "0.0%"},
			map[string]any{"Tabel!D4": 0.0038})
		code, r := srv.postFile(t, srv.bps, "dry_run=true&indicator=kemiskinan_ekstrem&filename=tabel.xlsx", table, xlsxType)
		if code != http.StatusOK || !r.Data.Accepted || r.Data.Counts.Changed != 1 || r.Data.Counts.New != 1 {
			t.Fatalf("percent workbook: %d %+v %s", code, r.Data, r.Error.Message)
		}
		got := map[int]float64{}
		for _, ch := range r.Data.Changes {
			got[ch.Year] = ch.New
		}
		if want := map[int]float64{2024: 0.44, 2025: 0.38}; !reflect.DeepEqual(got, want) {
			t.Errorf("changes %v, want %v", got, want)
		}
		counts := map[string]int{}
		for _, c := range r.Data.Dialect.Columns {
			if c.PercentCells > 0 {
				counts[c.Name] = c.PercentCells
			}
		}
		if want := map[string]int{"2024": 1, "2025": 1}; !reflect.DeepEqual(counts, want) {
			t.Errorf("dialect's percent cells %v, want %v", counts, want)
		}

		pc := pageClient{t: t, base: srv.base}
		for lang, want := range map[string]string{
			"id": "Sel berformat persen</dt><dd>dibaca seperti tampilannya di Excel: 0,49% sebagai 0,49, bukan 0,0049 yang tersimpan. Kolom: 2024 (1), 2025 (1)</dd>",
			"en": "Percent-formatted cells</dt><dd>read as Excel shows them: 0.49% as 0.49, not the stored 0.0049. Columns: 2024 (1), 2025 (1)</dd>",
		} {
			status, html := pc.file("/unggah?lang="+lang, "tabel.xlsx", table, map[string]string{"token": srv.bps, "indicator": "kemiskinan_ekstrem"})
			if status != http.StatusOK || !strings.Contains(html, want) {
				t.Errorf("%s page: %d, lacks %q:\n%s", lang, status, want, html)
			}
		}

		// The HDI is an index: a cell showing 72,45% is no HDI.
		hdi := withStyles(t, bpsPoverty(t, 0.7245), map[string]string{"Tabel!C4": "#10"}, map[string]any{"Tabel!D4": 72.9})
		code, r = srv.postFile(t, srv.bps, "dry_run=true&indicator=ipm", hdi, xlsxType)
		var details struct {
			Errors []struct {
				Cell, Code, Value string
			} `json:"errors"`
		}
		json.Unmarshal(r.Error.Details, &details)
		if code != http.StatusUnprocessableEntity || len(details.Errors) != 1 || details.Errors[0].Cell != "Tabel!C4" ||
			details.Errors[0].Code != "unit_contradicts" || details.Errors[0].Value != "72.45%" {
			t.Fatalf("percent cell for an index: %d %s %+v", code, r.Error.Message, details)
		}
	})
}

// workbookBytes is workbook f as a file's bytes.
func workbookBytes(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
