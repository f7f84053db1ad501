package web

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/chart"
	"pantau/internal/locale"
)

// share gives chart pages what their "Embed" dialog and oEmbed discovery
// link need. Pages reach it as .Share; it reads only when a template asks.
type share struct {
	s *Server
	c *gin.Context
}

// shareView is one chart's embed dialog.
type shareView struct {
	ID                               string
	Lang                             locale.Lang
	T                                map[string]string
	IframeCode, ScriptCode, Pinned   string
	CSVURL, JSONURL                  string
	ChartID, Title, Source, FileName string
	Images                           bool
	// S and Page are the share area's and the pages' words (options,
	// theme names); Theme the page's, which the codes start with.
	S, Page map[string]string
	Theme   string
	// Illustrative marks the exported images as demo data (Marked).
	Illustrative bool
	// Shows says what the codes embed when the page compares regions or
	// shows a range of years ("" otherwise): the same view.
	Shows string
}

// Marked is the dialog with its image exports marked as illustrative when
// the chart shows demo data (a PNG travels without the page's badge), and
// crediting no publisher when every value shown was generated.
func (v *shareView) Marked(illustrative, generated bool) *shareView {
	if v != nil {
		v.Illustrative = illustrative
		if generated {
			v.Source = v.T["demoSource"]
		}
	}
	return v
}

// baseURL is this server's address as the reader reached it. Without TLS
// at the server, https is assumed when cookies are marked Secure (TLS ends
// at a proxy): an http iframe would be blocked on an https news site.
//
// PANTAU_PUBLIC_URL, when set, is used instead: links in previews and
// embed codes then name the public address even when a request came in
// through an internal one.
func (s *Server) baseURL(c *gin.Context) string {
	if s.publicURL != "" {
		return s.publicURL
	}
	scheme := "http"
	if c.Request.TLS != nil || s.accounts.secureCookies {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// OEmbed is the oEmbed discovery URL of the page, or "" for pages that
// have no chart to embed.
func (sh share) OEmbed() string {
	p := sh.c.Request.URL.Path
	if !strings.HasPrefix(p, "/i/") && !strings.HasPrefix(p, "/d/") {
		return ""
	}
	base := sh.s.baseURL(sh.c)
	return base + "/oembed?format=json&url=" + url.QueryEscape(base+sh.c.Request.URL.RequestURI())
}

// ScriptURL is the sharing tools' script.
func (sh share) ScriptURL() string { return chart.ShareURL }

// Indicator is the dialog of an indicator page's chart.
func (sh share) Indicator(code, region string) *shareView {
	r := embedReq{kind: "i", indicator: code, region: region, lang: lang(sh.c), plan: sh.c.Query("plan"), theme: theme(sh.c)}
	// The embed shows what the page shows: its compared regions and years.
	r.scope, _ = parseScope(sh.c.Request.URL.Query(), region)
	ctx := sh.c.Request.Context()
	title, source, name := code, "", region
	if ind, err := sh.s.store.Indicator(ctx, code); err == nil {
		title, source = ind.Name(r.lang), ind.Source
	}
	if reg, err := sh.s.store.Region(ctx, region); err == nil {
		title += " — " + reg.Name
		name = reg.Name
	}
	v := sh.view(r, chart.ID("indicator", code, region), title, source, embedHeight(dashboards.Series))
	var names []string
	for _, other := range r.scope.compare {
		if reg, err := sh.s.store.Region(ctx, other); err == nil {
			names = append(names, reg.Name)
		}
	}
	if what := r.scope.describe(r.lang, names); what != "" {
		sep := " "
		if len(names) == 0 {
			sep = ", "
		}
		v.Shows = r.lang.Get("share.shows", name+sep+what)
	}
	return v
}

// IndicatorMap is the dialog of an indicator page's map of year.
func (sh share) IndicatorMap(code, region string, year int) *shareView {
	v := sh.Indicator(code, region)
	r := embedReq{kind: "i", indicator: code, region: region, lang: lang(sh.c), theme: theme(sh.c), tab: "map", year: year}
	return sh.view(r, chart.ID("indicator", code, region, "map"), v.Title, v.Source, embedHeight(dashboards.Map))
}

// Panel is the dialog of a dashboard panel, nil for panels that are not
// charts (KPI tiles, scorecards).
func (sh share) Panel(dashboard, panel, region string) *shareView {
	d, ok := dashboards.Find(sh.s.dashboards, dashboard)
	if !ok {
		return nil
	}
	pn, ok := d.Panel(panel)
	if !ok || !pn.Embeddable() {
		return nil
	}
	r := embedReq{kind: "d", dashboard: d.ID, panel: pn.ID, region: region, lang: lang(sh.c), theme: theme(sh.c), year: queryYear(sh.c)}
	title, source := pn.Title.In(r.lang), ""
	if ind, err := sh.s.store.Indicator(sh.c.Request.Context(), pn.Indicator); err == nil {
		source = ind.Source
		if title == "" {
			title = ind.Name(r.lang)
		}
	}
	if reg, err := sh.s.store.Region(sh.c.Request.Context(), region); err == nil {
		title += " — " + reg.Name
	}
	return sh.view(r, chart.ID(d.ID, pn.ID), title, source, embedHeight(pn.Type))
}

// embedHeight is the height the embed codes give a chart of type typ
// (a dashboards panel type): what its title, caption, chart, source line
// and link back need at a 320 px phone width, measured in Chromium
// (TestEmbedFitBrowser). Without /static/embed.js the embed fills it, its
// chart growing into what the texts leave at wider widths; with the
// script the frame takes the content's own height.
func embedHeight(typ string) int {
	switch typ {
	case dashboards.Districts, dashboards.Map:
		return 760 // a bar per district, or the map with its legend
	}
	return 680
}

func (sh share) view(r embedReq, chartID, title, source string, height int) *shareView {
	base := sh.s.baseURL(sh.c)
	version, _ := sh.s.embeds.Current(sh.c.Request.Context())
	live := r
	live.since = version
	pinned := r
	pinned.version = version
	v := &shareView{ID: "embed-" + chartID, Lang: r.lang, T: embedTexts[r.lang], S: shareTexts[r.lang], Page: texts[r.lang], Theme: r.theme,
		ChartID: chartID, Title: title, Source: source,
		FileName: r.fileName(), Images: chart.Available(),
		CSVURL: r.path() + "?" + r.query("format", "csv"), JSONURL: r.path() + "?" + r.query("format", "json")}
	v.IframeCode = iframeCode(base+live.path()+"?"+live.query(), title, 0, height)
	v.ScriptCode = v.IframeCode + "\n" + `<script src="` + html.EscapeString(base) + `/static/embed.js" async></script>`
	if version > 0 {
		v.Pinned = iframeCode(base+pinned.path()+"?"+pinned.query(), title, 0, height)
	}
	return v
}

// iframeCode is the HTML a site pastes: lazy, titled for screen readers,
// full width (or width px), and marked for /static/embed.js to resize.
func iframeCode(src, title string, width, height int) string {
	w := `width="100%" style="width:100%;border:0"`
	if width > 0 {
		w = `width="` + strconv.Itoa(width) + `" style="width:100%;max-width:` + strconv.Itoa(width) + `px;border:0"`
	}
	return `<iframe src="` + html.EscapeString(src) + `" title="` + html.EscapeString(title) + `" ` + w +
		` height="` + strconv.Itoa(height) + `" loading="lazy" data-pantau-embed></iframe>`
}
