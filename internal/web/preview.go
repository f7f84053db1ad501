package web

import (
	"cmp"
	neturl "net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/locale"
	"pantau/internal/ogimage"
	"pantau/internal/progress"
)

// Social previews: the Open Graph and Twitter card tags of every public
// page and embed, and the PNG they point to (an embed answered with
// ?format=png, so it is cached and revalidated by data version like the
// embed itself; ogimage draws it).

// preview is a page's social preview tags.
type preview struct {
	Title, Description string
	// URL is the page's absolute address, Image its picture's.
	URL, Image                string
	ImageWidth, ImageHeight   int
	ImageAlt, SiteName, Local string
}

// Preview is the preview of the page whose layout data is d: the title
// and plain-language caption (or description) it shows, and the PNG of
// its chart (an indicator page's, a dashboard's ?panel= or first chart
// panel, elsewhere the first dashboard's).
func (sh share) Preview(d map[string]any) *preview {
	l := lang(sh.c)
	words := shareTexts[l]
	base := sh.s.baseURL(sh.c)
	p := &preview{SiteName: "Pantau", Local: l.POSIX(),
		ImageWidth: ogimage.Width, ImageHeight: ogimage.Height}
	p.Title, _ = d["PageTitle"].(string)
	if p.Title == "" {
		p.Title = texts[l]["title"]
	}
	for _, k := range []string{"Caption", "Description"} {
		if s, _ := d[k].(string); s != "" && p.Description == "" {
			p.Description = s
		}
	}
	if p.Description == "" {
		p.Description = words["description"]
	}
	p.Description = shorten(p.Description, 200)
	p.URL = sh.pageURL()
	if r, ok := sh.previewOf(); ok {
		if v, err := sh.s.embeds.Current(sh.c.Request.Context()); err == nil && v > 0 {
			r.version = v // the picture of this data version: a new one gets a new URL
		}
		p.Image = base + r.path() + "?" + r.query("format", "png")
		p.ImageAlt = p.Title
	}
	return p
}

// previewOf is the embed whose picture stands for the page.
func (sh share) previewOf() (embedReq, bool) {
	c := sh.c
	l := lang(c)
	path := c.Request.URL.Path
	if code, ok := strings.CutPrefix(path, "/i/"); ok {
		r := embedReq{kind: "i", indicator: code, region: c.DefaultQuery("region", sh.s.homeRegion()), plan: c.Query("plan"), lang: l}
		if sc, err := parseScope(c.Request.URL.Query(), r.region); err == nil {
			r.scope = sc // the regions and years the page's chart shows
		}
		return r, true
	}
	want, id := c.Query("panel"), ""
	if d, ok := strings.CutPrefix(path, "/d/"); ok {
		id = d
	} else if len(sh.s.dashboards) > 0 {
		id, want = sh.s.dashboards[0].ID, ""
	}
	d, ok := dashboards.Find(sh.s.dashboards, id)
	if !ok {
		return embedReq{}, false
	}
	_, region, err := sh.s.dashboardAt(d.ID, c.Query("region"))
	if err != nil {
		return embedReq{}, false
	}
	pn, ok := d.EmbeddablePanel(want)
	if !ok {
		return embedReq{}, false
	}
	return embedReq{kind: "d", dashboard: d.ID, panel: pn.ID, region: region, lang: l, year: queryYear(c)}, true
}

// shareLinks is a share area: the link to copy and the plain links that
// open WhatsApp, X and Facebook with it.
type shareLinks struct {
	ID, URL, WhatsApp, X, Facebook string
	T                              map[string]string
}

// newShareLinks builds the share area for the absolute url titled title.
func newShareLinks(l locale.Lang, id, url, title string) *shareLinks {
	esc := neturl.QueryEscape
	return &shareLinks{ID: id, URL: url, T: shareTexts[l],
		WhatsApp: "https://wa.me/?text=" + strings.ReplaceAll(esc(title+" "+url), "+", "%20"),
		X:        "https://x.com/intent/post?url=" + esc(url) + "&text=" + esc(title),
		Facebook: "https://www.facebook.com/sharer/sharer.php?u=" + esc(url)}
}

// Links is the share area of the page, for its address without the
// reader's theme.
func (sh share) Links(title string) *shareLinks {
	return newShareLinks(lang(sh.c), "share-page", sh.pageURL(), title)
}

// pageURL is the page's absolute address without the reader's theme.
func (sh share) pageURL() string {
	u := *sh.c.Request.URL
	q := u.Query()
	q.Del("theme")
	u.RawQuery = q.Encode()
	return sh.s.baseURL(sh.c) + u.RequestURI()
}

// shareTexts are the words of the share area and the previews.
var shareTexts = locale.Sections("share")

// shorten cuts s at a word to at most n runes, with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// card is what the embed's social preview draws: the series shown with
// its plans' targets, or for district charts each district's newest value.
func (v *embedView) card() ogimage.Card {
	words := shareTexts[v.Lang]
	c := ogimage.Card{Title: strings.TrimSuffix(v.Title, " — "+v.Region.Name), Region: v.Region.Name, Caption: v.Caption,
		Unit: v.Indicator.Unit, NoData: v.T["noData"], Comma: v.Lang == locale.ID}
	if v.Illustrative {
		c.Mark = words["mark"]
	}
	c.Source = v.T["source"] + ": " + v.Source
	if v.Updated != "" {
		c.Source += ", " + v.T["updated"] + " " + v.Updated
	}
	if v.Pinned {
		c.Source += " · " + v.T["pinned"] + " " + strconv.FormatInt(v.DataVersion, 10)
	}
	if !v.seriesPanel() {
		newest := map[string]embedRow{}
		for _, r := range v.rows {
			if r.Kind == "observation" && r.RegionCode != v.Region.Code && r.Year >= newest[r.RegionCode].Year {
				newest[r.RegionCode] = r
			}
		}
		for _, r := range newest {
			c.Bars = append(c.Bars, ogimage.Bar{Label: r.RegionName, Value: r.Value})
		}
		slices.SortFunc(c.Bars, func(a, b ogimage.Bar) int {
			return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.Label, b.Label))
		})
		return c
	}
	groups := map[string]int{}
	for _, r := range v.rows {
		switch r.Kind {
		case "observation":
			if r.RegionCode != v.Region.Code {
				continue // a compared region's, drawn below
			}
			i, ok := groups[r.Group]
			if !ok {
				i = len(c.Series)
				groups[r.Group] = i
				c.Series = append(c.Series, ogimage.Series{Name: r.Group})
			}
			c.Series[i].Points = append(c.Series[i].Points, ogimage.Point{Year: r.Year, Value: r.Value})
		case "target":
			t := ogimage.Target{Plan: r.Plan, Year: r.Year, Low: r.Value, High: r.Value}
			if r.High != nil {
				t.High = *r.High
			}
			c.Targets = append(c.Targets, t)
		}
	}
	if len(c.Series) == 1 && len(v.projection) > 1 {
		c.Projection, c.ProjectionName = v.projection, v.Lang.Get("chart.projection")
	}
	if len(c.Series) == 1 && len(v.compared) > 0 {
		// Regions side by side (compare=), each named, as the chart does.
		c.Series[0].Name = v.Region.Name
		for _, cr := range v.compared {
			sr := ogimage.Series{Name: cr.Region.Name}
			for _, pt := range cr.points {
				if v.Req.scope.holds(pt.Year) {
					sr.Points = append(sr.Points, ogimage.Point{Year: pt.Year, Value: pt.Value})
				}
			}
			c.Series = append(c.Series, sr)
		}
	} else if len(c.Series) == 1 {
		c.Series[0].Name = "" // the total alone needs no legend entry
	}
	for i := range c.Series {
		slices.SortFunc(c.Series[i].Points, func(a, b ogimage.Point) int { return cmp.Compare(a.Year, b.Year) })
	}
	return c
}

// projectionLine is the trend as the series chart draws it: from the
// latest observation through the projected years up to toYear, inside
// the years of sc (none when the latest year is outside them, as the
// chart draws none).
func projectionLine(a *progress.Analysis, toYear int, sc chartScope) []ogimage.Point {
	if a == nil || a.Latest == nil || len(a.Projections) == 0 || !sc.holds(a.Latest.Year) {
		return nil
	}
	out := []ogimage.Point{{Year: a.Latest.Year, Value: a.Latest.Value}}
	for _, p := range a.Projections {
		if p.Year > a.Latest.Year && (toYear == 0 || p.Year <= toYear) && sc.holds(p.Year) {
			out = append(out, ogimage.Point{Year: p.Year, Value: p.Value})
		}
	}
	return out
}

// seriesPanel: the embed's dashboard panel is drawn over years (a series
// or a breakdown), not over districts.
func (v *embedView) seriesPanel() bool {
	return v.panelType == dashboards.Series || v.panelType == dashboards.Breakdown
}

// oembedThumbnail is the preview picture of an oEmbed answer: a live
// chart's at the current data version, so a new version is a new URL.
func (s *Server) oembedThumbnail(c *gin.Context, base string, r embedReq) string {
	r.format, r.theme, r.since = "", "", 0
	if !r.pinned() {
		if v, err := s.embeds.Current(c.Request.Context()); err == nil && v > 0 {
			r.version = v
		}
	}
	return base + r.path() + "?" + r.query("format", "png")
}
