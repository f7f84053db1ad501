package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
)

const embedPath = "/embed/i/kemiskinan_ekstrem?region=16.07&lang=id"

// revise uploads a new value for extreme poverty 2024 (and a note a
// spreadsheet would run as a formula) through the normal import path.
func revise(t *testing.T, st *store.Store, value string) domain.Upload {
	t.Helper()
	csv := "kode_wilayah;kode_indikator;tahun;nilai;catatan\n16.07;kemiskinan_ekstrem;2024;" + value + ";\"=HYPERLINK(\"\"http://x\"\")\"\n"
	return importCSV(t, st, "revisi.csv", "bps", csv)
}

var nonceAttr = regexp.MustCompile(` nonce="[^"]*"`)

// checkEmbedHeaders asserts what every embed answer carries.
func checkEmbedHeaders(t *testing.T, what string, h http.Header, pinned bool) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors *") || !regexp.MustCompile(`script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'`).MatchString(csp) {
		t.Errorf("%s: CSP %q", what, csp)
	}
	if h.Get("X-Frame-Options") != "" {
		t.Errorf("%s: X-Frame-Options %q on an embed", what, h.Get("X-Frame-Options"))
	}
	if len(h.Values("Set-Cookie")) > 0 {
		t.Errorf("%s: sets a cookie: %v", what, h.Values("Set-Cookie"))
	}
	want := "public, max-age=300, stale-while-revalidate=86400"
	if pinned {
		want = "public, max-age=31536000, immutable"
	}
	if got := h.Get("Cache-Control"); got != want {
		t.Errorf("%s: Cache-Control %q, want %q", what, got, want)
	}
	if h.Get("ETag") == "" || h.Get("Last-Modified") == "" {
		t.Errorf("%s: ETag %q Last-Modified %q", what, h.Get("ETag"), h.Get("Last-Modified"))
	}
}

func TestEmbedHTTP(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		ctx := context.Background()
		v1, err := st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A stale session cookie would make the auth middleware clear it:
		// the embed must still set no cookie.
		status, h, body := fetch(t, base+embedPath, "Cookie", "pantau_session=stale")
		if status != 200 {
			t.Fatalf("embed status %d: %s", status, body)
		}
		checkEmbedHeaders(t, "live", h, false)
		for _, w := range []string{"<h1>Kemiskinan ekstrem — Kabupaten Banyuasin", "turun dari 0,56% (2023) menjadi 0,49% (2024)",
			"Sumber: Forum Konsultasi Publik", "diperbarui ", `href="/i/kemiskinan_ekstrem?lang=id&amp;region=16.07"`,
			"data contoh", `<table>`, `name="viewport"`, `data-export="png"`, `data-export="svg"`, "format=csv", "format=json"} {
			if !strings.Contains(body, w) {
				t.Errorf("embed lacks %q", w)
			}
		}
		checkScriptsLocal(t, "embed", body)
		etag1, lm1 := h.Get("ETag"), h.Get("Last-Modified")
		if at, _ := st.VersionTime(ctx, v1); lm1 != at.UTC().Format(http.TimeFormat) {
			t.Errorf("Last-Modified %q, want version %d's upload time %v", lm1, v1, at)
		}

		// Conditional requests.
		if status, h, body := fetch(t, base+embedPath, "If-None-Match", etag1); status != 304 || body != "" {
			t.Errorf("If-None-Match: %d %q", status, body)
		} else {
			checkEmbedHeaders(t, "304", h, false)
		}
		if status, _, _ := fetch(t, base+embedPath, "If-Modified-Since", lm1); status != 304 {
			t.Errorf("If-Modified-Since: %d", status)
		}
		if status, _, _ := fetch(t, base+embedPath, "If-None-Match", `"other"`); status != 200 {
			t.Errorf("stale If-None-Match: %d", status)
		}
		// Other parameters, other ETag.
		if _, h, _ := fetch(t, base+embedPath+"&theme=dark"); h.Get("ETag") == etag1 {
			t.Error("theme=dark has the same ETag")
		}

		// Pinned at the current version.
		pinned := embedPath + "&v=" + strconv.FormatInt(v1, 10)
		status, hp, pinnedBody := fetch(t, base+pinned)
		if status != 200 {
			t.Fatalf("pinned status %d", status)
		}
		checkEmbedHeaders(t, "pinned", hp, true)
		_, _, pinnedCSV := fetch(t, base+pinned+"&format=csv")

		// Page headers: only embeds may be framed.
		for _, path := range []string{"/i/kemiskinan_ekstrem?region=16.07", "/d/makro-banyuasin", "/", "/api/v1/indicators", "/oembed?url=x"} {
			_, h, _ := fetch(t, base+path)
			if h.Get("X-Frame-Options") != "DENY" || strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors *") {
				t.Errorf("%s: X-Frame-Options %q CSP %q", path, h.Get("X-Frame-Options"), h.Get("Content-Security-Policy"))
			}
		}

		// A new upload: the live embed changes, the pinned one does not.
		up := revise(t, st, "0,47")
		if up.ID <= v1 {
			t.Fatalf("upload %d did not advance version %d", up.ID, v1)
		}
		var live string
		deadline := time.Now().Add(5 * time.Second) // the server trusts its version for a second
		for {
			var h http.Header
			_, h, live = fetch(t, base+embedPath+"&since="+strconv.FormatInt(v1, 10))
			if strings.Contains(live, "0,47%") || time.Now().After(deadline) {
				if h.Get("ETag") == etag1 {
					t.Error("live ETag unchanged after an upload")
				}
				if lm := h.Get("Last-Modified"); lm == lm1 && !up.CreatedAt.Truncate(time.Second).Equal(mustTime(t, lm1)) {
					t.Errorf("live Last-Modified unchanged: %s", lm)
				}
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.Contains(live, "0,47%") {
			t.Fatal("live embed does not show the new value")
		}
		if !strings.Contains(live, "data direvisi pada") {
			t.Error("live embed with since= does not say the data was revised")
		}
		if _, _, plain := fetch(t, base+embedPath); strings.Contains(plain, "data direvisi pada") {
			t.Error("live embed without since= says the data was revised")
		}
		status, hp2, pinnedAfter := fetch(t, base+pinned)
		if status != 200 || hp2.Get("ETag") != hp.Get("ETag") || hp2.Get("Last-Modified") != hp.Get("Last-Modified") {
			t.Errorf("pinned changed headers: %d %q→%q", status, hp.Get("ETag"), hp2.Get("ETag"))
		}
		if pinnedAfter != pinnedBody || strings.Contains(pinnedAfter, "0,47") {
			t.Error("pinned embed changed after an upload")
		}
		// Not from the cache: a fresh server reads version v1 through history.
		fresh, _ := serveStore(t, st)
		_, _, rebuilt := fetch(t, fresh+pinned)
		// Absolute links (and the share links' escaped ones) name the server asked.
		rebuilt = strings.NewReplacer(fresh, base, url.QueryEscape(fresh), url.QueryEscape(base)).Replace(rebuilt)
		if nonceAttr.ReplaceAllString(rebuilt, "") != nonceAttr.ReplaceAllString(pinnedBody, "") {
			t.Error("pinned embed rebuilt from history differs from the one served at that version")
		}
		if _, _, csv := fetch(t, fresh+pinned+"&format=csv"); csv != pinnedCSV {
			t.Errorf("pinned CSV rebuilt from history differs:\n%s\nwas\n%s", csv, pinnedCSV)
		}
		if status, _, _ := fetch(t, base+embedPath+"&v="+strconv.FormatInt(up.ID+1, 10)); status != 404 {
			t.Errorf("a future version: %d, want 404", status)
		}
		for _, bad := range []string{"&v=abc", "&v=0", "&since=-1", "&theme=pink", "&format=xlsx"} {
			if status, _, _ := fetch(t, base+embedPath+bad); status != 400 {
				t.Errorf("%s: %d, want 400", bad, status)
			}
		}

		// Downloads: exactly the data shown, formula cells neutralised,
		// numbers as numbers.
		status, h, csv := fetch(t, base+embedPath+"&format=csv")
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: %d %v", status, h)
		}
		if !strings.Contains(csv, ";2024;Total;observasi;;0,47;;persen;final;\"'=HYPERLINK(\"\"http://x\"\")\"") {
			t.Errorf("csv row of 2024 wrong:\n%s", csv)
		}
		if !strings.HasPrefix(csv, "kode_wilayah;wilayah;kode_indikator;indikator;tahun;") || !strings.Contains(csv, ";2023;Total;observasi;;0,56;") {
			t.Errorf("csv:\n%s", csv)
		}
		var doc struct {
			Indicator struct{ Code, Unit, Source string }
			Source    string
			Rows      []struct {
				Year  int
				Kind  string
				Value float64
				Note  string
			}
			DataVersion int64 `json:"data_version"`
		}
		if code := get(t, base+embedPath+"&format=json", &doc); code != 200 || doc.Indicator.Code != "kemiskinan_ekstrem" || doc.Indicator.Unit == "" ||
			doc.Source == "" || doc.DataVersion != up.ID {
			t.Errorf("json %d: %+v", code, doc)
		}
		seen := map[int]float64{}
		for _, r := range doc.Rows {
			if r.Kind == "observation" {
				seen[r.Year] = r.Value
			}
		}
		if seen[2023] != 0.56 || seen[2024] != 0.47 {
			t.Errorf("json observations %v", seen)
		}

		// Dashboard panels: charts embed, tiles do not.
		for path, want := range map[string]int{
			"/embed/d/makro-banyuasin/kemiskinan":                             200,
			"/embed/d/makro-banyuasin/kemiskinan?lang=en&region=16":           200,
			"/embed/d/kesenjangan-kecamatan/kemiskinan-kecamatan":             200,
			"/embed/d/kesenjangan-kecamatan/kemiskinan-kesenjangan?year=2024": 200,
			"/embed/d/makro-banyuasin/kpi":                                    404,
			"/embed/d/makro-banyuasin/nope":                                   404,
			"/embed/d/nope/kemiskinan":                                        404,
			"/embed/d/makro-banyuasin/kemiskinan?region=99":                   404,
			"/embed/i/nope":                    404,
			"/embed/i/kemiskinan?region=99.99": 404,
		} {
			status, h, body := fetch(t, base+path)
			if status != want {
				t.Errorf("%s: %d, want %d", path, status, want)
			}
			if h.Get("X-Frame-Options") != "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors *") {
				t.Errorf("%s: not framable (errors too are shown in the frame)", path)
			}
			if want == 200 && !strings.Contains(body, `class="chart-canvas"`) {
				t.Errorf("%s: no chart", path)
			}
		}
		_, _, dcsv := fetch(t, base+"/embed/d/kesenjangan-kecamatan/kemiskinan-kecamatan?format=csv&lang=en")
		if !strings.HasPrefix(dcsv, "region_code;") && !strings.HasPrefix(dcsv, "region_code,") || strings.Count(dcsv, "\n") < 10 {
			t.Errorf("district csv:\n%s", dcsv)
		}

		// The resizer script: a fixed URL, so not cached as immutable.
		status, h, js := fetch(t, base+"/static/embed.js")
		if status != 200 || !strings.Contains(js, "postMessage") && !strings.Contains(js, "message") || strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("embed.js: %d %q", status, h.Get("Cache-Control"))
		}

		// Chart pages offer the embed code and announce oEmbed.
		for _, path := range []string{"/i/kemiskinan_ekstrem?region=16.07", "/d/makro-banyuasin"} {
			_, _, page := fetch(t, base+path)
			for _, w := range []string{`type="application/json+oembed"`, `class="embed-dialog`, `readonly`, `loading=&#34;lazy&#34;`,
				`title=&#34;`, `/static/embed.js`, `data-copy=`, `since=`} {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		if _, _, page := fetch(t, base+"/d/makro-banyuasin"); strings.Count(page, `class="embed-dialog`) != 5 {
			t.Errorf("makro-banyuasin has %d embed dialogs, want one per chart panel (5)", strings.Count(page, `class="embed-dialog`))
		}

		_, _, metrics := fetch(t, base+"/metrics")
		for _, w := range []string{`pantau_cache_requests_total{cache="embed",result="hit"}`, `pantau_cache_requests_total{cache="embed",result="miss"}`} {
			if !strings.Contains(metrics, w) {
				t.Errorf("metrics lack %s", w)
			}
		}
	})
}

var absoluteURL = regexp.MustCompile(`https?://[^"'\s<>]+`)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := http.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// checkScriptsLocal asserts an embed runs no inline script and loads
// scripts only from this server.
func checkScriptsLocal(t *testing.T, what, body string) {
	t.Helper()
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if strings.Contains(tag, `type="application/json"`) {
			continue
		}
		if !strings.Contains(tag, `src="/static/`) {
			t.Errorf("%s: script not from /static/: %s", what, tag)
		}
	}
	// Absolute addresses are this server's (previews, canonical, share
	// link) or the share links' own: nothing else is named, let alone loaded.
	for _, u := range absoluteURL.FindAllString(body, -1) {
		if !strings.HasPrefix(u, "http://127.0.0.1:") && !strings.HasPrefix(u, "https://wa.me/?text=") &&
			!strings.HasPrefix(u, "https://x.com/intent/post?url=") && !strings.HasPrefix(u, "https://www.facebook.com/sharer/sharer.php?u=") {
			t.Errorf("%s: refers to another site: %s", what, u)
		}
	}
}

// TestOEmbed checks the answers against oEmbed 1.0's required fields for
// the rich type, maxwidth/maxheight, and that unknown addresses and other
// hosts give 404 without any request leaving the server.
func TestOEmbed(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`<html><head><link rel="alternate" type="application/json+oembed" href="/x"></head></html>`))
	}))
	defer other.Close()
	demoServers(t, func(t *testing.T, base string) {
		oe := func(target string, extra string) (int, map[string]any) {
			status, _, body := fetch(t, base+"/oembed?url="+url.QueryEscape(target)+extra)
			var m map[string]any
			json.Unmarshal([]byte(body), &m)
			return status, m
		}
		for _, tt := range []struct {
			target, extra string
			w, h          float64
			src           string
		}{
			{base + "/i/kemiskinan_ekstrem?region=16.07", "", 640, 680, "/embed/i/kemiskinan_ekstrem?"},
			{base + "/i/kemiskinan_ekstrem?region=16.07&lang=en", "&format=json&maxwidth=400&maxheight=300", 400, 300, "lang=en"},
			{base + "/d/makro-banyuasin#panel-stunting", "&format=json", 640, 680, "/embed/d/makro-banyuasin/stunting?"},
			{base + "/d/makro-banyuasin?panel=kemiskinan", "", 640, 680, "/embed/d/makro-banyuasin/kemiskinan?"},
			{base + "/embed/d/kesenjangan-kecamatan/kemiskinan-kecamatan?region=16.07", "&maxwidth=2000", 640, 760, "kemiskinan-kecamatan"},
			{base + "/i/kemiskinan_ekstrem?region=16.07&tab=map&year=2024", "", 640, 760, "tab=map"},
			{base + "/embed/i/kemiskinan?region=16.07&v=1&title=0&plain=1", "", 640, 680, "plain=1&amp;region=16.07&amp;title=0&amp;v=1"},
		} {
			status, m := oe(tt.target, tt.extra)
			if status != 200 {
				t.Errorf("%s: %d", tt.target, status)
				continue
			}
			// oEmbed 1.0 §2.3.4: version, type; rich: html, width, height.
			for _, f := range []string{"version", "type", "html", "width", "height", "title", "provider_name", "provider_url", "cache_age", "thumbnail_url"} {
				if _, ok := m[f]; !ok {
					t.Errorf("%s: no %s in %v", tt.target, f, m)
				}
			}
			if m["version"] != "1.0" || m["type"] != "rich" || m["width"] != tt.w || m["height"] != tt.h {
				t.Errorf("%s: %v", tt.target, m)
			}
			// The social preview as thumbnail, drawn at a data version.
			if th, _ := m["thumbnail_url"].(string); !strings.HasPrefix(th, base+"/embed/") || !strings.Contains(th, "format=png") || !strings.Contains(th, "v=") ||
				m["thumbnail_width"] != 1200.0 || m["thumbnail_height"] != 630.0 {
				t.Errorf("%s: thumbnail %v %v×%v", tt.target, m["thumbnail_url"], m["thumbnail_width"], m["thumbnail_height"])
			}
			html, _ := m["html"].(string)
			if !strings.HasPrefix(html, `<iframe src="`+base) || !strings.Contains(html, tt.src) || !strings.Contains(html, `loading="lazy"`) ||
				!strings.Contains(html, `title="`) || !strings.Contains(html, `height="`+strconv.Itoa(int(tt.h))+`"`) {
				t.Errorf("%s: html %s", tt.target, html)
			}
		}
		for _, tt := range []struct {
			target, extra string
			want          int
		}{
			{base + "/i/nope", "", 404},
			{base + "/i/kemiskinan?region=99.99", "", 404},
			{base + "/d/nope", "", 404},
			{base + "/d/makro-banyuasin#panel-kpi", "", 404},
			{base + "/d/makro-banyuasin", "", 404}, // no panel named: no silent first one
			{base + "/d/makro-banyuasin?panel=nope", "", 404},
			{base + "/unggah", "", 404},
			{base + "/i/kemiskinan?v=999999", "", 404},
			{other.URL + "/i/kemiskinan?region=16.07", "", 404},
			{"http://example.org/i/kemiskinan", "", 404},
			{"file:///etc/passwd", "", 404},
			{strings.Replace(base, "127.0.0.1", "localhost", 1) + "/i/kemiskinan", "", 404},
			{base + "/i/kemiskinan", "&format=xml", 501},
			{base + "/i/kemiskinan", "&maxwidth=-3", 400},
		} {
			if status, m := oe(tt.target, tt.extra); status != tt.want {
				t.Errorf("%s%s: %d %v, want %d", tt.target, tt.extra, status, m, tt.want)
			}
		}
	})
	if n := hits.Load(); n != 0 {
		t.Errorf("oEmbed made %d requests to another host", n)
	}
}
