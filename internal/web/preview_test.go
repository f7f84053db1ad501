package web_test

import (
	"bytes"
	"html"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/store"
	"pantau/internal/web"
)

var metaTag = regexp.MustCompile(`<meta (?:property|name)="([^"]+)" content="([^"]*)">`)

// metas are a page's meta tags by name (og:…, twitter:…, description).
func metas(body string) map[string]string {
	out := map[string]string{}
	for _, m := range metaTag.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

// TestSocialPreviews: every public page and embed carries Open Graph and
// Twitter card tags with absolute URLs, and its og:image is a PNG of
// 1200×630 answered with an ETag (304 on revalidation) and a long cache
// life (it names its data version). Favicon, icons and the manifest are
// there, on both engines.
func TestSocialPreviews(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, _ *store.Store) {
		for _, page := range []string{"/", "/i/kemiskinan_ekstrem?region=16.07", "/i/ipm?region=16.07&lang=en", "/d/makro-banyuasin?region=16.07",
			"/d/kesenjangan-kecamatan?region=16.07&panel=kemiskinan-kecamatan", "/kelengkapan", "/api/docs",
			"/embed/i/kemiskinan_ekstrem?region=16.07", "/embed/d/kesenjangan-kecamatan/kemiskinan-peta?region=16.07"} {
			status, _, body := fetch(t, base+page)
			if status != http.StatusOK {
				t.Fatalf("%s: %d", page, status)
			}
			m := metas(body)
			for _, k := range []string{"description", "og:title", "og:description", "og:url", "og:image", "twitter:card", "twitter:image"} {
				if m[k] == "" {
					t.Errorf("%s: no %s", page, k)
				}
			}
			for _, k := range []string{"og:url", "og:image", "twitter:image"} {
				if !strings.HasPrefix(m[k], base+"/") {
					t.Errorf("%s: %s %q is not absolute", page, k, m[k])
				}
			}
			if m["twitter:card"] != "summary_large_image" || m["og:image:width"] != "1200" || m["og:image:height"] != "630" {
				t.Errorf("%s: card %q, image %s×%s", page, m["twitter:card"], m["og:image:width"], m["og:image:height"])
			}
			if strings.HasPrefix(page, "/embed/") && !strings.Contains(body, `<link rel="canonical" href="`+base+"/") {
				t.Errorf("%s: canonical link not absolute", page)
			}
			for _, link := range []string{`href="/favicon.ico"`, `href="/static/icon.svg"`, `href="/manifest.webmanifest"`} {
				if !strings.Contains(body, link) {
					t.Errorf("%s: no %s", page, link)
				}
			}
			if page == "/d/kesenjangan-kecamatan?region=16.07&panel=kemiskinan-kecamatan" && !strings.Contains(m["og:image"], "/kemiskinan-kecamatan?") {
				t.Errorf("%s: og:image %s is not the panel asked for", page, m["og:image"])
			}
			status, h, img := fetch(t, m["og:image"])
			if status != http.StatusOK || h.Get("Content-Type") != "image/png" {
				t.Fatalf("%s: og:image %s: %d %s", page, m["og:image"], status, h.Get("Content-Type"))
			}
			cfg, err := png.DecodeConfig(bytes.NewReader([]byte(img)))
			if err != nil || cfg.Width != 1200 || cfg.Height != 630 {
				t.Errorf("%s: og:image is %dx%d, %v", page, cfg.Width, cfg.Height, err)
			}
			if h.Get("ETag") == "" || !strings.Contains(h.Get("Cache-Control"), "immutable") {
				t.Errorf("%s: og:image cache headers %v", page, h)
			}
			if status, _, _ := fetch(t, m["og:image"], "If-None-Match", h.Get("ETag")); status != http.StatusNotModified {
				t.Errorf("%s: og:image revalidation: %d", page, status)
			}
		}
		for path, ctype := range map[string]string{"/favicon.ico": "image/x-icon", "/static/icon.svg": "image/svg+xml",
			"/static/icon-192.png": "image/png", "/static/icon-512.png": "image/png", "/manifest.webmanifest": "application/manifest+json"} {
			status, h, body := fetch(t, base+path)
			if status != http.StatusOK || h.Get("Content-Type") != ctype || len(body) < 100 {
				t.Errorf("%s: %d %s, %d bytes", path, status, h.Get("Content-Type"), len(body))
			}
		}
		if status, _, _ := fetch(t, base+"/embed/i/kemiskinan_ekstrem?format=png&title=2"); status != http.StatusBadRequest {
			t.Errorf("title=2: %d, want 400", status)
		}
	})
}

// TestPublicURL: with PANTAU_PUBLIC_URL set, previews, embed codes and
// oEmbed name the public address, whatever host the request came in by.
func TestPublicURL(t *testing.T) {
	st := openDemo(t, "sqlite")
	const public = "https://pantau.example.go.id"
	base, _ := serveStore(t, st, web.Options{PublicURL: public})
	_, _, body := fetch(t, base+"/i/kemiskinan_ekstrem?region=16.07")
	m := metas(body)
	if !strings.HasPrefix(m["og:image"], public+"/embed/i/kemiskinan_ekstrem?") || !strings.HasPrefix(m["og:url"], public+"/i/") {
		t.Errorf("og tags %v", m)
	}
	if !strings.Contains(body, html.EscapeString(`<iframe src="`+public+`/embed/i/`)) {
		t.Error("embed code does not name the public address")
	}
	var oe struct {
		HTML         string `json:"html"`
		ThumbnailURL string `json:"thumbnail_url"`
	}
	if status := get(t, base+"/oembed?url="+public+"/i/kemiskinan_ekstrem", &oe); status != http.StatusOK || !strings.Contains(oe.HTML, public+"/embed/") ||
		!strings.HasPrefix(oe.ThumbnailURL, public+"/embed/") {
		t.Errorf("oEmbed of the public address: %d %+v", status, oe)
	}
}
