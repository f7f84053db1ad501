package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/export"
	"pantau/internal/httpx"
	"pantau/internal/locale"
	"pantau/internal/ogimage"
	"pantau/internal/store"
)

// Embeds: /embed/i/{indicator} and /embed/d/{dashboard}/{panel} are small
// pages made to live in other sites' iframes (news articles), with their
// data as CSV or JSON (?format=). They are public, cookie-free and
// cacheable: the answer depends only on the request's parameters and the
// data version, which is what the ETag, the in-memory cache key and the
// Last-Modified time (that version's upload time) are made from.
//
// A live embed follows the newest data and is cached for five minutes; a
// pinned one (?v=N) shows the data as it stood at version N, read through
// the revision history, and never changes, so it is cached for a year as
// immutable.

const (
	liveCacheControl   = "public, max-age=300, stale-while-revalidate=86400"
	pinnedCacheControl = "public, max-age=31536000, immutable"
	// embedCacheEntries bounds the rendered-embed cache.
	embedCacheEntries = 512
)

func (s *Server) embedIndicator(c *gin.Context) { s.serveEmbed(c, "i") }
func (s *Server) embedPanel(c *gin.Context)     { s.serveEmbed(c, "d") }

// serveEmbed answers an embed or its data: 304 when the client has it,
// else from the cache, else rendered (and cached).
func (s *Server) serveEmbed(c *gin.Context, kind string) {
	ctx := c.Request.Context()
	h := c.Writer.Header()
	httpx.AllowFraming(c)
	h.Del("Set-Cookie") // embeds set no cookie (not even a logout's)
	r, err := s.parseEmbed(c, kind)
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	cur, err := s.embeds.Current(ctx)
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	version := cur
	if r.pinned() {
		if r.version > cur {
			s.embedError(c, r, domain.Errorf(domain.ErrNotFound, "no data version %d yet", r.version))
			return
		}
		version = r.version
	}
	modified, err := s.embeds.VersionTime(ctx, version)
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	// Absolute links in the page follow the address it was asked at.
	key := r.key(version) + "\x00" + s.baseURL(c)
	etag := httpx.ETag([]byte(key))
	if r.pinned() {
		h.Set("Cache-Control", pinnedCacheControl)
	} else {
		h.Set("Cache-Control", liveCacheControl)
	}
	h.Set("Vary", "Accept-Language")
	h.Set("Content-Language", string(r.lang))
	switch r.format {
	case "":
		// The page's frame also on a 304 and a cached page; a rendered one
		// gets it from renderTo.
		setFrameHeaders(h, embedFrame, "")
	case "png": // a social preview: shown inline by chat apps and sites
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	default:
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Content-Disposition", `attachment; filename="`+r.fileName()+`.`+r.format+`"`)
	}
	if httpx.Conditional(c, etag, modified) {
		return
	}
	if e := s.embeds.Get(key); e != nil {
		s.metrics.CacheHits.WithLabelValues("embed", "hit").Inc()
		e.Serve(c)
		return
	}
	s.metrics.CacheHits.WithLabelValues("embed", "miss").Inc()
	v, err := s.buildEmbed(c, r, version, modified)
	if err != nil {
		for _, k := range []string{"ETag", "Last-Modified", "Content-Disposition"} {
			h.Del(k)
		}
		s.embedError(c, r, err)
		return
	}
	var buf bytes.Buffer
	ctype := "text/html; charset=utf-8"
	switch r.format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		err = v.writeCSV(&buf)
	case "json":
		ctype = "application/json; charset=utf-8"
		err = json.NewEncoder(&buf).Encode(v.jsonDoc())
	case "png":
		ctype = "image/png"
		var b []byte
		if b, err = ogimage.Render(v.card()); err == nil {
			buf.Write(b)
		}
	default:
		err = s.renderTo(c, &buf, embedFrame, "embed.html", v)
	}
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	e := &httpx.Entry{Key: key, Live: !r.pinned(), At: time.Now(), Body: buf.Bytes(), ContentType: ctype}
	s.embeds.Put(e)
	e.Serve(c)
}

// embedError answers in the embed's frame: a short page anyone may frame,
// not cached for long.
func (s *Server) embedError(c *gin.Context, r embedReq, err error) {
	l := r.lang
	if l == "" {
		l = lang(c)
	}
	c.Writer.Header().Del("Set-Cookie")
	s.showProblem(c, embedErrorFrame, "embed_error.html", map[string]any{"Lang": l}, err, publicWords(l))
}

// embedView is everything an embed shows, for the page and the downloads.
type embedView struct {
	Req                      embedReq
	Lang                     locale.Lang
	Theme                    string
	T                        map[string]string
	Title, Caption           string
	Chart                    template.HTML
	Indicator                domain.Indicator
	Region                   domain.Region
	Source, Updated, Revised string
	// RevisedLabel introduces Revised: "data direvisi pada", or what was
	// updated when only a note or a status changed.
	RevisedLabel             string
	Illustrative, Pinned     bool
	DataVersion              int64
	UpdatedAt                time.Time
	FullURL, CSVURL, JSONURL string
	ChartID, ExportName      string
	EChartsURL, BootstrapURL string
	ShareURL                 string
	rows                     []embedRow
	panelType                string
	// projection is the series chart's trend line, for the preview PNG.
	projection []ogimage.Point
	// compared are the regions drawn beside the main one (compare=).
	compared []comparedRegion
	// CanonicalURL is FullURL made absolute; Preview the social preview
	// tags, its picture this embed's PNG at its data version.
	CanonicalURL string
	Preview      *preview
	Share        *shareLinks
	// HideTitle and Plain are the host page's display options.
	HideTitle, Plain bool
}

// buildEmbed reads the embed's data at version and renders its chart.
func (s *Server) buildEmbed(c *gin.Context, r embedReq, version int64, versionAt time.Time) (*embedView, error) {
	ctx := c.Request.Context()
	// Live embeds too read at the version their key names (the current
	// one, or the one this server last saw): the body always matches its
	// ETag, even when an upload lands while it is rendered.
	pinned := version
	p := &pageCtx{c: c, lang: r.lang, nonce: chart.Nonce(), year: r.year, version: pinned,
		inds: map[string]domain.Indicator{}, plans: map[string]domain.Plan{}, series: map[string]store.Series{}}
	var err error
	if p.region, err = s.store.Region(ctx, r.region); err != nil {
		return nil, err
	}
	v := &embedView{Req: r, Lang: r.lang, Theme: r.theme, T: embedTexts[r.lang], Region: p.region, Pinned: r.pinned(),
		DataVersion: version, EChartsURL: chart.EChartsURL, BootstrapURL: chart.BootstrapURL, ShareURL: chart.ShareURL,
		FullURL: r.fullPath(), ExportName: r.fileName(), HideTitle: r.noTitle, Plain: r.plain}
	v.CSVURL = r.path() + "?" + r.query("format", "csv")
	v.JSONURL = r.path() + "?" + r.query("format", "json")
	code, title, plan, typ := r.indicator, "", r.plan, dashboards.Series
	id := chart.ID("embed", r.indicator, r.region)
	if r.tab == "map" {
		typ, id = dashboards.Map, chart.ID("embed", r.indicator, r.region, "map")
	}
	if r.kind == "d" {
		d, _ := dashboards.Find(s.dashboards, r.dashboard)
		pn, ok := d.Panel(r.panel)
		if !ok || !pn.Embeddable() {
			return nil, domain.Errorf(domain.ErrNotFound, "dashboard %s has no chart panel %q", d.ID, r.panel)
		}
		code, title, plan, typ, p.toYear = pn.Indicator, pn.Title.In(r.lang), pn.Plan, pn.Type, d.ToYear
		id = chart.ID(d.ID, pn.ID)
	}
	v.ChartID, v.panelType = id, typ
	ind, err := s.store.Indicator(ctx, code)
	if err != nil {
		return nil, err
	}
	v.Indicator = ind
	if title == "" {
		title = ind.Name(r.lang)
	}
	v.Title = title + " — " + p.region.Name
	sr, err := s.store.SeriesAt(ctx, code, r.region, pinned)
	if err != nil {
		return nil, err
	}
	if r.kind == "i" {
		// An indicator's embed runs to its plan's end, as its page does; a
		// panel's to its dashboard's ToYear (set above).
		p.toYear = domain.Horizon(sr.Plans, plan)
	}
	sr = asOf(sr, p.year)
	if r.kind == "i" && r.tab == "" {
		p.scope = r.scope
		if p.compared, err = s.loadCompared(ctx, c.Request.URL, r.lang, ind, r.scope, pinned); err != nil {
			return nil, err
		}
		v.compared = p.compared
	}
	p.series[code] = sr
	p.inds[code] = ind
	switch typ {
	case dashboards.Series, dashboards.Breakdown:
		a, err := analyse(sr, plan, p.toYear)
		if err != nil {
			return nil, err
		}
		var dr drawn
		if typ == dashboards.Series {
			dr, err = p.seriesChart(id, sr, a)
			v.Illustrative = hasIllustrativeTotal(sr)
			v.projection = projectionLine(a.total, p.toYear, p.scope)
		} else {
			dr, err = p.breakdownChart(id, sr, a)
			v.Illustrative = isIllustrative(sr)
		}
		v.Chart, v.Caption = dr.HTML, dr.Caption
		if err != nil {
			return nil, err
		}
		v.rows = seriesRows(r.lang, sr, typ == dashboards.Breakdown, p.scope, p.compared)
	case dashboards.Map:
		m, err := s.mapChart(p, id, ind)
		if err != nil {
			return nil, err
		}
		v.Chart, v.Caption, v.Illustrative, v.rows = m.HTML, m.Caption, m.Illustrative, m.rows
	default: // districts, disparity
		var dr drawn
		if dr, v.Illustrative, err = s.districtChart(p, id, ind, typ == dashboards.Disparity); err != nil {
			return nil, err
		}
		v.Chart, v.Caption = dr.HTML, dr.Caption
		if v.rows, err = s.districtRows(ctx, code, r.region, pinned, p.year, typ == dashboards.Disparity); err != nil {
			return nil, err
		}
	}
	// "Updated": when the newest value shown was uploaded.
	var newest int64
	for _, row := range sr.Observations {
		newest = max(newest, row.UploadID)
	}
	for _, t := range sr.Targets {
		newest = max(newest, t.UploadID)
	}
	v.UpdatedAt = versionAt
	if newest > 0 {
		if t, err := s.embeds.VersionTime(ctx, newest); err == nil {
			v.UpdatedAt = t
		}
	}
	v.Source = ind.Source
	if v.Source == "" {
		v.Source = "Pantau"
	}
	if v.Illustrative && allIllustrative(v.rows) {
		// Generated values (the demo's kecamatan) are nobody's publication:
		// crediting the indicator's source would put words in its mouth.
		v.Source = v.T["demoSource"]
	}
	base := s.baseURL(c)
	v.CanonicalURL = base + v.FullURL
	img := r
	img.version, img.since, img.theme = version, 0, ""
	v.Preview = &preview{Title: v.Title, Description: shorten(v.Caption, 200), URL: v.CanonicalURL, SiteName: "Pantau",
		Local: r.lang.POSIX(), Image: base + img.path() + "?" + img.query("format", "png"), ImageAlt: v.Title,
		ImageWidth: ogimage.Width, ImageHeight: ogimage.Height}
	v.Share = newShareLinks(r.lang, "share", v.CanonicalURL, v.Title)
	if !v.UpdatedAt.IsZero() {
		v.Updated = longDate(r.lang, v.UpdatedAt)
	}
	// A live embed pasted at version `since`: say when its data changed,
	// and what, when only a note or a status did (an upload that changed
	// nothing shown says nothing).
	if r.since > 0 && newest > r.since {
		what, err := revisedSince(ctx, s.store, code, r.region, r.since, p.year, sr)
		if err != nil {
			return nil, err
		}
		if t, err := s.embeds.VersionTime(ctx, newest); err == nil && what != 0 {
			v.Revised, v.RevisedLabel = longDate(r.lang, t), v.T["revised"]
			if what&domain.AttrValue == 0 {
				v.RevisedLabel = r.lang.Get("changes.embedAttrs", what.List(r.lang))
			}
		}
	}
	return v, nil
}

// revisedSince returns what differs between the series shown (now) and
// the same series at version since: AttrValue for a value or target added
// or changed, else the attributes of the values that changed.
func revisedSince(ctx context.Context, st *store.Store, code, region string, since int64, year int, now store.Series) (domain.Attr, error) {
	then, err := st.SeriesAt(ctx, code, region, since)
	if err != nil {
		return 0, err
	}
	then = asOf(then, year)
	old := make(map[domain.ObservationKey]domain.Observation, len(then.Observations))
	for _, o := range then.Observations {
		old[o.ObservationKey] = o
	}
	var what domain.Attr
	for _, o := range now.Observations {
		prev, ok := old[o.ObservationKey]
		if !ok {
			return domain.AttrValue, nil
		}
		what |= o.Differs(prev)
	}
	if len(now.Targets) != len(then.Targets) {
		return what | domain.AttrValue, nil
	}
	for i, t := range now.Targets {
		if u := then.Targets[i]; t.ObservationKey != u.ObservationKey || t.PlanCode != u.PlanCode || t.Low != u.Low || t.High != u.High {
			return what | domain.AttrValue, nil
		}
	}
	return what, nil
}

// jsonDoc is the JSON download: the rows with the indicator's metadata.
func (v *embedView) jsonDoc() map[string]any {
	ind := v.Indicator
	rows := v.rows
	if rows == nil {
		rows = []embedRow{}
	}
	doc := map[string]any{
		"title": v.Title, "caption": v.Caption, "source": v.Source,
		"indicator": map[string]any{"code": ind.Code, "name": ind.Name(v.Lang), "unit": ind.Unit, "decimals": ind.Decimals,
			"definition": ind.Definition, "source": ind.Source, "polarity": ind.Polarity},
		"region":       map[string]any{"code": v.Region.Code, "name": v.Region.Name},
		"data_version": v.DataVersion, "pinned": v.Pinned, "illustrative": v.Illustrative,
		"embed": v.Req.path() + "?" + v.Req.query(), "page": v.FullURL, "rows": rows,
	}
	if !v.UpdatedAt.IsZero() {
		doc["updated"] = v.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return doc
}

// allIllustrative reports whether every value shown (targets aside) is
// generated demo data.
func allIllustrative(rows []embedRow) bool {
	n := 0
	for _, r := range rows {
		if r.Kind == "target" {
			continue
		}
		if !illustrativeNote(r.Note) {
			return false
		}
		n++
	}
	return n > 0
}

// rowSource is the source a CSV row credits: never the indicator's
// publisher for a generated value.
func (v *embedView) rowSource(r embedRow) string {
	if illustrativeNote(r.Note) {
		return v.T["demoSource"]
	}
	return v.Source
}

// writeCSV writes the CSV download: one row per value, with the
// indicator's name, unit and source on every row. Text cells that a
// spreadsheet would run as a formula are neutralised by export.Table;
// numbers are written as numbers in the language's convention.
func (v *embedView) writeCSV(w *bytes.Buffer) error {
	t := export.NewTable(w, v.Lang)
	head := csvHead(v.Lang, "region_code", "region", "indicator_code", "indicator", "year", "group", "kind", "plan", "value", "value_high",
		"unit", "status", "note", "source", "data_version")
	if err := t.Row(head...); err != nil {
		return err
	}
	kind := map[string]string{"observation": v.T["observation"], "target": v.T["target"]}
	for _, r := range v.rows {
		var high any = ""
		if r.High != nil {
			high = *r.High
		}
		if err := t.Row(r.RegionCode, r.RegionName, v.Indicator.Code, v.Indicator.Name(v.Lang), r.Year, r.Group, kind[r.Kind], r.Plan,
			r.Value, high, v.Indicator.Unit, r.Status, r.Note, v.rowSource(r), int(v.DataVersion)); err != nil {
			return err
		}
	}
	return t.Flush()
}

// longDate is "5 Maret 2026" / "5 March 2026", in Jakarta time (WIB).
func longDate(l locale.Lang, t time.Time) string {
	t = t.In(wib)
	return strconv.Itoa(t.Day()) + " " + l.Get("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// wib is Western Indonesia Time (UTC+7, no daylight saving), fixed so the
// binary needs no time zone database.
var wib = time.FixedZone("WIB", 7*3600)

// embedTexts are the embed's words.
var embedTexts = locale.Sections("embed")

// embedScript serves /static/embed.js: a fixed URL pasted into other
// sites, so it is cached for an hour and revalidated, not for a year.
func (s *Server) embedScript(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600, stale-while-revalidate=86400")
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Cross-Origin-Resource-Policy", "cross-origin")
	serveAsset(c, "embed.js", chart.EmbedScript, "text/javascript; charset=utf-8")
}
