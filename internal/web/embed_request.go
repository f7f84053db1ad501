package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
)

// An embed request (/embed/i/{indicator}, /embed/d/{dashboard}/{panel}):
// its parameters read and checked, the key and names made from them.

// embedReq is an embed request, validated and normalised: equal requests
// have equal keys.
type embedReq struct {
	kind                        string // "i" or "d"
	indicator, dashboard, panel string
	region, plan, theme         string
	lang                        locale.Lang
	year                        int
	version                     int64 // pinned data version; 0: live
	since                       int64 // live only: say if the data changed after this version
	format                      string
	tab                         string     // indicator embeds: "" (the chart) or "map"
	scope                       chartScope // indicator charts: compare=, from=, to= (compare.go)
	// Display options a host page picks (the embed dialog lists them):
	// noTitle (?title=0) leaves the title to the article, plain (?plain=1)
	// drops the chrome (downloads, share links, padding) but never the
	// caption, the source line or the link back.
	noTitle, plain bool
}

func (r embedReq) pinned() bool { return r.version > 0 }

// key names the answer for a data version. The build of the page
// templates and scripts is part of it, so a new release is not hidden
// behind an old ETag.
func (r embedReq) key(dataVersion int64) string {
	return strings.Join([]string{r.kind, r.indicator, r.tab, r.dashboard, r.panel, r.region, r.plan, string(r.lang), r.theme,
		strconv.Itoa(r.year), strconv.FormatInt(r.version, 10), strconv.FormatInt(r.since, 10), r.format,
		strconv.FormatInt(dataVersion, 10), strconv.FormatBool(r.noTitle), strconv.FormatBool(r.plain), embedBuild, r.scope.query()}, "\x00")
}

// embedBuild changes with the scripts a rendered embed refers to.
var embedBuild = chart.BootstrapURL + chart.ShareURL + chart.EChartsURL

// query is the request's parameters in a stable order, for links.
func (r embedReq) query(extra ...string) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("region", r.region)
	set("plan", r.plan)
	set("lang", string(r.lang))
	set("theme", r.theme)
	set("tab", r.tab)
	if r.noTitle {
		q.Set("title", "0")
	}
	if r.plain {
		q.Set("plain", "1")
	}
	r.scope.set(q)
	if r.year != 0 {
		q.Set("year", strconv.Itoa(r.year))
	}
	if r.version > 0 {
		q.Set("v", strconv.FormatInt(r.version, 10))
	}
	if r.since > 0 {
		q.Set("since", strconv.FormatInt(r.since, 10))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		set(extra[i], extra[i+1])
	}
	return q.Encode()
}

// path is the embed's path without the query.
func (r embedReq) path() string {
	if r.kind == "i" {
		return "/embed/i/" + url.PathEscape(r.indicator)
	}
	return "/embed/d/" + url.PathEscape(r.dashboard) + "/" + url.PathEscape(r.panel)
}

// indicatorPath is the address of an indicator's page with query q.
func indicatorPath(code string, q url.Values) string {
	return "/i/" + url.PathEscape(code) + "?" + q.Encode()
}

// fullPath is the full page the embed comes from.
func (r embedReq) fullPath() string {
	q := url.Values{}
	q.Set("region", r.region)
	if r.lang != "" {
		q.Set("lang", string(r.lang))
	}
	if r.kind == "i" {
		if r.plan != "" {
			q.Set("plan", r.plan)
		}
		r.scope.set(q)
		if r.tab != "" {
			q.Set("tab", r.tab)
			if r.year != 0 {
				q.Set("year", strconv.Itoa(r.year))
			}
		}
		return indicatorPath(r.indicator, q)
	}
	if r.year != 0 {
		q.Set("year", strconv.Itoa(r.year))
	}
	return "/d/" + url.PathEscape(r.dashboard) + "?" + q.Encode() + "#panel-" + r.panel
}

func positive(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v > 0
}

// parseEmbed reads an embed request; region defaults to the page's.
func (s *Server) parseEmbed(c *gin.Context, kind string) (embedReq, error) {
	r := embedReq{kind: kind, lang: lang(c), plan: c.Query("plan"), format: c.Query("format")}
	bad := func(what string) (embedReq, error) {
		return r, domain.Errorf(domain.ErrInvalid, "invalid %s", what)
	}
	switch t := c.Query("theme"); t {
	case "", "auto":
	case "light", "dark":
		r.theme = t
	default:
		return bad("theme")
	}
	switch c.Query("title") {
	case "", "1":
	case "0":
		r.noTitle = true
	default:
		return bad("title")
	}
	switch c.Query("plain") {
	case "", "0":
	case "1":
		r.plain = true
	default:
		return bad("plain")
	}
	switch r.format {
	case "", "csv", "json", "png":
	default:
		return bad("format")
	}
	var ok bool
	if r.version, ok = positive(c.Query("v")); !ok {
		return bad("v")
	}
	if r.since, ok = positive(c.Query("since")); !ok {
		return bad("since")
	}
	if r.version > 0 {
		r.since = 0 // a pinned chart cannot have changed
	}
	if y := c.Query("year"); y != "" {
		if r.year = queryYear(c); r.year == 0 {
			return bad("year")
		}
	}
	if kind == "i" {
		r.indicator = c.Param("indicator")
		r.region = c.DefaultQuery("region", s.homeRegion())
		switch t := c.Query("tab"); t {
		case "", "chart":
			r.year = 0 // the chart shows every year
		case "map":
			r.tab = t // the map shows one year
		default:
			return bad("tab")
		}
		var err error
		if r.scope, err = parseScope(c.Request.URL.Query(), r.region); err != nil {
			return r, err
		}
		return r, nil
	}
	r.dashboard, r.panel = c.Param("dashboard"), c.Param("panel")
	var err error
	if _, r.region, err = s.dashboardAt(r.dashboard, c.Query("region")); err != nil {
		return r, err
	}
	r.plan = ""
	return r, nil
}

var fileNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName names downloads: pantau-<indicator or panel>-<region>[-v<N>].
func (r embedReq) fileName() string {
	name := "pantau-" + r.indicator
	if r.kind == "d" {
		name = "pantau-" + r.dashboard + "-" + r.panel
	}
	if r.tab != "" {
		name += "-" + r.tab
	}
	name += "-" + r.region
	if r.version > 0 {
		name += "-v" + strconv.FormatInt(r.version, 10)
	}
	return fileNameUnsafe.ReplaceAllString(name, "_")
}
