package web

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/httpx"
	"pantau/internal/ogimage"
)

// Pantau's icons and web manifest: /favicon.ico (browsers ask for it on
// every site, a 404 is a console error on every page), the SVG icon the
// pages link, PNGs for phones' home screens and the manifest naming them.
// They are drawn once, on first use, by ogimage.

// icon is one drawn file.
type icon struct {
	body  []byte
	ctype string
	etag  string
}

var icons = sync.OnceValues(func() (map[string]icon, error) {
	out := map[string]icon{"icon.svg": {body: []byte(ogimage.IconSVG), ctype: "image/svg+xml"}}
	for _, size := range []int{32, 192, 512} {
		b, err := ogimage.Icon(size)
		if err != nil {
			return nil, err
		}
		switch size {
		case 32:
			out["favicon.ico"] = icon{body: ogimage.ICO(b, size), ctype: "image/x-icon"}
		case 192:
			out["icon-192.png"] = icon{body: b, ctype: "image/png"}
		default:
			out["icon-512.png"] = icon{body: b, ctype: "image/png"}
		}
	}
	for k, v := range out {
		v.etag = httpx.ETag(v.body)
		out[k] = v
	}
	return out, nil
})

// iconFile serves one icon, cached for a day (their URLs do not change).
func (s *Server) iconFile(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		all, err := icons()
		if err != nil {
			s.pageError(c, err)
			return
		}
		f := all[name]
		c.Header("Cache-Control", "public, max-age=86400")
		if httpx.Conditional(c, f.etag, time.Time{}) {
			return
		}
		c.Data(http.StatusOK, f.ctype, f.body)
	}
}

// manifest is /manifest.webmanifest, in the reader's language.
func (s *Server) manifest(c *gin.Context) {
	l := lang(c)
	start := "/"
	if cl := carriedLang(l); cl != "" {
		start += "?lang=" + cl.String()
	}
	body, err := json.Marshal(map[string]any{
		"name": "Pantau", "short_name": "Pantau", "description": shareTexts[l]["manifestDescription"],
		"lang": string(l), "start_url": start, "display": "browser",
		"background_color": "#ffffff", "theme_color": "#1d4ed8",
		"icons": []map[string]string{
			{"src": "/static/icon.svg", "type": "image/svg+xml", "sizes": "any"},
			{"src": "/static/icon-192.png", "type": "image/png", "sizes": "192x192"},
			{"src": "/static/icon-512.png", "type": "image/png", "sizes": "512x512"},
		},
	})
	if err != nil {
		s.pageError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Header("Vary", "Accept-Language")
	c.Data(http.StatusOK, "application/manifest+json", body)
}
