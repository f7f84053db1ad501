package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/export"
	"pantau/internal/locale"
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
	// versionTTL is how long the current data version is trusted before
	// asking the database again: uploads may come from another process or
	// instance, and a second of delay on a five-minute cache is nothing.
	versionTTL = time.Second
	// liveTTL expires live entries although the version did not move:
	// catalogue edits (names, sources) do not make a data version.
	liveTTL = 5 * time.Minute
)

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
}

func (r embedReq) pinned() bool { return r.version > 0 }

// key names the answer for a data version. The build of the page
// templates and scripts is part of it, so a new release is not hidden
// behind an old ETag.
func (r embedReq) key(dataVersion int64) string {
	return strings.Join([]string{r.kind, r.indicator, r.dashboard, r.panel, r.region, r.plan, string(r.lang), r.theme,
		strconv.Itoa(r.year), strconv.FormatInt(r.version, 10), strconv.FormatInt(r.since, 10), r.format,
		strconv.FormatInt(dataVersion, 10), embedBuild}, "\x00")
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
		return "/i/" + url.PathEscape(r.indicator) + "?" + q.Encode()
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
	switch r.format {
	case "", "csv", "json":
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
		r.year = 0
		return r, nil
	}
	r.dashboard, r.panel = c.Param("dashboard"), c.Param("panel")
	d, ok := dashboards.Find(s.dashboards, r.dashboard)
	if !ok {
		return r, domain.Errorf(domain.ErrNotFound, "no dashboard %q", r.dashboard)
	}
	r.region = c.DefaultQuery("region", d.Region)
	if !slices.Contains(d.Regions, r.region) {
		return r, domain.Errorf(domain.ErrNotFound, "dashboard %s does not show region %q", d.ID, r.region)
	}
	r.plan = ""
	return r, nil
}

// embedCache is a bounded LRU of rendered embeds, and the current data
// version with the upload times of versions.
type embedCache struct {
	mu      sync.Mutex
	order   *list.List // front: most recently used
	entries map[string]*list.Element
	max     int

	version   int64
	versionAt time.Time
	times     map[int64]time.Time
}

type embedEntry struct {
	key   string
	live  bool
	at    time.Time
	body  []byte
	ctype string
}

func newEmbedCache(max int) *embedCache {
	return &embedCache{order: list.New(), entries: map[string]*list.Element{}, max: max, times: map[int64]time.Time{}}
}

// current returns the data version, from memory when it was read less
// than versionTTL ago. A new version drops every live entry: they were
// made from older data. Pinned entries stay valid for ever.
func (ec *embedCache) current(ctx context.Context, st *store.Store) (int64, error) {
	ec.mu.Lock()
	if time.Since(ec.versionAt) < versionTTL {
		v := ec.version
		ec.mu.Unlock()
		return v, nil
	}
	ec.mu.Unlock()
	v, err := st.DataVersion(ctx)
	if err != nil {
		return 0, err
	}
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if v != ec.version {
		for el := ec.order.Front(); el != nil; {
			next := el.Next()
			if e := el.Value.(*embedEntry); e.live {
				ec.order.Remove(el)
				delete(ec.entries, e.key)
			}
			el = next
		}
	}
	ec.version, ec.versionAt = v, time.Now()
	return v, nil
}

// versionTime is the upload time of version v (zero when v is 0).
func (ec *embedCache) versionTime(ctx context.Context, st *store.Store, v int64) (time.Time, error) {
	if v <= 0 {
		return time.Time{}, nil
	}
	ec.mu.Lock()
	t, ok := ec.times[v]
	ec.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := st.VersionTime(ctx, v)
	if err != nil {
		return t, err
	}
	ec.mu.Lock()
	if len(ec.times) > 4096 {
		clear(ec.times)
	}
	ec.times[v] = t
	ec.mu.Unlock()
	return t, nil
}

func (ec *embedCache) get(key string) *embedEntry {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	el, ok := ec.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*embedEntry)
	if e.live && time.Since(e.at) > liveTTL {
		ec.order.Remove(el)
		delete(ec.entries, key)
		return nil
	}
	ec.order.MoveToFront(el)
	return e
}

func (ec *embedCache) put(e *embedEntry) {
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if el, ok := ec.entries[e.key]; ok {
		ec.order.Remove(el)
	}
	ec.entries[e.key] = ec.order.PushFront(e)
	for ec.order.Len() > ec.max {
		old := ec.order.Remove(ec.order.Back()).(*embedEntry)
		delete(ec.entries, old.key)
	}
}

// embedCSP lets any site frame the embed. An embed runs no inline script
// (its scripts are files under /static/), so the per-response nonce admits
// nothing; that is what makes it safe to serve cached bodies and to let a
// 304 refresh the stored headers with a new nonce.
func embedCSP(nonce string) string {
	return "default-src 'none'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *"
}

func etagOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// notModified applies RFC 9110's conditional GET: If-None-Match when
// present, else If-Modified-Since.
func notModified(c *gin.Context, etag string, modified time.Time) bool {
	if inm := c.GetHeader("If-None-Match"); inm != "" {
		return etagMatches(inm, etag)
	}
	if ims := c.GetHeader("If-Modified-Since"); ims != "" && !modified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}

func (s *Server) embedIndicator(c *gin.Context) { s.serveEmbed(c, "i") }
func (s *Server) embedPanel(c *gin.Context)     { s.serveEmbed(c, "d") }

// serveEmbed answers an embed or its data: 304 when the client has it,
// else from the cache, else rendered (and cached).
func (s *Server) serveEmbed(c *gin.Context, kind string) {
	ctx := c.Request.Context()
	h := c.Writer.Header()
	allowFraming(c)
	h.Del("Set-Cookie") // embeds set no cookie (not even a logout's)
	r, err := s.parseEmbed(c, kind)
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	cur, err := s.embeds.current(ctx, s.store)
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
	modified, err := s.embeds.versionTime(ctx, s.store, version)
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	key := r.key(version)
	etag := etagOf(key)
	h.Set("ETag", etag)
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if r.pinned() {
		h.Set("Cache-Control", pinnedCacheControl)
	} else {
		h.Set("Cache-Control", liveCacheControl)
	}
	h.Set("Vary", "Accept-Language")
	h.Set("Content-Language", string(r.lang))
	if r.format == "" {
		h.Set("Content-Security-Policy", embedCSP(chart.Nonce()))
	} else {
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Content-Disposition", `attachment; filename="`+r.fileName()+`.`+r.format+`"`)
	}
	if notModified(c, etag, modified) {
		c.Status(http.StatusNotModified)
		c.Writer.WriteHeaderNow()
		return
	}
	if e := s.embeds.get(key); e != nil {
		s.metrics.CacheHits.WithLabelValues("embed", "hit").Inc()
		c.Data(http.StatusOK, e.ctype, e.body)
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
	default:
		err = s.pages.ExecuteTemplate(&buf, "embed.html", v)
	}
	if err != nil {
		s.embedError(c, r, err)
		return
	}
	s.embeds.put(&embedEntry{key: key, live: !r.pinned(), at: time.Now(), body: buf.Bytes(), ctype: ctype})
	c.Data(http.StatusOK, ctype, buf.Bytes())
}

// embedError answers in the embed's frame: a short page anyone may frame,
// not cached for long.
func (s *Server) embedError(c *gin.Context, r embedReq, err error) {
	status, _ := statusOf(err)
	l := r.lang
	if l == "" {
		l = lang(c)
	}
	msg := texts[l]["errorBadRequest"]
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("embed failed", "path", c.Request.URL.Path, "err", err)
		msg = texts[l]["errorInternal"]
	case http.StatusNotFound:
		msg = texts[l]["errorNotFound"]
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", embedCSP(chart.Nonce()))
	h.Del("Set-Cookie")
	c.Status(status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(c.Writer, "embed_error.html", map[string]any{"Lang": l, "Message": msg}); err != nil {
		s.log.Error("render", "template", "embed_error.html", "err", err)
	}
	c.Abort()
}

var fileNameUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName names downloads: pantau-<indicator or panel>-<region>[-v<N>].
func (r embedReq) fileName() string {
	name := "pantau-" + r.indicator
	if r.kind == "d" {
		name = "pantau-" + r.dashboard + "-" + r.panel
	}
	name += "-" + r.region
	if r.version > 0 {
		name += "-v" + strconv.FormatInt(r.version, 10)
	}
	return fileNameUnsafe.ReplaceAllString(name, "_")
}

// embedRow is one value an embed shows: an observation or a plan target.
type embedRow struct {
	RegionCode string   `json:"region"`
	RegionName string   `json:"region_name"`
	Year       int      `json:"year"`
	Group      string   `json:"group,omitempty"`
	Kind       string   `json:"kind"` // observation or target
	Plan       string   `json:"plan,omitempty"`
	Value      float64  `json:"value"`
	High       *float64 `json:"value_high,omitempty"`
	Status     string   `json:"status,omitempty"`
	Note       string   `json:"note,omitempty"`
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
	Illustrative, Pinned     bool
	DataVersion              int64
	UpdatedAt                time.Time
	FullURL, CSVURL, JSONURL string
	ChartID, ExportName      string
	EChartsURL, BootstrapURL string
	ShareURL                 string
	rows                     []embedRow
}

var figcaption = regexp.MustCompile(`(?s)<figcaption>(.*?)</figcaption>`)

// buildEmbed reads the embed's data at version and renders its chart.
func (s *Server) buildEmbed(c *gin.Context, r embedReq, version int64, versionAt time.Time) (*embedView, error) {
	ctx := c.Request.Context()
	// Live embeds too read at the version their key names (the current
	// one, or the one this server last saw): the body always matches its
	// ETag, even when an upload lands while it is rendered.
	pinned := version
	p := &pageCtx{c: c, lang: r.lang, nonce: chart.Nonce(), year: r.year, toYear: 2029, version: pinned,
		inds: map[string]domain.Indicator{}, plans: map[string]domain.Plan{}, series: map[string]store.Series{}}
	var err error
	if p.region, err = s.store.Region(ctx, r.region); err != nil {
		return nil, err
	}
	v := &embedView{Req: r, Lang: r.lang, Theme: r.theme, T: embedTexts[r.lang], Region: p.region, Pinned: r.pinned(),
		DataVersion: version, EChartsURL: chart.EChartsURL, BootstrapURL: chart.BootstrapURL, ShareURL: chart.ShareURL,
		FullURL: r.fullPath(), ExportName: r.fileName()}
	v.CSVURL = r.path() + "?" + r.query("format", "csv")
	v.JSONURL = r.path() + "?" + r.query("format", "json")
	code, title, plan, typ := r.indicator, "", r.plan, dashboards.Series
	id := chart.ID("embed", r.indicator, r.region)
	if r.kind == "d" {
		d, _ := dashboards.Find(s.dashboards, r.dashboard)
		var pn *dashboards.Panel
		for i := range d.Panels {
			if d.Panels[i].ID == r.panel {
				pn = &d.Panels[i]
			}
		}
		if pn == nil || pn.Indicator == "" || pn.Type == dashboards.KPI || pn.Type == dashboards.Scorecard {
			return nil, domain.Errorf(domain.ErrNotFound, "dashboard %s has no chart panel %q", d.ID, r.panel)
		}
		code, title, plan, typ, p.toYear = pn.Indicator, pn.Title.In(r.lang), pn.Plan, pn.Type, d.ToYear
		id = chart.ID(d.ID, pn.ID)
	}
	v.ChartID = id
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
	sr = asOf(sr, p.year)
	p.series[code] = sr
	p.inds[code] = ind
	switch typ {
	case dashboards.Series, dashboards.Breakdown:
		a, err := analyse(sr, plan, p.toYear)
		if err != nil {
			return nil, err
		}
		if typ == dashboards.Series {
			v.Chart, err = p.seriesChart(id, sr, a)
			v.Illustrative = hasIllustrativeTotal(sr)
		} else {
			v.Chart, err = p.breakdownChart(id, sr, a)
			v.Illustrative = isIllustrative(sr)
		}
		if err != nil {
			return nil, err
		}
		v.rows = seriesRows(r.lang, sr, typ == dashboards.Breakdown)
	default: // districts, disparity
		if v.Chart, v.Illustrative, err = s.districtChart(p, id, ind, typ == dashboards.Disparity); err != nil {
			return nil, err
		}
		if v.rows, err = s.districtRows(ctx, code, r.region, pinned, p.year, typ == dashboards.Disparity); err != nil {
			return nil, err
		}
	}
	if m := figcaption.FindStringSubmatch(string(v.Chart)); m != nil {
		v.Caption = html.UnescapeString(m[1])
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
		if t, err := s.embeds.versionTime(ctx, s.store, newest); err == nil {
			v.UpdatedAt = t
		}
	}
	v.Source = ind.Source
	if v.Source == "" {
		v.Source = "Pantau"
	}
	if !v.UpdatedAt.IsZero() {
		v.Updated = longDate(r.lang, v.UpdatedAt)
	}
	// A live embed pasted at version `since`: say when its data changed.
	if r.since > 0 && newest > r.since {
		if t, err := s.embeds.versionTime(ctx, s.store, newest); err == nil {
			v.Revised = longDate(r.lang, t)
		}
	}
	return v, nil
}

// seriesRows are the values a series or breakdown chart shows.
func seriesRows(l locale.Lang, sr store.Series, groups bool) []embedRow {
	var out []embedRow
	for _, o := range sr.Observations {
		if o.Disagg != domain.Total && !groups {
			continue
		}
		out = append(out, embedRow{RegionCode: sr.Region.Code, RegionName: sr.Region.Name, Year: o.Year, Group: chart.GroupLabel(l, o.Disagg),
			Kind: "observation", Value: o.Value, Status: string(o.Status), Note: o.Note})
	}
	if groups {
		return out
	}
	plans := map[string]string{}
	for _, p := range sr.Plans {
		plans[p.Code] = p.Name
	}
	for _, t := range sr.Targets {
		if t.Disagg != domain.Total {
			continue
		}
		row := embedRow{RegionCode: t.RegionCode, RegionName: sr.Region.Name, Year: t.Year, Kind: "target", Plan: plans[t.PlanCode], Value: t.Low, Note: t.Note}
		if t.RegionCode != sr.Region.Code {
			row.RegionName = ""
		}
		if t.IsRange() {
			hi := t.High
			row.High = &hi
		}
		out = append(out, row)
	}
	return out
}

// districtRows are the district values a districts chart (one year) or a
// disparity chart (every year) is drawn from.
func (s *Server) districtRows(ctx context.Context, code, parent string, pinned int64, upTo int, allYears bool) ([]embedRow, error) {
	obs, err := s.store.ChildObservationsAt(ctx, code, parent, pinned)
	if err != nil {
		return nil, err
	}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: parent})
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, ch := range children {
		names[ch.Code] = ch.Name
	}
	year := 0
	for _, o := range obs {
		if upTo == 0 || o.Year <= upTo {
			year = max(year, o.Year)
		}
	}
	var out []embedRow
	for _, o := range obs {
		if o.Year > year || !allYears && o.Year != year {
			continue
		}
		out = append(out, embedRow{RegionCode: o.RegionCode, RegionName: names[o.RegionCode], Year: o.Year, Kind: "observation",
			Value: o.Value, Status: string(o.Status), Note: o.Note})
	}
	return out, nil
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
			r.Value, high, v.Indicator.Unit, r.Status, r.Note, v.Source, int(v.DataVersion)); err != nil {
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
	etag := etagOf(string(chart.EmbedScript))
	c.Header("ETag", etag)
	c.Header("Cache-Control", "public, max-age=3600, stale-while-revalidate=86400")
	c.Header("Access-Control-Allow-Origin", "*")
	c.Header("Cross-Origin-Resource-Policy", "cross-origin")
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", chart.EmbedScript)
}
