package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// indicatorFields is a complete indicator form.
func indicatorFields(tok string, kv ...string) url.Values {
	v := url.Values{"csrf_token": {tok}, "code": {"rumah_layak"}, "name_id": {"Rumah tangga dengan rumah layak huni"},
		"name_en": {"Households in adequate housing"}, "unit": {"persen"}, "polarity": {"higher"}, "decimals": {"1"},
		"source": {"BPS, Susenas"}, "agency_code": {"bps-banyuasin"}, "assess": {"true"},
		"substantial": {"0,95"}, "moderate": {"0,6"}, "limited": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestCatalogPages drives every catalogue form as a browser without
// script does, on both engines: create, validation errors that keep the
// form, CSRF refusals, the edit preview (fields and assessments old → new,
// nothing stored) and the save, each change a catalogue revision with an
// audit entry by the administrator.
func TestCatalogPages(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		ctx := context.Background()
		b := newAcctBrowser(t, base)
		b.login("admin@bappeda.id", "kata-sandi-panjang")

		b.adminPage("/admin/katalog", "Katalog: indikator", "Tingkat kemiskinan (P0)")
		_, form := b.do("GET", "/admin/katalog/indikator/baru", nil)
		tok := formToken(t, form)
		if _, page := b.do("GET", "/admin/katalog?q=EKSTREM", nil); !strings.Contains(page, "kemiskinan_ekstrem") || strings.Contains(page, `<code>kemiskinan</code>`) {
			t.Errorf("search by name does not narrow the list")
		}
		if _, en := b.do("GET", "/admin/katalog?lang=en&q=ipm", nil); !strings.Contains(en, "Catalogue: indicators") || !strings.Contains(en, "<code>ipm</code>") {
			t.Errorf("English list or search by code")
		}
		if _, page := b.do("GET", "/akun", nil); !strings.Contains(page, `href="/admin/katalog"`) {
			t.Errorf("the administration navigation does not link the catalogue")
		}

		// Create. A refusal re-shows the form with what was typed.
		resp, page := b.do("POST", "/admin/katalog/indikator", indicatorFields(tok, "unit", ""))
		if resp.StatusCode != 422 || !strings.Contains(page, "Satuan: wajib diisi") || !strings.Contains(page, `value="Rumah tangga dengan rumah layak huni"`) {
			t.Errorf("missing unit: %d %.300s", resp.StatusCode, page)
		}
		resp, page = b.do("POST", "/admin/katalog/indikator?lang=en", indicatorFields(tok, "moderate", "sedang"))
		if resp.StatusCode != 422 || !strings.Contains(page, "Moderate progress from: &#34;sedang&#34; is not a number") {
			t.Errorf("bad threshold: %d", resp.StatusCode)
		}
		if resp, _ := b.do("POST", "/admin/katalog/indikator", indicatorFields("")); resp.StatusCode != 403 {
			t.Errorf("create without the CSRF token: %d", resp.StatusCode)
		}
		if _, err := st.Indicator(ctx, "rumah_layak"); err == nil {
			t.Fatal("a refused form stored the indicator")
		}
		resp, _ = b.do("POST", "/admin/katalog/indikator", indicatorFields(tok))
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/katalog/indikator/rumah_layak?ok=created" {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		got, err := st.Indicator(ctx, "rumah_layak")
		if err != nil || got.Unit != "persen" || got.Polarity != domain.HigherIsBetter || got.Decimals != 1 || got.AgencyCode != "bps-banyuasin" {
			t.Fatalf("stored %+v, %v", got, err)
		}
		if resp, _ := b.do("POST", "/admin/katalog/indikator", indicatorFields(tok)); resp.StatusCode != 422 {
			t.Errorf("a second indicator with the same code: %d", resp.StatusCode)
		}

		// Edit: the preview lists the fields and the assessments that
		// change and stores nothing; save stores it.
		_, page = b.do("GET", "/admin/katalog/indikator/kemiskinan", nil)
		if !strings.Contains(page, `value="Tingkat kemiskinan (P0)"`) || !strings.Contains(page, `<option value="lower" selected>`) {
			t.Fatalf("edit form: %.400s", page)
		}
		ind, _ := st.Indicator(ctx, "kemiskinan")
		edit := url.Values{"csrf_token": {tok}, "name_id": {ind.NameID}, "name_en": {ind.NameEN}, "unit": {ind.Unit}, "polarity": {"higher"},
			"decimals": {"2"}, "source": {ind.Source}, "definition": {ind.Definition}, "frequency": {ind.Frequency}, "sdg_code": {ind.SDGCode},
			"agency_code": {ind.AgencyCode}, "assess": {"true"}, "substantial": {"0,95"}, "moderate": {"0,6"}, "limited": {"0"}, "step": {"preview"}}
		resp, page = b.do("POST", "/admin/katalog/indikator/kemiskinan", edit)
		if resp.StatusCode != 200 || !strings.Contains(page, "Yang berubah bila disimpan") ||
			!regexp.MustCompile(`Arah yang lebih baik<br><code class="hint">polarity</code></span></td><td[^>]*><span><del>lebih rendah lebih baik</del></span></td><td[^>]*><span><ins>lebih tinggi lebih baik</ins>`).MatchString(page) {
			t.Fatalf("preview: %d %.2000s", resp.StatusCode, page)
		}
		if !strings.Contains(page, "Kabupaten Banyuasin (16.07)") || !regexp.MustCompile(`<del>[^<]+</del> → <ins>[^<]+</ins>`).MatchString(page) ||
			strings.Contains(page, "Tidak ada penilaian kemajuan yang berubah") {
			t.Errorf("the preview does not list the regency's changed assessment")
		}
		if !strings.Contains(page, `name="step" value="save"`) {
			t.Errorf("no save button after the preview")
		}
		if now, _ := st.Indicator(ctx, "kemiskinan"); now.Polarity != domain.LowerIsBetter {
			t.Fatal("the preview stored the change")
		}
		edit.Set("step", "save")
		if resp, _ := b.do("POST", "/admin/katalog/indikator/kemiskinan", url.Values{"polarity": {"higher"}, "step": {"save"}}); resp.StatusCode != 403 {
			t.Errorf("save without the CSRF token: %d", resp.StatusCode)
		}
		resp, _ = b.do("POST", "/admin/katalog/indikator/kemiskinan", edit)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/katalog/indikator/kemiskinan?ok=saved" {
			t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if now, _ := st.Indicator(ctx, "kemiskinan"); now.Polarity != domain.HigherIsBetter || now.Definition != ind.Definition {
			t.Fatalf("saved as %+v", now)
		}
		revs, err := st.CatalogRevisions(ctx, domain.KindIndicators, "kemiskinan")
		// The demo's catalogue import added it; the page's save is the one
		// change after that.
		if err != nil || len(revs) != 2 || revs[0].Action != "add" || !strings.Contains(revs[1].OldValue, `"lower"`) || !strings.Contains(revs[1].NewValue, `"higher"`) {
			t.Errorf("revisions %+v, %v", revs, err)
		}
		if _, page := b.do("GET", "/admin/katalog/indikator/kemiskinan?ok=saved", nil); !strings.Contains(page, "Perubahan disimpan sebagai revisi katalog") {
			t.Errorf("no notice after saving")
		}
		// The unit is what stored values mean: a change is refused, in the
		// page's language, and the form keeps what was typed.
		edit.Set("unit", "jiwa")
		edit.Set("step", "preview")
		resp, page = b.do("POST", "/admin/katalog/indikator/kemiskinan", edit)
		if resp.StatusCode != 422 || !strings.Contains(page, "jiwa") || !strings.Contains(page, `class="problem"`) {
			t.Errorf("unit change: %d", resp.StatusCode)
		}
		if resp, _ := b.do("GET", "/admin/katalog/indikator/tidak_ada", nil); resp.StatusCode != 404 {
			t.Errorf("unknown indicator: %d", resp.StatusCode)
		}

		// Plans: an amendment is a new plan naming the one it amends; each
		// links to the targets upload.
		_, page = b.do("GET", "/admin/katalog/rencana?amends=rpjmd-banyuasin-2025-2029", nil)
		if !strings.Contains(page, `value="rpjmd-banyuasin-2025-2029-perubahan"`) || !strings.Contains(page, `href="/unggah?plan=rpjmd-banyuasin-2025-2029&amp;targets=true"`) {
			t.Fatalf("amend form or targets link: %.300s", page)
		}
		plan := url.Values{"csrf_token": {tok}, "code": {"rpjmd-banyuasin-2025-2029-p1"}, "name": {"Perubahan RPJMD Banyuasin"}, "kind": {"RPJMD"},
			"level": {"kabupaten_kota"}, "region": {"16.07"}, "start_year": {"2025"}, "end_year": {"2029"}, "status": {"final"},
			"legal_basis": {"Perda 3/2026"}, "amends": {"rpjmd-banyuasin-2025-2029"}}
		plan.Set("end_year", "2024")
		if resp, page := b.do("POST", "/admin/katalog/rencana", plan); resp.StatusCode != 422 || !strings.Contains(page, `value="Perubahan RPJMD Banyuasin"`) {
			t.Errorf("a plan ending before it starts: %d", resp.StatusCode)
		}
		plan.Set("end_year", "2029")
		if resp, _ := b.do("POST", "/admin/katalog/rencana", plan); resp.StatusCode != 303 {
			t.Fatalf("amendment: %d", resp.StatusCode)
		}
		plans, _ := st.Plans(ctx)
		var amended bool
		for _, p := range plans {
			amended = amended || p.Code == "rpjmd-banyuasin-2025-2029-p1" && p.Amends == "rpjmd-banyuasin-2025-2029" && p.LegalBasis == "Perda 3/2026"
		}
		if !amended {
			t.Errorf("the amendment is not stored: %+v", plans)
		}
		if _, page := b.do("GET", "/unggah?targets=true&plan=rpjmd-banyuasin-2025-2029-p1", nil); !strings.Contains(page, `value="rpjmd-banyuasin-2025-2029-p1"`) {
			t.Errorf("the upload page does not take the plan from the link")
		}

		// Regions: the tree one level at a time with its path, search, BPS codes.
		_, page = b.do("GET", "/admin/katalog/wilayah?induk=16.07", nil)
		if !strings.Contains(page, `<a href="/admin/katalog/wilayah?induk=16">Provinsi Sumatera Selatan</a>`) || !strings.Contains(page, "Kabupaten Banyuasin</strong>") ||
			!strings.Contains(page, "<code>16.07.01</code>") {
			t.Fatalf("region tree: %s", page[strings.Index(page, "<main>"):])
		}
		if _, page := b.do("GET", "/admin/katalog/wilayah?induk=16.07&theme=dark", nil); !strings.Contains(page, "induk=16.07.01") ||
			regexp.MustCompile(`<input[^>]*name="lang"|induk=16\.07\.[0-9.]+&amp;lang=`).MatchString(page) {
			t.Errorf("an Indonesian page with a theme sends its search or its district links to English")
		}
		if _, page := b.do("GET", "/admin/katalog/wilayah?q=banyuasin", nil); !strings.Contains(page, "<code>16.07</code>") {
			t.Errorf("region search")
		}
		if resp, page := b.do("POST", "/admin/katalog/wilayah/16.07.01?induk=16.07", url.Values{"csrf_token": {tok}, "bps_code": {"16-07"}}); resp.StatusCode != 422 || !strings.Contains(page, "bukan kode BPS") {
			t.Errorf("bad BPS code: %d", resp.StatusCode)
		}
		resp, page = b.do("POST", "/admin/katalog/wilayah/16.07.01?induk=16.07", url.Values{"csrf_token": {tok}, "bps_code": {"1607010"}})
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/katalog/wilayah?induk=16.07&ok=region") {
			t.Fatalf("BPS code: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), regexp.MustCompile(`class="problem"[^<]*<`).FindString(page))
		}
		// In English the answer comes back in English, at the row: the
		// language goes before the #fragment.
		resp, _ = b.do("POST", "/admin/katalog/wilayah/16.07.01?induk=16.07&lang=en", url.Values{"csrf_token": {tok}, "bps_code": {"1607010"}})
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasSuffix(loc, "&lang=en#r-16.07.01") {
			t.Errorf("BPS code in English: %d %s", resp.StatusCode, loc)
		}
		if r, _ := st.Region(ctx, "16.07.01"); r.BPSCode != "1607010" || r.Name == "" {
			t.Errorf("region after the BPS code: %+v", r)
		}

		// Agencies.
		if resp, _ := b.do("POST", "/admin/katalog/instansi", url.Values{"csrf_token": {tok}, "code": {"Dinas PU"}, "name": {"Dinas PU"}}); resp.StatusCode != 422 {
			t.Errorf("bad agency code: %d", resp.StatusCode)
		}
		if resp, _ := b.do("POST", "/admin/katalog/instansi", url.Values{"csrf_token": {tok}, "code": {"dpu-banyuasin"}, "name": {"Dinas PU Banyuasin"}}); resp.StatusCode != 303 {
			t.Errorf("agency: %d", resp.StatusCode)
		}
		if resp, _ := b.do("POST", "/admin/katalog/instansi/dpu-banyuasin", url.Values{"csrf_token": {tok}, "name": {"Dinas PUPR Banyuasin"}}); resp.StatusCode != 303 {
			t.Errorf("agency rename: %d", resp.StatusCode)
		}
		agencies, _ := st.Agencies(ctx)
		var renamed bool
		for _, a := range agencies {
			renamed = renamed || a.Code == "dpu-banyuasin" && a.Name == "Dinas PUPR Banyuasin"
		}
		if !renamed {
			t.Errorf("agencies: %+v", agencies)
		}

		// Every change is in the audit log by the administrator.
		entries, err := st.AuditLog(ctx, store.AuditQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		changes := 0
		for _, e := range entries {
			if strings.HasPrefix(e.Action, "catalog.") && strings.Contains(e.Principal, "admin@bappeda.id") {
				changes++
			}
		}
		if changes != 6 { // indicator added, changed; plan; region; agency added, changed
			t.Errorf("%d catalogue audit entries by the administrator, want 6", changes)
		}
	})
}

// TestCatalogFormYears: a plan's first and last year and an indicator's
// base year are read as years (domain.MinYear–MaxYear); one that is not is
// refused naming its field, and the form keeps what was typed.
func TestCatalogFormYears(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		b := newAcctBrowser(t, base)
		b.login("admin@bappeda.id", "kata-sandi-panjang")
		_, form := b.do("GET", "/admin/katalog/indikator/baru", nil)
		tok := formToken(t, form)
		plan := func(start, end string) url.Values {
			return url.Values{"csrf_token": {tok}, "code": {"rkpd-banyuasin-2027"}, "name": {"RKPD Banyuasin 2027"}, "kind": {"RKPD"},
				"level": {"kabupaten_kota"}, "region": {"16.07"}, "start_year": {start}, "end_year": {end}, "status": {"final"}}
		}
		for _, tt := range []struct {
			name, path string
			form       url.Values
			want       string
		}{
			{"first year too early", "/admin/katalog/rencana", plan("1959", "2027"), "Tahun mulai: &#34;1959&#34; bukan tahun 1960 sampai 2100"},
			{"last year too late", "/admin/katalog/rencana", plan("2027", "2101"), "Tahun akhir: &#34;2101&#34; bukan tahun 1960 sampai 2100"},
			{"first year not a number", "/admin/katalog/rencana?lang=en", plan("2027a", "2027"), "First year: &#34;2027a&#34; is not a year from 1960 to 2100"},
			{"base year", "/admin/katalog/indikator", indicatorFields(tok, "base_year", "1900"), "Tahun dasar: &#34;1900&#34; bukan tahun 1960 sampai 2100"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp, page := b.do("POST", tt.path, tt.form)
				if resp.StatusCode != 422 || !strings.Contains(page, tt.want) {
					t.Errorf("%d, want 422 with %q: %.300s", resp.StatusCode, tt.want, page)
				}
			})
		}
		if plans, _ := st.Plans(context.Background()); slices.ContainsFunc(plans, func(p domain.Plan) bool { return p.Code == "rkpd-banyuasin-2027" }) {
			t.Errorf("a refused plan was stored")
		}
	})
}

// TestCatalogTemplatesSpeakBothLanguages: every text the catalogue
// templates read ({{.T.x}} and {{$T.x}}) is in both catalogues.
func TestCatalogTemplatesSpeakBothLanguages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("templates", "*katalog*.html"))
	if len(files) < 5 {
		t.Fatalf("catalogue templates: %v", files)
	}
	ref := regexp.MustCompile(`\$?\.?T\.([A-Za-z_][A-Za-z0-9_]*)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			for _, l := range locale.Langs {
				if !l.Has("katalog."+m[1]) && !l.Has("admin."+m[1]) && !l.Has("account."+m[1]) {
					t.Errorf("%s: %s is not in the %s catalogue", filepath.Base(f), m[1], l)
				}
			}
		}
	}
}

// rowOf is the table row of page that shows the code <code>code</code>.
func rowOf(t *testing.T, page, code string) string {
	t.Helper()
	for _, row := range strings.Split(page, "<tr>") {
		if strings.Contains(row, "<code>"+code+"</code>") {
			return row[:strings.Index(row, "</tr>")]
		}
	}
	t.Fatalf("no row shows %s", code)
	return ""
}

// TestCatalogChecks: /admin/katalog shows every indicator's upload checks
// in plain words on both engines: the valid range (a percentage's 0–100 by
// default, a growth rate's own −100–100), the yearly jump a percentage is
// warned about, and the catalogue's validation rules with the indicators
// by name, numbers in the page's language and what a breach does; a rule
// shows on every indicator it names. Uploads do what the words say. The
// edit form shows the rules and keeps them when saved (it has no field for
// them: saving it used to delete them).
func TestCatalogChecks(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		ctx := context.Background()
		a := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")
		yaml := `indicators:
  - code: rumah_layak
    name_id: Rumah layak huni
    name_en: Adequate housing
    unit: persen
    polarity: higher
    agency_code: bps-banyuasin
    rules:
      - "error: rumah_layak + kemiskinan <= 100"
      - rumah_layak >= 10.5
  - code: indeks_baru
    name_id: Indeks baru
    unit: indeks
    polarity: higher
`
		if code, body := a.send("POST", "/api/v1/catalog", "application/yaml", yaml, nil); code != 201 {
			t.Fatalf("catalogue import: %d %.400s", code, body)
		}

		b := newAcctBrowser(t, base)
		b.login("admin@bappeda.id", "kata-sandi-panjang")
		page := b.adminPage("/admin/katalog", "Aturan validasi", "10 kali lebih besar atau lebih kecil")
		for code, want := range map[string][]string{
			"rumah_layak": {"Nilai antara 0 dan 100; di luar itu ditolak", "Peringatan bila naik atau turun lebih dari 20 poin dari tahun sebelumnya",
				"Rumah layak huni ditambah Tingkat kemiskinan (P0) tidak boleh lebih dari 100; pelanggaran ditolak", "<code>error: rumah_layak &#43; kemiskinan &lt;= 100</code>",
				"Rumah layak huni tidak boleh kurang dari 10,5; pelanggaran diberi peringatan", "<code>rumah_layak &gt;= 10.5</code>"},
			"kemiskinan": {"Nilai antara 0 dan 100", "Kemiskinan ekstrem tidak boleh lebih dari Tingkat kemiskinan (P0); pelanggaran diberi peringatan",
				"<code>kemiskinan_ekstrem &lt;= kemiskinan</code> · aturan pada Kemiskinan ekstrem",
				"Rumah layak huni ditambah Tingkat kemiskinan (P0) tidak boleh lebih dari 100; pelanggaran ditolak", "aturan pada Rumah layak huni"},
			"kemiskinan_ekstrem":  {"<code>kemiskinan_ekstrem &lt;= kemiskinan</code></span>"},
			"pertumbuhan_ekonomi": {"Nilai antara -100 dan 100; di luar itu ditolak", "lebih dari 40 poin dari tahun sebelumnya"},
			"penduduk":            {"Nilai paling sedikit 0; di bawahnya ditolak"},
			"indeks_baru":         {`<span class="muted">tidak ada</span>`},
		} {
			row := rowOf(t, page, code)
			for _, w := range want {
				if !strings.Contains(row, w) {
					t.Errorf("%s's row lacks %q:\n%s", code, w, row)
				}
			}
		}
		if row := rowOf(t, page, "penduduk"); strings.Contains(row, "Peringatan bila") || strings.Contains(row, `<span class="hint">`) {
			t.Errorf("population (no percentage, no rule) shows a jump warning or a rule: %s", row)
		}
		en := b.adminPage("/admin/katalog?lang=en&q=rumah", "Validation rules")
		for _, w := range []string{"Values between 0 and 100; anything outside is rejected", "by more than 20 points from the year before",
			"Adequate housing plus Poverty rate (P0) must not be more than 100; a breach is rejected", "Adequate housing must not be less than 10.5; a breach gets a warning"} {
			if !strings.Contains(rowOf(t, en, "rumah_layak"), w) {
				t.Errorf("the English row lacks %q", w)
			}
		}

		// Uploads do what the words say: the error rule rejects the file,
		// the other one is a warning to confirm (Banyuasin's stored poverty
		// rate for 2024 is about 10).
		for _, tt := range []struct {
			value   string
			status  int
			confirm bool
		}{{"95", 422, false}, {"5", 200, true}, {"60", 200, false}} {
			var r struct {
				Data struct {
					Warnings []struct {
						Rule    string `json:"rule"`
						Confirm bool   `json:"needs_confirmation"`
					} `json:"warnings"`
				} `json:"data"`
			}
			code, body := a.send("POST", "/api/v1/uploads?dry_run=true", "text/csv", povertyHeader+"16.07;rumah_layak;2024;"+tt.value+"\n", &r)
			ruled := false
			for _, w := range r.Data.Warnings {
				ruled = ruled || w.Rule == "rumah_layak >= 10.5" && w.Confirm
			}
			if code != tt.status || ruled != tt.confirm || (tt.status == 422 && !strings.Contains(body, "rumah_layak + kemiskinan")) {
				t.Errorf("rumah_layak %s: %d, rule warning %v: %.500s", tt.value, code, ruled, body)
			}
		}

		// The edit form shows the rules, and saving it keeps them.
		_, form := b.do("GET", "/admin/katalog/indikator/kemiskinan_ekstrem", nil)
		if !strings.Contains(form, `<h2 id="checks-h">Aturan validasi</h2>`) || !strings.Contains(form, "Kemiskinan ekstrem tidak boleh lebih dari Tingkat kemiskinan (P0)") {
			t.Fatalf("the edit form does not show the rules: %.300s", form)
		}
		ind, err := st.Indicator(ctx, "kemiskinan_ekstrem")
		if err != nil || len(ind.Rules) != 1 {
			t.Fatalf("kemiskinan_ekstrem as stored: %+v %v", ind.Rules, err)
		}
		edit := url.Values{"csrf_token": {formToken(t, form)}, "name_id": {ind.NameID}, "name_en": {ind.NameEN}, "unit": {ind.Unit}, "polarity": {string(ind.Polarity)},
			"min": {"0"}, "decimals": {"3"}, "source": {ind.Source}, "definition": {ind.Definition}, "definition_en": {ind.DefinitionEN}, "frequency": {ind.Frequency},
			"sdg_code": {ind.SDGCode}, "agency_code": {ind.AgencyCode}, "assess": {"true"}, "substantial": {"0,95"}, "moderate": {"0,6"}, "limited": {"0"}, "step": {"preview"}}
		resp, preview := b.do("POST", "/admin/katalog/indikator/kemiskinan_ekstrem", edit)
		if resp.StatusCode != 200 || !strings.Contains(preview, `<code class="hint">decimals</code>`) || strings.Contains(preview, `<code class="hint">rules</code>`) {
			t.Fatalf("preview: %d %.1500s", resp.StatusCode, preview[strings.Index(preview, "<main"):])
		}
		edit.Set("step", "save")
		if resp, _ := b.do("POST", "/admin/katalog/indikator/kemiskinan_ekstrem", edit); resp.StatusCode != 303 {
			t.Fatalf("save: %d", resp.StatusCode)
		}
		if now, _ := st.Indicator(ctx, "kemiskinan_ekstrem"); now.Decimals != 3 || len(now.Rules) != 1 || now.Rules[0] != "kemiskinan_ekstrem <= kemiskinan" {
			t.Errorf("after saving the form: decimals %d, rules %q", now.Decimals, now.Rules)
		}
	})
}
