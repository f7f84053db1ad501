package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

var templateFuncs = template.FuncMap{}

// lang picks the page language: ?lang= first, then Accept-Language;
// Indonesian by default.
func lang(c *gin.Context) string {
	switch c.Query("lang") {
	case "en":
		return "en"
	case "id":
		return "id"
	}
	for _, part := range strings.Split(c.GetHeader("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "id"):
			return "id"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "id"
}

// render writes a page template with the language's texts.
func (s *Server) render(c *gin.Context, status int, name string, data map[string]any) {
	l := lang(c)
	data["Lang"] = l
	data["T"] = texts[l]
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Language", l)
	c.Header("Vary", "Accept-Language")
	c.Status(status)
	if err := s.pages.ExecuteTemplate(c.Writer, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
	}
}

func (s *Server) indexPage(c *gin.Context) {
	inds, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.log.Error("index", "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	s.render(c, http.StatusOK, "index.html", map[string]any{"Indicators": inds})
}

// texts are the page strings per language.
var texts = map[string]map[string]string{
	"id": {
		"title": "Pantau — indikator pembangunan daerah", "indicators": "Indikator", "code": "Kode", "name": "Nama",
		"unit": "Satuan", "source": "Sumber", "empty": "Belum ada indikator.", "api": "API JSON", "other": "English",
		"otherLang": "en", "tagline": "Memantau indikator pembangunan daerah terhadap target RPJMD dan RPJMN 2025–2029.",
	},
	"en": {
		"title": "Pantau — regional development indicators", "indicators": "Indicators", "code": "Code", "name": "Name",
		"unit": "Unit", "source": "Source", "empty": "No indicators yet.", "api": "JSON API", "other": "Bahasa Indonesia",
		"otherLang": "id", "tagline": "Tracking regional development indicators against the 2025–2029 RPJMD and RPJMN targets.",
	},
}
