package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// The small-agency form (/unggah/isian): one indicator, one year, a row per
// region of the instance (its home region and the regions right below it)
// with the value stored now beside a box for the new one. Sending it makes
// an ordinary upload — a CSV written from the boxes filled in, previewed,
// confirmed all or nothing, kept and in the history like any file — so the
// form needs no import path of its own, and works as a plain HTML form.

// gridView is the form's rows and what they are for.
type gridView struct {
	Indicator, IndicatorName, Unit string
	Year                           int
	Years                          []int
	Rows                           []gridRow
	// Example is a number written the page language's way, as a hint.
	Example string
}

// gridRow is one region's line of the form.
type gridRow struct {
	Code, Name, Current, Value, Error string
	// Child: a region below the home region, indented under it.
	Child bool
}

// gridField is the form field of a region's new value.
func gridField(code string) string { return "nilai_" + code }

// gridYears are the years the form offers: the last fifteen.
func gridYears(now time.Time) []int {
	var out []int
	for y := now.Year(); y > now.Year()-15; y-- {
		out = append(out, y)
	}
	return out
}

// GridYears are the years the upload page's choice of form offers, and
// DefaultYear the one chosen at first: last year, which agencies usually
// report on.
func (v *uploadView) GridYears() []int { return gridYears(time.Now()) }

// DefaultYear is last year (see GridYears).
func (v *uploadView) DefaultYear() int { return time.Now().Year() - 1 }

// uploadGridPage answers GET /unggah/isian?indicator=&tahun=: the form for
// one indicator and year.
func (s *Server) uploadGridPage(c *gin.Context) {
	v := s.newUploadView(c)
	year, _ := strconv.Atoi(c.Query("tahun"))
	if err := s.fillGrid(c, v, strings.TrimSpace(c.Query("indicator")), year, nil); err != nil {
		s.gridProblem(c, v, err)
		return
	}
	s.renderPage(c, http.StatusOK, uploadFrame, "upload.html", v)
}

// gridProblem shows the form's failure (an unknown indicator, a year out of
// range) on the upload page with its status.
func (s *Server) gridProblem(c *gin.Context, v *uploadView, err error) {
	var status int
	status, v.Error = s.problem(c, err, pageWords{internal: v.T["internal"], known: knownMessage})
	v.Grid = nil
	s.withIndicators(c, v)
	s.renderPage(c, status, uploadFrame, "upload.html", v)
}

// fillGrid builds the form for code and year: the instance's regions with
// their stored values, and (entered != nil) the values typed in.
func (s *Server) fillGrid(c *gin.Context, v *uploadView, code string, year int, entered map[string]string) error {
	ctx := c.Request.Context()
	cat, err := s.store.Catalog(ctx)
	if err != nil {
		return err
	}
	ind, ok := cat.Indicators[code]
	if !ok {
		return domain.Errorf(domain.ErrNotFound, "%s", fmt.Sprintf(v.T["gridUnknown"], code))
	}
	now := time.Now()
	if year == 0 {
		year = now.Year() - 1 // the year agencies usually report on
	}
	if year < 1945 || year > now.Year()+1 {
		return domain.Errorf(domain.ErrInvalid, "%s", fmt.Sprintf(v.T["gridYear"], year))
	}
	g := &gridView{Indicator: code, IndicatorName: ind.Name(v.Lang), Unit: ind.Unit, Year: year, Years: gridYears(now),
		Example: progress.FormatNumber(v.Lang, 9.58, 2)}
	regions, err := s.gridRegions(c)
	if err != nil {
		return err
	}
	values := s.store.StoredValues(ctx)
	for i, r := range regions {
		row := gridRow{Code: r.Code, Name: r.Name, Child: i > 0}
		if val, ok := values.Value(domain.SeriesKey{IndicatorCode: code, RegionCode: r.Code, Year: year}); ok {
			row.Current = progress.FormatNumber(v.Lang, val, ind.Decimals)
		}
		row.Value = entered[r.Code]
		g.Rows = append(g.Rows, row)
	}
	if err := values.Err(); err != nil {
		return err
	}
	v.Grid, v.Params["indicator"] = g, code
	return nil
}

// gridRegions are the regions the form lists: the instance's home region
// and those directly below it (a regency and its kecamatan, a province and
// its regencies; the nation and its provinces when no home is set).
func (s *Server) gridRegions(c *gin.Context) ([]domain.Region, error) {
	ctx := c.Request.Context()
	home, err := s.store.HomeRegion(ctx)
	if err != nil || home == "" {
		home = domain.NationalCode
	}
	top, err := s.store.Region(ctx, home)
	if err != nil {
		return nil, err
	}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: home})
	if err != nil {
		return nil, err
	}
	return append([]domain.Region{top}, children...), nil
}

// postGridPage answers POST /unggah/isian: the values typed in become a
// CSV file, previewed as an uploaded one is (then confirmed on
// /unggah/simpan). A box that holds no number is shown again with its
// reason, before anything is read.
func (s *Server) postGridPage(c *gin.Context) {
	v := s.newUploadView(c)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 1<<20)
	code := strings.TrimSpace(c.PostForm("indicator"))
	year, _ := strconv.Atoi(c.PostForm("tahun"))
	entered := map[string]string{}
	regions, err := s.gridRegions(c)
	if err != nil {
		s.gridProblem(c, v, err)
		return
	}
	for _, r := range regions {
		if val := strings.TrimSpace(c.PostForm(gridField(r.Code))); val != "" {
			entered[r.Code] = val
		}
	}
	if err := s.fillGrid(c, v, code, year, entered); err != nil {
		s.gridProblem(c, v, err)
		return
	}
	v.Params["review"] = c.PostForm("review")
	prefer := ingest.DecimalComma
	if v.Lang == locale.EN {
		prefer = ingest.DecimalPoint
	}
	var csv strings.Builder
	csv.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
	bad := false
	for i, row := range v.Grid.Rows {
		if row.Value == "" {
			continue
		}
		val, ok := ingest.ParseTyped(row.Value, prefer)
		if !ok {
			v.Grid.Rows[i].Error, bad = fmt.Sprintf(v.T["gridNotNumber"], row.Value, v.Grid.Example), true
			continue
		}
		fmt.Fprintf(&csv, "%s;%s;%d;%s\n", row.Code, code, year, strconv.FormatFloat(val, 'f', -1, 64))
	}
	switch {
	case bad:
		v.Error = v.T["gridFix"]
	case len(entered) == 0:
		v.Error = v.T["gridEmpty"]
	}
	if v.Error != "" {
		s.renderPage(c, http.StatusUnprocessableEntity, uploadFrame, "upload.html", v)
		return
	}
	by, status, problem := s.pageUploader(c, v, strings.TrimSpace(c.PostForm("token")))
	if problem != "" {
		v.Error = problem
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	params := map[string]string{"decimal": "point", "review": v.Params["review"]}
	name := fmt.Sprintf("isian-%s-%d.csv", code, year)
	id, f, err := s.uploads.pending.put(strings.NewReader(csv.String()), pendingFile{filename: name, by: by, params: params})
	if err != nil {
		status, v.Error = s.problem(c, err, pageWords{internal: v.T["internal"]})
		s.renderPage(c, status, uploadFrame, "upload.html", v)
		return
	}
	v.Grid = nil
	s.previewPending(c, v, id, f)
}
