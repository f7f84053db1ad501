package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/store"
)

var scriptTag = regexp.MustCompile(`<script[^>]*>`)

// checkCSP asserts the page sends a nonce policy and that every script is
// either from /static/ or carries that nonce; JSON data blocks are not
// run, so they need none.
func checkCSP(t *testing.T, url string, h map[string][]string, body string) {
	t.Helper()
	csp := strings.Join(h["Content-Security-Policy"], "")
	m := regexp.MustCompile(`script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'`).FindStringSubmatch(csp)
	if m == nil {
		t.Fatalf("%s: CSP %q has no script nonce", url, csp)
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, `nonce="`+m[1]+`"`) && !strings.Contains(tag, `src="/static/`) && !strings.HasPrefix(tag, `<script type="application/json"`) {
			t.Errorf("%s: script without the nonce: %s", url, tag)
		}
	}
	if strings.Contains(body, "cdn") || strings.Contains(body, "jsdelivr") || strings.Contains(body, "unpkg") {
		t.Errorf("%s: page refers to a CDN", url)
	}
}

func TestPages(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, _ *store.Store) {
		for _, tt := range []struct {
			path string
			want []string
		}{
			{"/", []string{"Indikator Makro Kabupaten Banyuasin", "Kesenjangan antar kecamatan", `/i/kemiskinan?region=16.07`}},
			{"/?lang=en", []string{"Banyuasin Regency macro indicators", "Poverty rate (P0)"}},
			{"/d/makro-banyuasin", []string{"Indikator Makro Kabupaten Banyuasin", "0,49%", "data contoh", "kemajuan", "<details", `data-chart="chart-makro-banyuasin-kemiskinan-option"`}},
			{"/d/makro-banyuasin?lang=en&region=16", []string{"Provinsi Sumatera Selatan", "10.97%"}},
			{"/d/makro-banyuasin?year=2023", []string{"9,58%"}},
			{"/d/kesenjangan-kecamatan", []string{"Rantau Bayur", "koefisien variasi", "Williamson", "data contoh"}},
			// The change still needed, in words; the method by its name.
			{"/i/kemiskinan_ekstrem?region=16.07", []string{"Kemiskinan ekstrem", "turun dari 0,56% (2023) menjadi 0,49% (2024)", "Definisi", "Forum Konsultasi Publik", "format=csv", "/api/v1/series?indicator=kemiskinan_ekstrem",
				"Dari nilai terbaru, 0,49% (2024), nilainya perlu turun 0,098 poin per tahun untuk mencapai target 0% pada 2029.", "<dd>Jalur lurus menuju target nol (pengganti metode Open SDG)</dd>"}},
			{"/i/kemiskinan_ekstrem?region=16.07&lang=en", []string{"Extreme poverty", "fell from 0.56% (2023) to 0.49% (2024)", "Revision history",
				"From the latest value, 0.49% (2024), it needs to fall by 0.098 points a year to reach the target of 0% by 2029.", "<dd>Trend projection against the target (ESCAP method)</dd>"}},
			{"/i/stunting?region=16.07", []string{"Putus seri", "SKI 2023"}},
			{"/i/tpt?region=16.07&lang=en", []string{"Women", "Men", "By group"}},
		} {
			status, h, body := fetch(t, base+tt.path)
			if status != 200 {
				t.Errorf("%s: status %d", tt.path, status)
				continue
			}
			checkCSP(t, tt.path, h, body)
			// A reader's sentence names no software and no ratio, and no
			// number is signed with a hyphen.
			for _, bad := range []string{"</span> sdg-build", ". sdg-build", "(ratio ", "(rasio ", ": -0"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: has %q", tt.path, bad)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: lacks %q", tt.path, w)
				}
			}
			if chart.Available() != strings.Contains(body, chart.EChartsURL) && tt.path != "/" && tt.path != "/?lang=en" {
				t.Errorf("%s: ECharts script present=%v, embedded=%v", tt.path, !chart.Available(), chart.Available())
			}
		}
		for path, want := range map[string]int{
			"/d/nope":                            404,
			"/d/makro-banyuasin?region=99":       404,
			"/i/nope?region=16.07":               404,
			"/i/kemiskinan?region=99.99":         404,
			"/static/nope.js":                    404,
			"/static/" + bootstrapName(t):        200,
			"/static/LICENSE-echarts":            licenceStatus(),
			"/d/kesenjangan-kecamatan?year=1900": 200,
		} {
			if status, _, _ := fetch(t, base+path); status != want {
				t.Errorf("%s: status %d, want %d", path, status, want)
			}
		}
		if chart.Available() {
			_, h, body := fetch(t, base+chart.EChartsURL)
			if got := strings.Join(h["Cache-Control"], ""); got != "public, max-age=31536000, immutable" {
				t.Errorf("ECharts Cache-Control %q", got)
			}
			if !strings.Contains(body, "echarts") || !strings.Contains(chart.EChartsURL, chart.EChartsVersion) {
				t.Errorf("ECharts served wrongly from %s", chart.EChartsURL)
			}
		}
	})
}

func bootstrapName(t *testing.T) string { return strings.TrimPrefix(chart.BootstrapURL, "/static/") }

func licenceStatus() int {
	if chart.LicenseURL == "" {
		return 404
	}
	return 200
}

// Payloads that would run if any page or chart treated data as markup or
// code. Each one marks the document if it runs, so the browser test can
// tell; none contains ';', the CSV delimiter.
var payloads = []string{
	`</script><script>document.documentElement.setAttribute('data-pwned','script')</script>`,
	`__f__function(){document.documentElement.setAttribute('data-pwned','f')}__f__`,
	`"><img src=x onerror="document.documentElement.setAttribute('data-pwned','img')">`,
}

// loadHostile stores an indicator, a district and values whose names,
// unit and notes are the payloads, through the normal upload path.
func loadHostile(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	ind := domain.Indicator{Code: "xss", NameID: payloads[0], NameEN: payloads[1], Unit: payloads[2],
		Polarity: domain.LowerIsBetter, Decimals: 2, Source: payloads[2], Definition: payloads[1]}
	if err := st.PutIndicator(ctx, ind); err != nil {
		t.Fatal(err)
	}
	reg, err := domain.NewRegion("16.07.22", "", payloads[2]+payloads[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutRegions(ctx, reg); err != nil {
		t.Fatal(err)
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	csv := "kode_wilayah;kode_indikator;tahun;nilai;catatan\n" +
		"16.07;xss;2023;1,50;" + q(payloads[0]) + "\n" +
		"16.07;xss;2024;1,20;" + q(payloads[2]) + "\n" +
		"16.07.22;xss;2024;2,20;" + q(payloads[1]) + "\n" +
		"16.07.22;kemiskinan;2025;9,10;" + q(payloads[2]) + "\n"
	importCSV(t, st, "xss.csv", payloads[0], csv)
	// A changed value, so the revision history shows the uploader's name.
	importCSV(t, st, "xss2.csv", payloads[2], "kode_wilayah;kode_indikator;tahun;nilai\n16.07;xss;2024;1,10\n")
}

var hostilePages = []string{"/i/xss?region=16.07", "/i/xss?region=16.07&lang=en", "/i/xss?region=16.07.22", "/d/kesenjangan-kecamatan", "/", "/i/kemiskinan?region=16.07.22"}

func TestHostileNamesAreText(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		loadHostile(t, st)
		for _, path := range hostilePages {
			status, h, body := fetch(t, base+path)
			if status != 200 {
				t.Fatalf("%s: status %d", path, status)
			}
			checkCSP(t, path, h, body)
			for _, bad := range []string{"<script>document", "<img src=x"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s: payload %q reached the page unescaped", path, bad)
				}
			}
		}
	})
}

// browser returns the Chromium to test with, or skips (fails when
// PANTAU_REQUIRE_BROWSER=1, as in CI).
func browser(t *testing.T) string {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		if p, err := exec.LookPath("chromium"); err == nil {
			path = p
		} else {
			if os.Getenv("PANTAU_REQUIRE_BROWSER") == "1" {
				t.Fatal("chromium is not installed and PANTAU_REQUIRE_BROWSER=1")
			}
			t.Skip("chromium is not installed (apt-get install chromium); set PANTAU_REQUIRE_BROWSER=1 to make this a failure")
		}
	}
	if !chart.Available() {
		if os.Getenv("PANTAU_REQUIRE_BROWSER") == "1" {
			t.Fatal("ECharts is not embedded: run make assets")
		}
		t.Skip("ECharts is not embedded (run make assets)")
	}
	return path
}

// chromiumRun runs headless Chromium on url with args and returns stdout
// and what the browser logged. Every host but the test server's resolves
// nowhere, so a request that would leave the machine fails instead.
func chromiumRun(t *testing.T, bin, url string, args ...string) (string, string) {
	t.Helper()
	// A browser that crashes (seen here once: SIGSEGV on a loaded 2-core
	// machine) says nothing about the page; it is started again, twice at
	// most. A page that fails to load or render still fails below.
	var err error
	timedOut := false
	for attempt := 1; attempt <= 3; attempt++ {
		var out, logs []byte
		out, logs, err = runChromium(t, bin, url, args...)
		if err == nil {
			return string(out), string(logs)
		}
		// A crash is retried, and so is one timeout (SIGKILL from the
		// context): on a loaded 2-core machine a headless browser under a
		// virtual-time budget has been seen to hang once for the full 90 s
		// on a page that renders in a second the next time. A second
		// timeout, or an error exit, is a real failure.
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			break
		}
		ws, ok := exit.ProcessState.Sys().(syscall.WaitStatus)
		if !ok || !ws.Signaled() {
			break
		}
		if ws.Signal() == syscall.SIGKILL {
			if timedOut {
				break
			}
			timedOut = true
		}
		t.Logf("chromium %s stopped (%v), attempt %d", url, err, attempt)
	}
	t.Fatalf("chromium %s: %v", url, err)
	return "", ""
}

var (
	consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE\(\d+\)\].*$`)
	netlogURL   = regexp.MustCompile(`^(https?|wss?)://[^/]+`)
)

// chromiumPage loads a page of the test server at base and dumps its DOM,
// failing the test on any console message (errors, CSP refusals, warnings)
// and on any request the page made to another origin. Chromium's own
// background requests (initiator "not an origin") are not the page's.
//
// The DOM is the page as Chromium found it when its virtual-time budget
// ran out, which is no sign that the page's scripts have finished: virtual
// time stands still only while the network is busy, and runs on, past any
// budget, while the page waits on anything else (reading a Blob, a worker;
// seen here when the map export's PNG was read back on a loaded machine).
// What the server wrote may be read from it; what the scripts do (charts
// drawn, exports, tooltips) is checked in a cdpBrowser, which waits for it.
func chromiumPage(t *testing.T, bin, base, path string, args ...string) string {
	t.Helper()
	netlog := filepath.Join(t.TempDir(), "net.json")
	dom, logs := chromiumRun(t, bin, base+path, append(args, "--enable-logging=stderr", "--v=0", "--log-net-log="+netlog)...)
	for _, line := range consoleLine.FindAllString(logs, -1) {
		t.Errorf("%s: console: %s", path, line)
	}
	raw, err := os.ReadFile(netlog)
	if err != nil {
		t.Fatalf("%s: net log: %v", path, err)
	}
	var nl struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(raw, &nl); err != nil {
		// Chromium may leave the log's closing brackets unwritten on exit.
		text := strings.TrimSuffix(strings.TrimSpace(string(raw)), ",") + "]}"
		if err := json.Unmarshal([]byte(text), &nl); err != nil {
			t.Fatalf("%s: net log: %v", path, err)
		}
	}
	start, ok := nl.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatalf("%s: net log has no URL_REQUEST_START_JOB events", path)
	}
	requests := 0
	for _, e := range nl.Events {
		if e.Type != start || e.Params.Initiator != base {
			continue
		}
		requests++
		if origin := netlogURL.FindString(e.Params.URL); origin != base && !strings.HasPrefix(e.Params.URL, "data:") && !strings.HasPrefix(e.Params.URL, "blob:") {
			t.Errorf("%s: the page requested %s, off this machine's server", path, e.Params.URL)
		}
	}
	if requests == 0 && (strings.HasPrefix(path, "/d/") || strings.HasPrefix(path, "/i/")) {
		t.Errorf("%s: the net log shows no request from the page (ECharts and scripts should load)", path)
	}
	return dom
}

func runChromium(t *testing.T, bin, url string, args ...string) ([]byte, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=5000"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, url)...)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	out, err := cmd.Output()
	return out, logs.Bytes(), err
}

var (
	chartDivs  = regexp.MustCompile(`<div class="chart-canvas"[^>]*>`)
	drawnChart = regexp.MustCompile(`<div class="chart-canvas"[^>]*data-chart-ready="true"[^>]*>\s*<div[^>]*>\s*<svg[^>]*width="(\d+)"`)
)

// TestBrowser loads the pages in headless Chromium over the demo, checks
// that ECharts drew every chart (an SVG of non-zero width in each
// container) with no error shown and that the hostile names ran nothing, and
// takes screenshots at desktop and phone widths into PANTAU_SCREENSHOTS
// (default: a temporary folder) for people to look at.
func TestBrowser(t *testing.T) {
	bin := browser(t)
	shots := os.Getenv("PANTAU_SCREENSHOTS")
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		loadHostile(t, st)
		dir := shots
		if dir == "" {
			dir = t.TempDir()
		} else {
			dir = filepath.Join(dir, filepath.Base(t.Name()))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		pages := append([]string{"/d/makro-banyuasin?lang=id", "/d/makro-banyuasin?lang=en", "/d/kesenjangan-kecamatan?lang=id",
			"/i/kemiskinan_ekstrem?region=16.07&lang=id", "/i/kemiskinan_ekstrem?region=16.07&lang=en", "/i/stunting?region=16.07&lang=id&theme=dark"}, hostilePages...)
		// Charts are drawn as they come near the viewport: the console and
		// the requests are checked on the page as loaded, the drawing on
		// the page scrolled through, chart by chart.
		b := newCDPBrowser(t, bin)
		b.viewport("1280,900")
		for _, path := range pages {
			chromiumPage(t, bin, base, path, "--window-size=1280,900", "--dump-dom")
			b.open(base + path)
			dom := b.drawnDOM(path)
			want := len(chartDivs.FindAllString(dom, -1))
			drawn := drawnChart.FindAllStringSubmatch(dom, -1)
			if strings.HasPrefix(path, "/d/") || strings.HasPrefix(path, "/i/") {
				if want == 0 {
					t.Errorf("%s: no chart on the page", path)
				}
			}
			if len(drawn) != want {
				t.Errorf("%s: ECharts drew %d of %d charts", path, len(drawn), want)
			}
			for _, d := range drawn {
				if d[1] == "0" {
					t.Errorf("%s: a chart has zero width", path)
				}
			}
			if strings.Contains(dom, "chart-error") {
				t.Errorf("%s: a chart failed to load", path)
			}
			if strings.Contains(dom, `data-pwned="`) {
				t.Errorf("%s: a payload ran", path)
			}
		}
		// At phone size the dashboard's charts lie screens below its tiles:
		// those are not drawn, and ECharts is not loaded, until the reader
		// comes near one. Printing first prints them as their data tables
		// and draws them once ECharts has loaded; afterwards the tables fold.
		b.viewport("390,844")
		b.open(base + "/d/makro-banyuasin")
		b.eval(`new Promise(r => setTimeout(r, 500))`)
		var lazy struct {
			Far, FarDrawn, All int
			ECharts            string
		}
		json.Unmarshal(b.eval(`(() => {
			const all = [...document.querySelectorAll(".chart-canvas")], far = all.filter(e => e.getBoundingClientRect().top > 2.2 * innerHeight);
			return {Far: far.length, FarDrawn: far.filter(e => e.hasAttribute("data-chart-ready")).length, All: all.length, ECharts: typeof echarts};
		})()`), &lazy)
		if lazy.Far == 0 || lazy.FarDrawn != 0 {
			t.Errorf("/d/makro-banyuasin at 390 px: %d of the %d charts more than two screens down are drawn at load, want none (and some there)", lazy.FarDrawn, lazy.Far)
		}
		if lazy.Far == lazy.All && lazy.ECharts != "undefined" {
			t.Errorf("/d/makro-banyuasin at 390 px: no chart is near, yet ECharts is loaded (%s)", lazy.ECharts)
		}
		b.eval(`dispatchEvent(new Event("beforeprint")); true`)
		if n := b.text(`String([...document.querySelectorAll(".chart-canvas:not([data-chart-ready])")].filter(e => !e.parentNode.querySelector("details.chart-data").open).length)`); n != "0" {
			t.Errorf("printing before ECharts has loaded leaves %s undrawn charts without their table", n)
		}
		b.waitFor("the dashboard's charts drawn for print", chartsDrawn)
		b.eval(`dispatchEvent(new Event("afterprint")); true`)
		if n := b.text(`String(document.querySelectorAll("details.chart-data[open]").length)`); n != "0" {
			t.Errorf("after printing %s data tables stay open", n)
		}

		screenshots(b, base, dir, map[string]shot{
			"makro-desktop.png":         {"/d/makro-banyuasin?lang=id", "1280,900"},
			"makro-phone.png":           {"/d/makro-banyuasin?lang=id", "390,844"},
			"kesenjangan-desktop.png":   {"/d/kesenjangan-kecamatan?lang=id", "1280,900"},
			"ekstrem-id-desktop.png":    {"/i/kemiskinan_ekstrem?region=16.07&lang=id", "1280,900"},
			"ekstrem-en-desktop.png":    {"/i/kemiskinan_ekstrem?region=16.07&lang=en", "1280,900"},
			"ekstrem-id-phone.png":      {"/i/kemiskinan_ekstrem?region=16.07&lang=id", "390,844"},
			"ekstrem-en-phone-dark.png": {"/i/kemiskinan_ekstrem?region=16.07&lang=en&theme=dark", "390,844"},
			"xss-indicator-desktop.png": {"/i/xss?region=16.07.22", "1280,900"},
		})
		t.Logf("screenshots in %s", dir)
	})
}

// shot is a screenshot to take: a page and the viewport's size.
type shot struct{ path, size string }

// screenshots takes each shot of a page under base into dir, named by its
// key, in b.
func screenshots(b *cdpBrowser, base, dir string, shots map[string]shot) {
	b.t.Helper()
	for name, s := range shots {
		b.shotOf(base+s.path, s.size, filepath.Join(dir, name))
	}
}
