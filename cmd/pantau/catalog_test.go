package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pantau/internal/store"
	"pantau/internal/testdb"
)

// both runs fn on a new database of each engine (testdb.Engines): a SQLite
// file, then a PostgreSQL database.
func both(t *testing.T, fn func(t *testing.T, url string)) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) { fn(t, testdb.URL(t, engine)) })
	}
}

// pantau runs one command and returns its exit code, stdout and stderr
// (with the error's message, as main would print it).
func pantau(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"pantau"}, args...), getenv, &out, &errb)
	if err != nil {
		errb.WriteString(err.Error())
	}
	return exitCode(err), out.String(), errb.String()
}

func mustPantau(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	code, out, errs := pantau(t, getenv, args...)
	if code != 0 {
		t.Fatalf("pantau %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// Musi Banyuasin's files in testdata/muba (the README's example of a
// second government): a catalogue of its own (an agency, an indicator, its
// RPJMD), data naming kecamatan by name, targets naming the plan by name.
var (
	mubaCatalogue = mubaFile("my.yaml")
	mubaData      = mubaFile("data.csv")
	mubaTargets   = mubaFile("targets.csv")
)

func mubaFile(name string) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "muba", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// muba writes testdata/muba's files into dir, as a user would have them.
func muba(t *testing.T, dir string) {
	t.Helper()
	for name, text := range map[string]string{"my.yaml": mubaCatalogue, "data.csv": mubaData, "targets.csv": mubaTargets} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSecondGovernment builds Kabupaten Musi Banyuasin's instance with
// commands and files only, as the README's "Start your own instance" says:
// in an empty directory, init, catalog import, import, import --targets,
// serve; on SQLite (the default pantau.db in that directory) and on
// PostgreSQL (PANTAU_DATABASE_URL). It reads its progress from the API and
// its own home dashboard from /.
func TestSecondGovernment(t *testing.T) {
	both(t, func(t *testing.T, url string) {
		dir := t.TempDir()
		t.Chdir(dir)
		muba(t, dir)
		if !strings.HasPrefix(url, "postgres") {
			url = "" // the default: pantau.db in the working directory
		}
		getenv := env("PANTAU_DATABASE_URL", url, "PANTAU_LOG_LEVEL", "warn", "LANG", "en_US.UTF-8")
		// Never prepared: serve says what to run.
		if code, _, errs := pantau(t, getenv, "migrate"); code != 0 {
			t.Fatal(errs)
		}
		code, _, errs := pantau(t, getenv, "serve", "--addr", "127.0.0.1:0")
		if code != 1 || !strings.Contains(errs, "pantau init --region CODE") {
			t.Fatalf("serve on an unprepared database: exit %d, %s", code, errs)
		}

		out := mustPantau(t, getenv, "init", "--region", "16.06")
		for _, want := range []string{"regions: 260 added", "16.06 Kabupaten Musi Banyuasin", "add indicator kemiskinan", "national targets (RPJMN 2025–2029): new 6", "prepared"} {
			if !strings.Contains(out, want) {
				t.Errorf("init output lacks %q:\n%s", want, out)
			}
		}
		out = mustPantau(t, getenv, "init", "--region", "16.06")
		if !strings.Contains(out, "regions: 0 added") || !strings.Contains(out, "nothing to do") || strings.Contains(out, "add ") {
			t.Errorf("second init changed something:\n%s", out)
		}
		if code, _, errs := pantau(t, getenv, "init", "--region", "16.07"); code != 1 || !strings.Contains(errs, "already prepared") {
			t.Errorf("init for another region on a prepared database: exit %d, %s", code, errs)
		}
		if code, _, errs := pantau(t, getenv, "init", "--region", "16.6"); code != 2 || !strings.Contains(errs, "did you mean") {
			t.Errorf("init with a code not in the list: exit %d, %s", code, errs)
		}

		out = mustPantau(t, getenv, "catalog", "import", "my.yaml")
		for _, want := range []string{"add agency bappeda-muba", "add indicator rumah_layak_huni", "add plan rpjmd-muba-2025-2029", "added 3, changed 0, removed 0", "stored as catalogue import"} {
			if !strings.Contains(out, want) {
				t.Errorf("catalog import output lacks %q:\n%s", want, out)
			}
		}
		out = mustPantau(t, getenv, "import", "data.csv")
		if !strings.Contains(out, "new 7") {
			t.Errorf("data import: %s", out)
		}
		out = mustPantau(t, getenv, "import", "--targets", "targets.csv")
		if !strings.Contains(out, "new 2") {
			t.Errorf("targets import: %s", out)
		}

		// serve --demo never loads the demo into a prepared database.
		base := startServer(t, getenv, "--demo")
		var e struct{ Error struct{ Code string } }
		if code := getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &e); code != 404 {
			t.Errorf("the demo's Banyuasin reached Musi Banyuasin's instance: %d", code)
		}
		var s seriesBody
		getJSON(t, base+"/api/v1/series?indicator=rumah_layak_huni&region=16.06.01", &s)
		if len(s.Data.Observations) != 1 || s.Data.Observations[0].Value != 70.1 {
			t.Errorf("Sekayu (named by name) = %+v, want 2024: 70.1 under 16.06.01", s.Data.Observations)
		}
		var p struct {
			Data struct {
				Total struct {
					Headline struct {
						Target struct {
							Plan string  `json:"plan"`
							Year int     `json:"year"`
							Low  float64 `json:"low"`
						} `json:"target"`
						SDG struct {
							Status string   `json:"status"`
							Ratio  *float64 `json:"ratio"`
						} `json:"sdg"`
					} `json:"headline"`
				} `json:"total"`
			} `json:"data"`
		}
		if code := getJSON(t, base+"/api/v1/progress?indicator=rumah_layak_huni&region=16.06&plan=rpjmd-muba-2025-2029", &p); code != 200 {
			t.Fatalf("progress: %d", code)
		}
		h := p.Data.Total.Headline
		// Growth observed 2021–2024 (60 → 66) against the growth the 2029
		// target (80) requires: a ratio of 0.88 by sdg-build's method,
		// between the thresholds 0.6 and 0.95: moderate progress.
		if h.Target.Plan != "rpjmd-muba-2025-2029" || h.Target.Year != 2029 || h.Target.Low != 80 || h.SDG.Status != "moderate_progress" {
			t.Errorf("progress headline = %+v, want moderate progress towards RPJMD 2029: 80", h)
		}
		if h.SDG.Ratio != nil {
			t.Logf("Musi Banyuasin rumah_layak_huni: %s, ratio %.3f", h.SDG.Status, *h.SDG.Ratio)
		}
		resp := getPage(t, base+"/?lang=en")
		if !strings.Contains(resp, "region=16.06") || !strings.Contains(resp, "Households with adequate housing") {
			t.Errorf("home page does not open the home region's indicators:\n%.2000s", resp)
		}
		if url == "" {
			if _, err := os.Stat(filepath.Join(dir, "pantau.db")); err != nil {
				t.Errorf("the SQLite database is not pantau.db in the working directory: %v", err)
			}
		}
		mubaDashboard(t, base)
	})
}

// mubaDashboard follows / to the instance's home dashboard: it is titled
// for Musi Banyuasin and shows its own indicator's progress against its
// own RPJMD; the demo's Banyuasin dashboards are not there.
func mubaDashboard(t *testing.T, base string) {
	t.Helper()
	index := getPage(t, base+"/")
	m := regexp.MustCompile(`class="home-dashboard">[^<]*<a href="(/d/[a-z0-9-]+)"`).FindStringSubmatch(index)
	if m == nil {
		t.Fatalf("/ does not lead to a home dashboard:\n%.3000s", index)
	}
	if strings.Contains(index, "banyuasin\"") || strings.Contains(index, "kesenjangan-kecamatan") {
		t.Errorf("/ lists the demo's dashboards on Musi Banyuasin's instance")
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{"<h1>Indikator Makro Kabupaten Musi Banyuasin</h1>", "Persentase rumah tangga dengan akses hunian layak",
			`<td data-label="Target">80% (2029, RPJMD Kab. Musi Banyuasin)</td>`, "kemajuan sedang"}},
		{"?lang=en", []string{"<h1>Musi Banyuasin Regency: macro indicators</h1>", "Households with adequate housing", "moderate progress"}},
		{"?region=16.06.01", []string{"<h1>Indikator Makro Sekayu</h1>"}},
	} {
		page := getPage(t, base+m[1]+tt.query)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s%s lacks %q", m[1], tt.query, w)
			}
		}
	}
	// A kecamatan of an instance has its villages below it (no data for
	// them here); a village has nothing below it, and the page says so.
	if gaps := getPage(t, base+"/d/kesenjangan?region=16.06.01&lang=en"); !strings.Contains(gaps, "<h1>Sekayu: gaps between districts</h1>") ||
		!strings.Contains(gaps, "No data for this panel yet.") {
		t.Errorf("the gaps dashboard of a kecamatan:\n%.3000s", gaps)
	}
	var villages struct {
		Data []struct {
			Code, Name string
		} `json:"data"`
	}
	if code := getJSON(t, base+"/api/v1/regions?parent=16.06.01", &villages); code != 200 || len(villages.Data) == 0 {
		t.Fatalf("Sekayu's villages: %d, %+v", code, villages)
	}
	v := villages.Data[0]
	if gaps := getPage(t, base+"/d/kesenjangan?lang=en&region="+v.Code); !strings.Contains(gaps, v.Name+" has no districts below it") {
		t.Errorf("the gaps dashboard of village %s does not say it has none below it:\n%.3000s", v.Code, gaps)
	}
}

func getPage(t *testing.T, url string) string {
	t.Helper()
	var b bytes.Buffer
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b.ReadFrom(resp.Body)
	return b.String()
}

// TestCatalogRoundTrip exports a catalogue as YAML and as CSV and imports
// each into a new database: exported again, it is the same, on both engines.
func TestCatalogRoundTrip(t *testing.T) {
	both(t, func(t *testing.T, url string) {
		getenv := env("PANTAU_DATABASE_URL", url, "LANG", "en")
		mustPantau(t, getenv, "init", "--region", "16.06")
		mustPantau(t, getenv, "catalog", "import", writeFile(t, "my.yaml", mubaCatalogue))
		// Pemekaran data and a BPS code, by code alone for an official region.
		mustPantau(t, getenv, "catalog", "import", writeFile(t, "bps.yaml",
			"regions:\n  - code: \"16.06\"\n    bps_code: \"1606\"\n  - code: \"16.06.01\"\n    valid_from: 2002\n    successors: [\"16.06.02\"]\n"))
		want := mustPantau(t, getenv, "catalog", "export")
		if !strings.Contains(want, "bps_code: \"1606\"") || !strings.Contains(want, "name: Kabupaten Musi Banyuasin") || !strings.Contains(want, "legal_basis:") {
			t.Fatalf("export lacks the BPS code, the official name or the plan's legal basis:\n%.3000s", want)
		}
		csvDir := t.TempDir()
		mustPantau(t, getenv, "catalog", "export", "--format", "csv", "--out", csvDir)
		for name, from := range map[string]string{"yaml": writeFile(t, "catalog.yaml", want), "csv": csvDir} {
			t.Run(name, func(t *testing.T) {
				fresh := env("PANTAU_DATABASE_URL", newURL(t, url), "LANG", "en")
				out := mustPantau(t, fresh, "catalog", "import", from)
				if !strings.Contains(out, "stored as catalogue import") {
					t.Fatalf("import: %s", out)
				}
				if got := mustPantau(t, fresh, "catalog", "export"); got != want {
					t.Errorf("round trip through %s differs:\n%s", name, firstDiff(want, got))
				}
				if out := mustPantau(t, fresh, "catalog", "import", from); !strings.Contains(out, "nothing to change") {
					t.Errorf("a second import changed something: %s", out)
				}
			})
		}
	})
}

// newURL is a new database of the same engine as url.
func newURL(t *testing.T, url string) string {
	engine := store.Postgres
	if _, ok := store.IsSQLiteFile(url); ok {
		engine = store.SQLite
	}
	return testdb.URL(t, engine)
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + al[i] + "\n  got  " + bl[i]
		}
	}
	return "lengths " + strconv.Itoa(len(al)) + " and " + strconv.Itoa(len(bl))
}

// TestCatalogBadFiles: a bad file stores nothing and says where and what,
// and a dry run lists the change and stores nothing either.
func TestCatalogBadFiles(t *testing.T) {
	both(t, func(t *testing.T, url string) {
		getenv := env("PANTAU_DATABASE_URL", url, "LANG", "en")
		mustPantau(t, getenv, "init", "--region", "16.06")
		mustPantau(t, getenv, "catalog", "import", writeFile(t, "my.yaml", mubaCatalogue))
		mustPantau(t, getenv, "import", writeFile(t, "data.csv", mubaData))
		mustPantau(t, getenv, "import", "--targets", writeFile(t, "targets.csv", mubaTargets))
		before := mustPantau(t, getenv, "catalog", "export")
		for _, tt := range []struct {
			name, file, text string
			want             []string
		}{
			{name: "unknown field", file: "a.yaml", text: "indicators:\n  - code: tpt\n    name_id: TPT\n    unit: persen\n    polarty: lower\n",
				want: []string{"a.yaml:5 (indicators[0].polarty)", `unknown field "polarty"`, `did you mean "polarity"?`}},
			{name: "bad polarity", file: "b.yaml", text: "indicators:\n  - code: tpt2\n    name_id: TPT\n    unit: persen\n    polarity: up\n",
				want: []string{"b.yaml:5 (indicators[0].polarity)", `polarity "up": use higher, lower, band or neutral`}},
			{name: "amends cycle", file: "c.yaml", text: "plans:\n  - {code: p1, name: P1, level: kabupaten_kota, region: \"16.06\", start_year: 2025, end_year: 2029, amends: p2}\n" +
				"  - {code: p2, name: P2, level: kabupaten_kota, region: \"16.06\", start_year: 2025, end_year: 2029, amends: p1}\n",
				want: []string{"c.yaml:2 (plans[0].amends)", "plan amendments form a cycle: p1 → p2 → p1"}},
			{name: "unit change", file: "d.yaml", text: strings.Replace(mubaCatalogue, "unit: persen", "unit: rasio", 1),
				want: []string{"d.yaml:5 (indicators[0].unit)", `already has unit "persen"`}},
			{name: "removal of an indicator with data", file: "indicators.csv", text: "code,remove\nrumah_layak_huni,true\n",
				want: []string{"indicators.csv:2 (remove)", "cannot remove indicator rumah_layak_huni: used by observations 16.06, 16.06.01", "targets rpjmd-muba-2025-2029"}},
			{name: "plan period that strands targets", file: "e.yaml", text: strings.Replace(mubaCatalogue, "end_year: 2029", "end_year: 2028", 1),
				want: []string{"e.yaml", "plans[0].end_year", "plan rpjmd-muba-2025-2029 would run 2025–2028 but has targets for 2029"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				for _, args := range [][]string{{"--dry-run"}, {}} {
					code, out, errs := pantau(t, getenv, append(append([]string{"catalog", "import"}, args...), writeFile(t, tt.file, tt.text))...)
					if code != 1 {
						t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", code, out, errs)
					}
					for _, w := range tt.want {
						if !strings.Contains(errs, w) {
							t.Errorf("stderr lacks %q:\n%s", w, errs)
						}
					}
				}
				if after := mustPantau(t, getenv, "catalog", "export"); after != before {
					t.Errorf("a refused file changed the catalogue:\n%s", firstDiff(before, after))
				}
			})
		}

		changed := writeFile(t, "f.yaml", strings.Replace(mubaCatalogue, "name_en: Households with adequate housing", "name_en: Households in adequate housing", 1))
		out := mustPantau(t, getenv, "catalog", "import", "--dry-run", changed)
		if !strings.Contains(out, `change indicator rumah_layak_huni: name_en "Households with adequate housing" → "Households in adequate housing"`) ||
			!strings.Contains(out, "added 0, changed 1, removed 0, unchanged 2") || !strings.Contains(out, "dry run: acceptable, nothing stored") {
			t.Errorf("dry run output:\n%s", out)
		}
		if after := mustPantau(t, getenv, "catalog", "export"); after != before {
			t.Errorf("the dry run changed the catalogue:\n%s", firstDiff(before, after))
		}
		mustPantau(t, getenv, "catalog", "import", changed)
		st, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		revs, err := st.CatalogRevisions(context.Background(), "indicators", "rumah_layak_huni")
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 2 || revs[0].Action != "add" || revs[1].Action != "change" || !strings.Contains(revs[1].OldValue, "with adequate") ||
			!strings.Contains(revs[1].NewValue, "in adequate") || !strings.HasPrefix(revs[1].ChangedBy, "cli:") {
			t.Errorf("revisions = %+v", revs)
		}
		audit, err := st.AuditLog(context.Background(), store.AuditQuery{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 || audit[0].Action != "catalog.change" || audit[0].Object != "indicators:rumah_layak_huni" {
			t.Errorf("last audit entry = %+v", audit)
		}
	})
}

// TestInitNational prepares a national instance (all 91,599 regions) on
// each engine and reports the time and the size it leaves.
func TestInitNational(t *testing.T) {
	both(t, func(t *testing.T, url string) {
		getenv := env("PANTAU_DATABASE_URL", url, "LANG", "en")
		mustPantau(t, getenv, "migrate")
		start := time.Now()
		out := mustPantau(t, getenv, "init", "--region", "ID")
		took := time.Since(start)
		if !strings.Contains(out, "regions: 91600 added") {
			t.Fatalf("init --region ID: %s", out)
		}
		st, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		var size int64
		if err := st.DB().Get(&n, `SELECT count(*) FROM regions`); err != nil {
			t.Fatal(err)
		}
		if path, ok := store.IsSQLiteFile(url); ok {
			st.DB().Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			size = info.Size()
		} else if err := st.DB().Get(&size, `SELECT pg_database_size(current_database())`); err != nil {
			t.Fatal(err)
		}
		if n != 91600 {
			t.Errorf("%d regions stored, want 91,600 (the nation and 91,599)", n)
		}
		t.Logf("init --region ID on %s: %.1f s, %d regions, database %.1f MB", st.Dialect(), took.Seconds(), n, float64(size)/1e6)
		start = time.Now()
		if out := mustPantau(t, getenv, "init", "--region", "ID"); !strings.Contains(out, "nothing to do") {
			t.Errorf("second national init: %s", out)
		}
		t.Logf("second init --region ID on %s: %.1f s", st.Dialect(), time.Since(start).Seconds())
	})
}
