package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/ogimage"
)

// oEmbed 1.0 (https://oembed.com): a CMS given the address of a Pantau
// chart page asks GET /oembed?url=…&format=json and gets the iframe code
// ("rich" type). The URL is only parsed, never fetched: an address on
// another host is simply unknown (404), so this endpoint cannot be made to
// request anything.

// oembedWidth is the width offered when the consumer sets no maximum;
// the height is embedHeight's for the chart.
const oembedWidth = 640

// oembedReply is the rich-type answer; every field the spec requires for
// "rich" (version, type, html, width, height) is always present.
type oembedReply struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	// The chart's social preview picture (ogimage).
	ThumbnailURL    string `json:"thumbnail_url"`
	ThumbnailWidth  int    `json:"thumbnail_width"`
	ThumbnailHeight int    `json:"thumbnail_height"`
}

func (s *Server) oembed(c *gin.Context) {
	c.Writer.Header().Del("Set-Cookie")
	switch c.DefaultQuery("format", "json") {
	case "json":
	default: // xml and anything else: not implemented, as the spec says
		c.AbortWithStatusJSON(http.StatusNotImplemented, errorBody("not_implemented", "only format=json is supported", nil))
		return
	}
	r, err := s.oembedTarget(c, c.Query("url"))
	if err != nil {
		s.fail(c, err)
		return
	}
	typ := dashboards.Series
	if r.tab == "map" {
		typ = dashboards.Map
	}
	if r.kind == "d" {
		if d, ok := dashboards.Find(s.dashboards, r.dashboard); ok {
			if pn, ok := d.Panel(r.panel); ok {
				typ = pn.Type
			}
		}
	}
	width, height := oembedWidth, embedHeight(typ)
	for _, m := range []struct {
		name string
		v    *int
	}{{"maxwidth", &width}, {"maxheight", &height}} {
		if q := c.Query(m.name); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n <= 0 {
				s.fail(c, domain.Errorf(domain.ErrInvalid, "%s must be a positive number", m.name))
				return
			}
			*m.v = min(*m.v, n)
		}
	}
	// Build the answer from what the target page's embed would show.
	v, err := s.embedTitle(c, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	base := s.baseURL(c)
	cacheAge, cc := 300, liveCacheControl
	if r.pinned() {
		cacheAge, cc = 31536000, pinnedCacheControl
	}
	c.Header("Cache-Control", cc)
	c.Header("Access-Control-Allow-Origin", "*")
	c.JSON(http.StatusOK, oembedReply{Version: "1.0", Type: "rich", Width: width, Height: height, Title: v,
		HTML:         iframeCode(base+r.path()+"?"+r.query(), v, width, height),
		ProviderName: "Pantau", ProviderURL: base + "/", CacheAge: cacheAge,
		ThumbnailURL: s.oembedThumbnail(c, base, r), ThumbnailWidth: ogimage.Width, ThumbnailHeight: ogimage.Height})
}

// oembedTarget maps a page or embed URL of this server to the embed that
// shows it: /i/{indicator}?region=, /d/{dashboard}?region=&panel={id} (or
// #panel-{id}; without either, none), or an /embed/ URL itself, with its
// display options.
func (s *Server) oembedTarget(c *gin.Context, raw string) (embedReq, error) {
	unknown := domain.Errorf(domain.ErrNotFound, "no embeddable Pantau chart at that address")
	if raw == "" {
		return embedReq{}, domain.Errorf(domain.ErrInvalid, "url is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !s.ownHost(c, u.Host) {
		return embedReq{}, unknown
	}
	q := u.Query()
	r := embedReq{lang: locale.ID, plan: q.Get("plan")}
	if l, ok := locale.Parse(q.Get("lang")); ok {
		r.lang = l
	}
	if t := q.Get("theme"); t == "light" || t == "dark" {
		r.theme = t
	}
	if v, ok := positive(q.Get("v")); ok {
		r.version = v
	} else {
		return r, unknown
	}
	if y, ok := parseYear(q.Get("year")); ok {
		r.year = y
	}
	r.noTitle, r.plain = q.Get("title") == "0", q.Get("plain") == "1"
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) > 0 && parts[0] == "embed" {
		parts = parts[1:]
	}
	switch {
	case len(parts) == 2 && parts[0] == "i":
		r.kind, r.indicator = "i", parts[1]
		if q.Get("tab") == "map" {
			r.tab = "map" // the map of one year
		} else {
			r.year = 0
		}
		r.region = q.Get("region")
		if r.region == "" {
			r.region = s.homeRegion()
		}
		if _, err := s.store.Indicator(c.Request.Context(), r.indicator); err != nil {
			return r, unknown
		}
		if _, err := s.store.Region(c.Request.Context(), r.region); err != nil {
			return r, unknown
		}
		if r.tab == "" {
			// The chart as the page shows it: its compared regions and
			// years, checked as the page checks them (the code pasted
			// would otherwise embed an error).
			var err error
			if r.scope, err = parseScope(q, r.region); err != nil {
				return r, err
			}
			if err := s.checkCompared(c.Request.Context(), r.scope); err != nil {
				return r, err
			}
		}
	case (len(parts) == 2 || len(parts) == 3) && parts[0] == "d":
		d, ok := dashboards.Find(s.dashboards, parts[1])
		if !ok {
			return r, unknown
		}
		r.kind, r.dashboard, r.plan = "d", d.ID, ""
		// A dashboard page names its panel (?panel= or #panel-ID): no
		// silent first panel, which would embed a chart nobody chose.
		want := q.Get("panel")
		if want == "" {
			want = strings.TrimPrefix(u.Fragment, "panel-")
		}
		if len(parts) == 3 {
			want = parts[2]
		}
		if pn, ok := d.Panel(want); ok && pn.Embeddable() {
			r.panel = pn.ID
		}
		var err error
		if _, r.region, err = s.dashboardAt(d.ID, q.Get("region")); r.panel == "" || err != nil {
			return r, unknown
		}
		if _, err := s.store.Region(c.Request.Context(), r.region); err != nil {
			return r, unknown
		}
	default:
		return r, unknown
	}
	if r.pinned() {
		cur, err := s.embeds.Current(c.Request.Context())
		if err != nil {
			return r, err
		}
		if r.version > cur {
			return r, unknown
		}
	}
	return r, nil
}

// ownHost: host is this server's, as the request reached it or as
// PANTAU_PUBLIC_URL names it.
func (s *Server) ownHost(c *gin.Context, host string) bool {
	if strings.EqualFold(host, c.Request.Host) {
		return true
	}
	pub, err := url.Parse(s.publicURL)
	return s.publicURL != "" && err == nil && strings.EqualFold(host, pub.Host)
}

// embedTitle is the title an embed shows: the chart's and the region's name.
func (s *Server) embedTitle(c *gin.Context, r embedReq) (string, error) {
	ctx := c.Request.Context()
	reg, err := s.store.Region(ctx, r.region)
	if err != nil {
		return "", err
	}
	code, title := r.indicator, ""
	if r.kind == "d" {
		d, _ := dashboards.Find(s.dashboards, r.dashboard)
		if pn, ok := d.Panel(r.panel); ok {
			code, title = pn.Indicator, pn.Title.In(r.lang)
		}
	}
	if title == "" {
		ind, err := s.store.Indicator(ctx, code)
		if err != nil {
			return "", err
		}
		title = ind.Name(r.lang)
	}
	return title + " — " + reg.Name, nil
}
