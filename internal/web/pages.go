package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
)

var templateFuncs = template.FuncMap{
	// rowsData and verdictData pass a part of a page to a sub-template
	// together with the page's language, texts and region.
	"rowsData": func(page map[string]any, rows any) map[string]any {
		return map[string]any{"T": page["T"], "Lang": page["Lang"], "Region": page["Region"], "Keep": page["Keep"], "Rows": rows}
	},
	"verdictData": func(page map[string]any, v any) map[string]any {
		return map[string]any{"T": page["T"], "Lang": page["Lang"], "V": v}
	},
	// unitName and frequencyName are a catalogue's unit and frequency
	// codes ("persen", "tahunan") in the reader's words; a free-text unit
	// is shown as the catalogue wrote it.
	"unitName":      func(l locale.Lang, unit string) string { return catalogWord(l, "unit.", unit) },
	"frequencyName": func(l locale.Lang, f string) string { return catalogWord(l, "freq.", f) },
	// chartHeights is the style sheet rules that size charts to their width.
	"chartHeights": chart.HeightCSS,
	"carriedLang":  carriedLang,
}

func catalogWord(l locale.Lang, prefix, code string) string {
	if w, ok := texts[l][prefix+code]; ok {
		return w
	}
	return strings.ReplaceAll(code, "_", " ")
}

// definitionIn is an indicator's definition for readers of l, and whether
// it is the Indonesian one standing in for a missing English text (the
// page says so rather than switch language silently).
func definitionIn(l locale.Lang, ind domain.Indicator) (string, bool) {
	if l == locale.EN && ind.DefinitionEN != "" {
		return ind.DefinitionEN, false
	}
	return ind.Definition, l == locale.EN && ind.Definition != ""
}

// lang picks the page language: ?lang= first, then Accept-Language;
// Indonesian by default.
func lang(c *gin.Context) locale.Lang {
	return locale.Negotiate(c.Query("lang"), c.GetHeader("Accept-Language"))
}

// theme is ?theme=light|dark; anything else follows the system setting.
func theme(c *gin.Context) string {
	switch t := c.Query("theme"); t {
	case "light", "dark":
		return t
	}
	return ""
}

// kept is what a page's links carry on for the reader: an explicit
// language and theme, as a query (Q: "?lang=en&theme=dark") or its
// continuation (A: "&lang=en&theme=dark"); both empty by default.
type kept struct{ Q, A template.URL }

func keptParams(c *gin.Context) kept {
	p := langParam(c)
	if p == "" {
		return kept{}
	}
	return kept{Q: template.URL("?" + p[1:]), A: template.URL(p)}
}

// pageURLWith returns the request's path and query with key set to value
// (removed when value is empty), for language, theme and selector links.
func pageURLWith(c *gin.Context, key, value string) string {
	return urlWith(c.Request.URL, key, value)
}

// urlWith is u's path and query with key set to value (removed when empty).
func urlWith(u *url.URL, key, value string) string {
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	out := url.URL{Path: u.Path, RawQuery: q.Encode()}
	return out.String()
}

// publicLayout gives a public page the language's texts, a fresh CSP
// nonce (returned) and the script URLs. data["Nonce"] may already hold
// the nonce the page's charts were rendered with.
func publicLayout(s *Server, c *gin.Context, name string, data map[string]any) string {
	l := lang(c)
	nonce, _ := data["Nonce"].(string)
	if nonce == "" {
		nonce = chart.Nonce()
		data["Nonce"] = nonce
	}
	data["Lang"] = l
	data["T"] = texts[l]
	data["Theme"] = theme(c)
	data["Keep"] = keptParams(c)
	data["OtherLangURL"] = pageURLWith(c, "lang", string(l.Other()))
	data["LightURL"] = pageURLWith(c, "theme", "light")
	data["DarkURL"] = pageURLWith(c, "theme", "dark")
	data["AutoURL"] = pageURLWith(c, "theme", "")
	data["EChartsURL"] = chart.EChartsURL
	data["BootstrapURL"] = chart.BootstrapURL
	data["LicenseURL"] = chart.LicenseURL
	data["Dashboards"] = s.listedDashboards(c)
	data["Share"] = share{s: s, c: c} // embed dialogs and oEmbed discovery (share.go)
	return nonce
}

// pageError answers a public page request with the error page: the
// user-safe message for known error kinds, a generic one (and a log line)
// otherwise.
func (s *Server) pageError(c *gin.Context, err error) {
	s.showProblem(c, publicFrame, "error.html", map[string]any{}, err, publicWords(lang(c)))
}

// publicWords name the failures of public pages and embeds by status
// only: a reader is told "not found" or "not valid", never more.
func publicWords(l locale.Lang) pageWords {
	return pageWords{internal: texts[l]["errorInternal"], known: func(err error, status int) (string, bool) {
		if se := (*scopeError)(nil); errors.As(err, &se) {
			return se.message(l), true // the reader's own compare= or year
		}
		if status == http.StatusNotFound {
			return texts[l]["errorNotFound"], true
		}
		return texts[l]["errorBadRequest"], true
	}}
}

func (s *Server) indexPage(c *gin.Context) {
	inds, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 200 {
		q = q[:200]
	}
	s.renderPage(c, http.StatusOK, publicFrame, "index.html", map[string]any{
		"Indicators": searchIndicators(inds, q, lang(c)), "HomeRegion": s.homeRegion(), "Query": q})
}

// homeRegion is the region indicator links open on: the instance's home
// region as `pantau init` (or the demo) stored it; for a database prepared
// before there was one, the nation.
func (s *Server) homeRegion() string {
	if home, err := s.store.HomeRegion(context.Background()); err == nil {
		return home
	}
	return domain.NationalCode
}

// texts are the page strings per language.
var texts = locale.Sections("page")
