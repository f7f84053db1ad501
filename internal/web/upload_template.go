package web

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/completeness"
	"pantau/internal/domain"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// Content types of the templates.
const (
	xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvContentType  = "text/csv; charset=utf-8"
)

// uploadTemplatePage answers GET /unggah/templat for a logged-in uploader:
// a file to fill in and upload as it is, of ?indicator=CODE or of every
// indicator of ?agency=CODE (by default the uploader's agency, or for an
// administrator every indicator), as ?format=xlsx (default) or csv, with
// the instance's regions × the years due, pre-filled with stored values.
func (s *Server) uploadTemplatePage(c *gin.Context) {
	p := principal(c)
	if !p.CanUpload() {
		s.fail(c, domain.Errorf(domain.ErrForbidden, "your role (%s) cannot upload data", p.Role))
		return
	}
	format := c.DefaultQuery("format", "xlsx")
	if format != "xlsx" && format != "csv" {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "format=%q: want xlsx or csv", format))
		return
	}
	ctx := c.Request.Context()
	inds, name, err := s.templateIndicators(ctx, p, strings.TrimSpace(c.Query("indicator")), strings.TrimSpace(c.Query("agency")))
	if err != nil {
		s.fail(c, err)
		return
	}
	tpl, err := s.uploadTemplate(ctx, inds, lang(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "private, no-store") // stored values change with every upload
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "templat-" + name + "." + format}))
	if format == "csv" {
		h.Set("Content-Type", csvContentType)
		c.Status(http.StatusOK)
		err = ingest.WriteTemplateCSV(c.Writer, tpl)
	} else {
		h.Set("Content-Type", xlsxContentType)
		c.Status(http.StatusOK)
		err = ingest.WriteTemplateXLSX(c.Writer, tpl)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error("upload template", "err", err)
	}
}

// templateIndicators are the indicators a template holds and the name of
// its file: the one asked for, or an agency's. An uploader gets only their
// own agency's.
func (s *Server) templateIndicators(ctx context.Context, p domain.Principal, indicator, agency string) ([]domain.Indicator, string, error) {
	own := p.UploadAgency()
	if indicator != "" {
		ind, err := s.store.Indicator(ctx, indicator)
		if err != nil {
			return nil, "", err
		}
		if own != "" && ind.AgencyCode != own {
			return nil, "", domain.Errorf(domain.ErrForbidden, "indicator %s belongs to agency %s, not yours (%s)", ind.Code, ind.AgencyCode, own)
		}
		return []domain.Indicator{ind}, ind.Code, nil
	}
	switch {
	case agency == "" && own != "":
		agency = own
	case own != "" && agency != own:
		return nil, "", domain.Errorf(domain.ErrForbidden, "you upload for agency %s, not %s", own, agency)
	}
	all, err := s.store.Indicators(ctx)
	if err != nil {
		return nil, "", err
	}
	var inds []domain.Indicator
	for _, ind := range all {
		if agency == "" || ind.AgencyCode == agency {
			inds = append(inds, ind)
		}
	}
	if len(inds) == 0 {
		return nil, "", domain.Errorf(domain.ErrNotFound, "agency %q has no indicators", agency)
	}
	if agency == "" {
		agency = "semua"
	}
	return inds, agency, nil
}

// uploadTemplate fills a template from the completeness matrix of the
// instance's home region: for each indicator, the regions where it is
// expected (every region of the matrix when it is expected nowhere yet)
// × the matrix's years, with the values stored now.
func (s *Server) uploadTemplate(ctx context.Context, inds []domain.Indicator, l locale.Lang) (ingest.Template, error) {
	root, err := s.store.HomeRegion(ctx)
	if errors.Is(err, domain.ErrNotFound) || err == nil && root == "" {
		root, err = s.defaultRegion(ctx)
	}
	if err != nil {
		return ingest.Template{}, err
	}
	to := time.Now().Year() - 1
	m, err := s.completenessMatrix(ctx, root, to-4, to, completeness.Page{})
	if err != nil {
		return ingest.Template{}, err
	}
	regions := []domain.Region{m.Region}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: root})
	if err != nil {
		return ingest.Template{}, err
	}
	regions = append(regions, children...)
	byCode := map[string]domain.Region{}
	for _, r := range regions {
		byCode[r.Code] = r
	}
	expected := map[string][]domain.Region{}
	for _, row := range m.Rows {
		expected[row.Indicator] = append(expected[row.Indicator], byCode[row.Region])
	}
	stored := s.store.StoredValues(ctx)
	tpl := ingest.Template{Lang: l}
	for _, ind := range inds {
		sh := ingest.TemplateSheet{Indicator: ind}
		regs := expected[ind.Code]
		if len(regs) == 0 {
			regs = regions
		}
		for _, r := range regs {
			for _, y := range m.Years {
				row := ingest.TemplateRow{Region: r, Year: y}
				if o, ok := stored.Get(domain.ObservationKey{IndicatorCode: ind.Code, RegionCode: r.Code, Year: y}); ok {
					row.Value, row.Has = o.Value, true
				}
				sh.Rows = append(sh.Rows, row)
			}
		}
		tpl.Sheets = append(tpl.Sheets, sh)
	}
	return tpl, stored.Err()
}
