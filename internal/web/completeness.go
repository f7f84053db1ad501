package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/completeness"
	"pantau/internal/domain"
	"pantau/internal/export"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/regionsearch"
)

// completenessRequest reads ?region=&from=&to= with their defaults: the
// first regency in the catalogue, and the five years up to last year.
func (s *Server) completenessRequest(c *gin.Context) (region string, from, to int, err error) {
	ctx := c.Request.Context()
	if region = strings.TrimSpace(c.Query("region")); region == "" {
		if region, err = s.defaultRegion(ctx); err != nil {
			return
		}
	}
	if from, err = yearParam(c, "from"); err != nil {
		return
	}
	if to, err = yearParam(c, "to"); err != nil {
		return
	}
	if to == 0 {
		to = time.Now().Year() - 1
		if from > to {
			to = from
		}
	}
	if from == 0 {
		from = to - 4
	}
	switch {
	case from > to:
		err = domain.Errorf(domain.ErrInvalid, "from %d is after to %d", from, to)
	case to-from >= 50:
		err = domain.Errorf(domain.ErrInvalid, "at most 50 years at once (%d–%d)", from, to)
	}
	return
}

// defaultRegion is the first regency (Pantau's first users are regencies),
// else the nation.
func (s *Server) defaultRegion(ctx context.Context) (string, error) {
	ix, err := s.regionIndex(ctx)
	if err != nil {
		return "", err
	}
	if regs, _ := ix.List(regionsearch.Filter{Level: domain.LevelRegency}, 0, 1); len(regs) > 0 {
		return regs[0].Code, nil
	}
	return domain.NationalCode, nil
}

// completenessMatrix reads what the matrix needs and builds its page:
// the counts and summaries from tallies of every row's values (one
// aggregate query), the cells of the page's rows alone.
func (s *Server) completenessMatrix(ctx context.Context, region string, from, to int, page completeness.Page) (completeness.Matrix, error) {
	root, err := s.store.Region(ctx, region)
	if err != nil {
		return completeness.Matrix{}, err
	}
	ix, err := s.regionIndex(ctx)
	if err != nil {
		return completeness.Matrix{}, err
	}
	children := ix.Children(region)
	codes := []string{root.Code}
	for _, r := range children {
		codes = append(codes, r.Code)
	}
	inds, err := s.store.Indicators(ctx)
	if err != nil {
		return completeness.Matrix{}, err
	}
	agencies, err := s.store.Agencies(ctx)
	if err != nil {
		return completeness.Matrix{}, err
	}
	// The rows expected come from the series, the counts from the years
	// shown: a region's values of other years are never read.
	series, err := s.store.TotalSeries(ctx, codes)
	if err != nil {
		return completeness.Matrix{}, err
	}
	now := time.Now().Year()
	stored, err := s.store.PresenceTallies(ctx, codes, from, to, now-1)
	if err != nil {
		return completeness.Matrix{}, err
	}
	targeted, err := s.store.TargetedSeries(ctx, codes)
	if err != nil {
		return completeness.Matrix{}, err
	}
	tallies := make([]completeness.Tally, len(stored))
	for i, p := range stored {
		tallies[i] = completeness.Tally{Indicator: p.IndicatorCode, Region: p.RegionCode, Status: p.Status, N: p.N, Late: p.Late}
	}
	m := completeness.Layout(completeness.Input{Root: root, Children: children, Indicators: inds, Agencies: agencies,
		Series: series, Tallies: tallies, Targeted: targeted, From: from, To: to, CurrentYear: now, Page: page})
	shown := []string{}
	for i, r := range m.Rows {
		if i == 0 || r.Region != m.Rows[i-1].Region {
			shown = append(shown, r.Region)
		}
	}
	cells, err := s.store.Presences(ctx, shown, from, to)
	if err != nil {
		return completeness.Matrix{}, err
	}
	values := make([]completeness.Value, len(cells))
	for i, p := range cells {
		values[i] = completeness.Value{Indicator: p.IndicatorCode, Region: p.RegionCode, Year: p.Year, Status: p.Status}
	}
	m.Fill(values)
	return m, nil
}

// completenessLimit is the API's default page of rows, the page's own.
const completenessLimit = completenessRows

// getCompleteness answers /api/v1/completeness as JSON, a page of
// ?limit= rows (default 200) with counts and summaries of them all,
// ?cursor= continuing after a page and next_url naming the next (null on
// the last); or with ?format=csv as a CSV download of every row (one row
// per cell; ?locale=en for ',').
func (s *Server) getCompleteness(c *gin.Context) {
	region, from, to, err := s.completenessRequest(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	format := c.DefaultQuery("format", "json")
	page := completeness.Page{}
	switch format {
	case "json":
		if page, err = completenessAPIPage(c); err != nil {
			s.fail(c, err)
			return
		}
	case "csv":
	default:
		s.fail(c, domain.Errorf(domain.ErrInvalid, "format %q: use json or csv", c.Query("format")))
		return
	}
	m, err := s.completenessMatrix(c.Request.Context(), region, from, to, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	if format == "csv" {
		s.completenessCSV(c, m)
		return
	}
	var next, nextURL any
	if m.Next != nil {
		cur := opaqueCursor(completenessCursor{m.Next.Region, m.Next.Indicator})
		q := c.Request.URL.Query()
		q.Set("cursor", cur)
		next, nextURL = cur, "/api/v1/completeness?"+q.Encode()
	}
	c.JSON(http.StatusOK, gin.H{"data": m, "next": next, "next_url": nextURL})
}

// completenessCursor is the opaque ?cursor= of the matrix's pages: the
// last row of a page.
type completenessCursor struct {
	Region    string `json:"r"`
	Indicator string `json:"i"`
}

// completenessAPIPage reads ?limit= and ?cursor=.
func completenessAPIPage(c *gin.Context) (completeness.Page, error) {
	pg := completeness.Page{Limit: completenessLimit}
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 10000 {
			return pg, domain.Errorf(domain.ErrInvalid, "limit %q: want 1–10000", raw)
		}
		pg.Limit = n
	}
	var k completenessCursor
	if ok, err := readCursor(c, &k); err != nil || ok && (k.Region == "" || k.Indicator == "") {
		return pg, cmp.Or(err, errNotOurCursor(c))
	} else if ok {
		pg.After = &completeness.RowKey{Region: k.Region, Indicator: k.Indicator}
	}
	return pg, nil
}

func (s *Server) completenessCSV(c *gin.Context, m completeness.Matrix) {
	loc, err := fileLocale(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="pantau-kelengkapan-%s-%d-%d.csv"`, m.Region.Code, m.From, m.To))
	c.Status(http.StatusOK)
	t := export.NewTable(c.Writer, loc)
	t.Row(csvHead(loc, "region_code", "region_name", "indicator_code", "indicator_name", "agency", "year", "state")...)
	for _, r := range m.Rows {
		name := r.NameID
		if loc == locale.EN && r.NameEN != "" {
			name = r.NameEN
		}
		for _, cell := range r.Cells {
			if err := t.Row(r.Region, r.RegionName, r.Indicator, name, r.Agency, cell.Year, string(cell.State)); err != nil {
				s.abortStream(c, err)
				return
			}
		}
	}
	if err := t.Flush(); err != nil {
		s.abortStream(c, err)
	}
}

// completenessPage is /kelengkapan (and /completeness): the matrix as a
// plain HTML table, each state in colour and in words.
func (s *Server) completenessPage(c *gin.Context) {
	region, from, to, err := s.completenessRequest(c)
	if err == nil {
		var m completeness.Matrix
		n, _ := strconv.Atoi(c.Query("halaman"))
		pg := completeness.Page{Offset: (max(n, 1) - 1) * completenessRows, Limit: completenessRows}
		if m, err = s.completenessMatrix(c.Request.Context(), region, from, to, pg); err == nil {
			s.renderPage(c, http.StatusOK, publicFrame, "completeness.html", s.completenessData(c, m))
			return
		}
	}
	s.showProblem(c, publicFrame, "completeness.html", s.completenessData(c, completeness.Matrix{}), err,
		pageWords{internal: texts[lang(c)]["errorInternal"], known: knownMessage})
}

// completenessView is one row of the page's table.
type completenessView struct {
	completeness.Row
	Name    string
	Percent string
}

// completenessData is what completeness.html shows of m: a page of its
// rows, its summaries, its downloads and the region picker.
func (s *Server) completenessData(c *gin.Context, m completeness.Matrix) map[string]any {
	l := lang(c)
	t := completenessTexts[l]
	// The summaries count every cell; the table shows a page of rows: a
	// regency's kecamatan × 50 indicators are over a thousand rows, whose
	// HTML took a second and 380 KB at national scale (issue 17).
	pg := completenessPageOf(c, m)
	rows := make([]completenessView, 0, len(m.Rows))
	for _, r := range m.Rows {
		name := r.NameID
		if l == locale.EN && r.NameEN != "" {
			name = r.NameEN
		}
		rows = append(rows, completenessView{Row: r, Name: name, Percent: progress.FormatNumber(l, r.Counts.Percent, 1) + "%"})
	}
	type agencyView struct {
		completeness.AgencySummary
		Percent string
	}
	agencies := make([]agencyView, len(m.Agencies))
	for i, a := range m.Agencies {
		agencies[i] = agencyView{a, progress.FormatNumber(l, a.Counts.Percent, 1) + "%"}
	}
	q := url.Values{"region": {m.Region.Code}, "from": {strconv.Itoa(m.From)}, "to": {strconv.Itoa(m.To)}}
	api := "/api/v1/completeness?" + q.Encode()
	q.Set("format", "csv")
	q.Set("locale", string(l))
	title := t["title"]
	data := map[string]any{
		"C": t, "M": m, "Rows": rows, "Agencies": agencies, "Page": pg,
		"Percent": progress.FormatNumber(l, m.Counts.Percent, 1) + "%",
		"APIURL":  api, "CSVURL": "/api/v1/completeness?" + q.Encode(), "PageTitle": title,
		"States": []completeness.State{completeness.Present, completeness.Preliminary, completeness.Missing, completeness.Overdue},
	}
	if m.Region.Code != "" {
		data["PageTitle"] = title + " — " + m.Region.Name
		// The region is chosen by name, as on the dashboards.
		if pv, err := s.regionPicker(c, m.Region, m.Indicators); err == nil {
			data["Picker"] = pv
		} else {
			// The form's code field still chooses a region.
			s.log.Error("completeness: region picker", "region", m.Region.Code, "err", err)
		}
	}
	return data
}

// completenessRows is how many rows of the matrix the page shows at once.
const completenessRows = 200

// completenessWindow is the window of the matrix's rows the page shows
// (?halaman=, from 1), with the links to its neighbours.
type completenessWindow struct {
	First, Last, Of  int
	PrevURL, NextURL string
}

func completenessPageOf(c *gin.Context, m completeness.Matrix) completenessWindow {
	n := m.Offset/completenessRows + 1
	w := completenessWindow{First: m.Offset + 1, Last: m.Offset + len(m.Rows), Of: m.TotalRows}
	if n > 1 {
		w.PrevURL = pageURLWith(c, "halaman", strconv.Itoa(n-1))
	}
	if m.Next != nil {
		w.NextURL = pageURLWith(c, "halaman", strconv.Itoa(n+1))
	}
	return w
}

// completenessTexts are the page's strings. State names double as the
// cell text, so a state never relies on colour alone.
var completenessTexts = locale.Sections("completeness")

// csvHead is a CSV download's header in the file's language: the
// catalogue's "csv." column names.
func csvHead(l locale.Lang, cols ...string) []any {
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = l.Get("csv." + c)
	}
	return head
}
