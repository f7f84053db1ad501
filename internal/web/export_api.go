package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/export"
	"pantau/internal/httpx"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// exportRequest is what /api/v1/export and /api/v1/export/metadata read
// from the query: ?format=&kind=&indicator=&region=&compare=&from=&to=&locale=.
func exportRequest(c *gin.Context) (kind string, sel store.Selection, opts export.Options, err error) {
	if opts.Format, err = export.ParseFormat(c.Query("format")); err != nil {
		return
	}
	if opts.Locale, err = fileLocale(c); err != nil {
		return
	}
	switch kind = c.DefaultQuery("kind", export.KindObservations); kind {
	case export.KindObservations, export.KindTargets:
	default:
		err = domain.Errorf(domain.ErrInvalid, "kind %q: use observations or targets", kind)
		return
	}
	for _, v := range c.QueryArray("indicator") {
		for _, code := range strings.Split(v, ",") {
			if code = strings.TrimSpace(code); code != "" {
				sel.Indicators = append(sel.Indicators, code)
			}
		}
	}
	sel.RegionSubtree = strings.TrimSpace(c.Query("region"))
	// compare= as an indicator page reads it (the page's CSV link carries
	// its own): the compared regions' rows beside the region's.
	sc, err := parseScope(url.Values{"compare": {strings.Join(c.QueryArray("compare"), ",")}}, sel.RegionSubtree)
	if err != nil {
		return
	}
	sel.Regions = sc.compare
	if sel.FromYear, err = yearParam(c, "from"); err != nil {
		return
	}
	sel.ToYear, err = yearParam(c, "to")
	return
}

// fileLocale reads a download's ?locale= (locale.ParseLoose): the
// language of its words and, for CSV, its conventions (export.Options).
func fileLocale(c *gin.Context) (locale.Lang, error) {
	raw := c.Query("locale")
	if l, ok := locale.ParseLoose(raw); ok {
		return l, nil
	}
	return "", domain.Errorf(domain.ErrInvalid, "locale %q: use %s (';' and a decimal comma) or %s (',' and a decimal point)", raw, locale.ID, locale.EN)
}

// yearParam reads an optional year from the query (0 when absent).
func yearParam(c *gin.Context, name string) (int, error) {
	raw := strings.TrimSpace(c.Query(name))
	if raw == "" {
		return 0, nil
	}
	y, ok := parseYear(raw)
	if !ok {
		return 0, domain.Errorf(domain.ErrInvalid, "%s=%q: want a year %d–%d", name, raw, domain.MinYear, domain.MaxYear)
	}
	return y, nil
}

// exportFilename names a download after what it holds, e.g.
// pantau-observations-16.07-2020-2025-v7.csv, or with compared regions
// pantau-observations-kemiskinan-16.07+16+ID-2022-2024-v7.csv.
func exportFilename(kind string, sel store.Selection, f export.Format, version int64) string {
	parts := []string{"pantau", kind}
	if len(sel.Indicators) == 1 {
		parts = append(parts, sel.Indicators[0])
	}
	if sel.RegionSubtree != "" {
		parts = append(parts, strings.Join(append([]string{sel.RegionSubtree}, sel.Regions...), "+"))
	}
	if sel.FromYear != 0 || sel.ToYear != 0 {
		from, to := "", ""
		if sel.FromYear != 0 {
			from = strconv.Itoa(sel.FromYear)
		}
		if sel.ToYear != 0 {
			to = strconv.Itoa(sel.ToYear)
		}
		parts = append(parts, from+"-"+to)
	}
	if f != export.CSV && f != export.JSON {
		parts = append(parts, string(f))
	}
	parts = append(parts, "v"+strconv.FormatInt(version, 10))
	return strings.Join(parts, "-") + f.Extension()
}

// exportETag identifies an export by the data version and the query: the
// same request against the same data version gives the same bytes.
func exportETag(c *gin.Context, version int64) string {
	h := sha256.Sum256([]byte(c.Request.URL.Query().Encode()))
	return fmt.Sprintf(`"v%d-%s"`, version, hex.EncodeToString(h[:6]))
}

// exportQuery reads an export's parameters and the data version they are
// answered at.
func (s *Server) exportQuery(c *gin.Context) (string, store.Selection, export.Options, int64, error) {
	kind, sel, opts, err := exportRequest(c)
	if err == nil {
		// Named as the indicator page names them (its CSV link carries
		// compare=).
		err = s.checkCompared(c.Request.Context(), chartScope{compare: sel.Regions})
	}
	if err != nil {
		return kind, sel, opts, 0, err
	}
	version, err := s.store.DataVersion(c.Request.Context())
	return kind, sel, opts, version, err
}

// getExport streams a bulk export. Everything that can fail before the
// first row (bad parameters, unknown codes) is answered as a JSON error;
// a failure after the first byte closes the connection, so a client never
// mistakes a truncated file for a complete one.
func (s *Server) getExport(c *gin.Context) {
	ctx := c.Request.Context()
	kind, sel, opts, version, err := s.exportQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Query("limit") != "" {
		s.getExportPage(c, kind, sel, opts, version)
		return
	}
	if httpx.Conditional(c, exportETag(c, version), time.Time{}) {
		return
	}
	e, err := export.Prepare(ctx, s.store, kind, sel, opts)
	if err != nil {
		c.Writer.Header().Del("ETag") // the refusal is not the export it names
		s.fail(c, err)
		return
	}
	meta := "/api/v1/export/metadata"
	if q := c.Request.URL.RawQuery; q != "" {
		meta += "?" + q
	}
	c.Header("Content-Type", opts.Format.ContentType())
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, exportFilename(kind, sel, opts.Format, version)))
	c.Header("Link", fmt.Sprintf(`<%s>; rel="describedby"; type="application/json"`, meta))
	c.Header("X-Pantau-Data-Version", strconv.FormatInt(version, 10))
	c.Header("Cache-Control", "no-cache")
	c.Status(http.StatusOK)
	if _, err := e.WriteTo(ctx, c.Writer); err != nil {
		s.abortStream(c, err)
	}
}

// getExportPage answers /api/v1/export?limit=: one page of the selected
// observations as JSON, the rows as the JSON export writes them, in key
// order; ?cursor= continues after a page, next_url names the next page
// (null on the last). A page reads only its own rows (see
// store.ObservationsPage), where a download reads the whole selection.
func (s *Server) getExportPage(c *gin.Context, kind string, sel store.Selection, opts export.Options, version int64) {
	ctx := c.Request.Context()
	limit, err := strconv.Atoi(c.Query("limit"))
	switch {
	case err != nil || limit < 1 || limit > 10000:
		err = domain.Errorf(domain.ErrInvalid, "limit %q: want 1–10000", c.Query("limit"))
	case kind != export.KindObservations:
		err = domain.Errorf(domain.ErrInvalid, "pages (limit=) are of observations; download targets whole")
	case c.Query("format") != "" && opts.Format != export.JSON:
		err = domain.Errorf(domain.ErrInvalid, "pages (limit=) are JSON: use format=json, or download the %s file whole without limit", opts.Format)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	var k exportCursor
	var after *domain.ObservationKey
	if ok, err := readCursor(c, &k); err != nil || ok && k.Indicator == "" {
		s.fail(c, cmp.Or(err, errNotOurCursor(c)))
		return
	} else if ok {
		after = &domain.ObservationKey{IndicatorCode: k.Indicator, RegionCode: k.Region, Disagg: domain.Disaggregation(k.Disagg), Year: k.Year}
	}
	var rows []domain.Observation
	if err = s.checkSelection(ctx, sel); err == nil {
		rows, err = s.store.ObservationsPage(ctx, sel, after, limit+1)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, cur := cutPage(rows, limit, func(o domain.Observation) any {
		return exportCursor{o.IndicatorCode, o.RegionCode, string(o.Disagg), o.Year}
	})
	var next, nextURL any
	if cur != "" {
		q := c.Request.URL.Query()
		q.Set("cursor", cur)
		next, nextURL = cur, "/api/v1/export?"+q.Encode()
	}
	var data strings.Builder
	if err := export.JSONRows(&data, rows); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("X-Pantau-Data-Version", strconv.FormatInt(version, 10))
	c.JSON(http.StatusOK, gin.H{"data": json.RawMessage(data.String()), "version": version, "next": next, "next_url": nextURL})
}

// exportCursor is the opaque ?cursor= of an export's pages: the last key
// of a page.
type exportCursor struct {
	Indicator string `json:"i"`
	Region    string `json:"r"`
	Disagg    string `json:"d"`
	Year      int    `json:"y"`
}

// checkSelection answers unknown indicator or region codes as not found,
// as a download does (export.Prepare), reading only those codes.
func (s *Server) checkSelection(ctx context.Context, sel store.Selection) error {
	if sel.FromYear != 0 && sel.ToYear != 0 && sel.FromYear > sel.ToYear {
		return domain.Errorf(domain.ErrInvalid, "from %d is after to %d", sel.FromYear, sel.ToYear)
	}
	for _, code := range sel.Indicators {
		if _, err := s.store.Indicator(ctx, code); err != nil {
			return err
		}
	}
	if sel.RegionSubtree != "" {
		if _, err := s.store.Region(ctx, sel.RegionSubtree); err != nil {
			return err
		}
	}
	return nil
}

// abortStream ends a response that failed mid-way. Before the first byte
// the client still gets a JSON error; after it, the connection is closed
// without the final chunk, which HTTP clients report as an error.
func (s *Server) abortStream(c *gin.Context, err error) {
	if !c.Writer.Written() {
		s.fail(c, err)
		return
	}
	s.log.Error("stream failed", "path", c.Request.URL.Path, "err", err)
	c.Abort()
	if hj, ok := c.Writer.(http.Hijacker); ok {
		if conn, _, herr := hj.Hijack(); herr == nil {
			conn.Close()
		}
	}
}

// getExportMetadata describes the file the same query to /api/v1/export
// returns: columns, conventions, the indicators' names, units, sources and
// definitions, the data version and the row count.
func (s *Server) getExportMetadata(c *gin.Context) {
	ctx := c.Request.Context()
	kind, sel, opts, version, err := s.exportQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	e, err := export.Prepare(ctx, s.store, kind, sel, opts)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := e.Metadata()
	if err != nil {
		s.fail(c, err)
		return
	}
	data := withQuery(c, "/api/v1/export")
	c.JSON(http.StatusOK, gin.H{"data": gin.H{
		"metadata":     m,
		"filename":     exportFilename(kind, sel, opts.Format, version),
		"data_url":     data,
		"data_version": version,
		"rows":         e.Shape.Rows,
		"selection": gin.H{"indicators": sel.Indicators, "region": sel.RegionSubtree, "compare": sel.Regions, "from": e.Shape.FromYear, "to": e.Shape.ToYear,
			"kind": kind},
		"license": "Data publik pemerintah daerah; sebutkan sumber (Pantau dan sumber asli per indikator) / public government data; cite the sources.",
	}})
}

// withQuery is path with the request's query string.
func withQuery(c *gin.Context, path string) string {
	if raw := c.Request.URL.RawQuery; raw != "" {
		return path + "?" + raw
	}
	return path
}

// changeCursor is the opaque ?cursor= of the change feed: where the last
// change of a page stands in the feed's order.
type changeCursor struct {
	Version int64 `json:"v"`
	Series  int64 `json:"s"`
	Year    int   `json:"y"`
}

// opaqueCursor is v as a ?cursor=: its JSON, base64 for a URL.
func opaqueCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readCursor reads ?cursor= into v: false when there is none, an error
// when it is not one opaqueCursor made.
func readCursor(c *gin.Context, v any) (bool, error) {
	raw := c.Query("cursor")
	if raw == "" {
		return false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return true, errNotOurCursor(c)
	}
	return true, nil
}

func errNotOurCursor(c *gin.Context) error {
	return domain.Errorf(domain.ErrInvalid, "cursor %q is not one this API gave out", c.Query("cursor"))
}

// cutPage cuts rows read with limit+1 to the page and, when more follow,
// gives the cursor after its last row (cursorOf names a row's place).
func cutPage[T any](rows []T, limit int, cursorOf func(T) any) ([]T, string) {
	if len(rows) <= limit {
		return rows, ""
	}
	return rows[:limit], opaqueCursor(cursorOf(rows[limit-1]))
}

// getChanges lists observation changes (first values and revisions) made
// after data version ?since=, oldest first, a page of ?limit= at a time;
// ?cursor= continues a page. When next is null the client has everything
// up to "version" and resumes later with since=version (a row newer than
// version may already have been listed: changes are keyed by key and
// version, so seeing one twice is harmless).
func (s *Server) getChanges(c *gin.Context) {
	ctx := c.Request.Context()
	since, err := strconv.ParseInt(c.Query("since"), 10, 64)
	if err != nil || since < 0 {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "since is required: a data version (an upload id, 0 for everything), e.g. ?since=0"))
		return
	}
	limit := 1000
	if raw := c.Query("limit"); raw != "" {
		if limit, err = strconv.Atoi(raw); err != nil || limit < 1 || limit > 10000 {
			s.fail(c, domain.Errorf(domain.ErrInvalid, "limit %q: want 1–10000", raw))
			return
		}
	}
	var cc changeCursor
	var after *store.ChangeCursor
	if ok, err := readCursor(c, &cc); err != nil || ok && cc.Series == 0 {
		s.fail(c, cmp.Or(err, errNotOurCursor(c)))
		return
	} else if ok {
		after = &store.ChangeCursor{Version: cc.Version, Series: cc.Series, Year: cc.Year}
	}
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	changes, err := s.store.Changes(ctx, since, after, limit+1)
	if err != nil {
		s.fail(c, err)
		return
	}
	changes, cur := cutPage(changes, limit, func(ch store.Change) any { return changeCursor{ch.Version, ch.Series, ch.Year} })
	var next, nextURL any
	if cur != "" {
		next, nextURL = cur, fmt.Sprintf("/api/v1/changes?since=%d&limit=%d&cursor=%s", since, limit, cur)
	}
	c.JSON(http.StatusOK, gin.H{"data": changes, "since": since, "version": version, "next": next, "next_url": nextURL})
}
