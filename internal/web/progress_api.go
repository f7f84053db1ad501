package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/domain"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// splitSeries turns a stored series into one progress series per
// disaggregation, the total first.
func splitSeries(s store.Series) []progress.Series {
	byDisagg := map[domain.Disaggregation][]domain.Observation{}
	var keys []domain.Disaggregation
	for _, o := range s.Observations {
		if _, ok := byDisagg[o.Disagg]; !ok {
			keys = append(keys, o.Disagg)
		}
		byDisagg[o.Disagg] = append(byDisagg[o.Disagg], o)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]progress.Series, 0, len(keys))
	for _, k := range keys {
		out = append(out, progress.Series{Indicator: s.Indicator, RegionCode: s.Region.Code, Disagg: k,
			Observations: byDisagg[k], Targets: s.Targets, Plans: s.Plans})
	}
	return out
}

// SeriesProgress is the progress answer for one indicator in one region.
type SeriesProgress struct {
	Indicator domain.Indicator `json:"indicator"`
	Region    domain.Region    `json:"region"`
	// Total is the series without disaggregation; nil when only groups exist.
	Total *progress.Analysis `json:"total,omitempty"`
	// Groups analyses every disaggregated series (women, men, rural, urban).
	Groups []progress.Analysis `json:"groups"`
	// Gaps compares groups of one dimension, and says whether the gap closes.
	Gaps    []progress.GroupGap `json:"gaps"`
	Caption progress.Text       `json:"caption"`
}

// getProgress answers /api/v1/progress: one series with full explanations
// when indicator is given, otherwise the region's scorecard.
func (s *Server) getProgress(c *gin.Context) {
	q, ok := s.requireQuery(c, "?region=16.07", "region")
	if !ok {
		return
	}
	region := q[0]
	opt := progress.Options{PlanCode: c.Query("plan")}
	if c.Query("indicator") == "" {
		s.scorecard(c, region, opt)
		return
	}
	sp, err := s.seriesProgress(c, c.Query("indicator"), region, opt)
	s.answer(c, sp, err)
}

func (s *Server) seriesProgress(c *gin.Context, ind, region string, opt progress.Options) (SeriesProgress, error) {
	stored, err := s.store.Series(c.Request.Context(), ind, region)
	if err != nil {
		return SeriesProgress{}, err
	}
	out := SeriesProgress{Indicator: stored.Indicator, Region: stored.Region, Groups: []progress.Analysis{}, Gaps: []progress.GroupGap{}}
	var groups []progress.GroupSeries
	for _, ps := range splitSeries(stored) {
		a, err := progress.Analyze(ps, opt)
		if err != nil {
			return out, err
		}
		if ps.Disagg == domain.Total {
			out.Total = &a
			continue
		}
		out.Groups = append(out.Groups, a)
		groups = append(groups, progress.GroupSeries{Disagg: ps.Disagg, Observations: ps.Observations})
	}
	if len(groups) > 1 {
		if out.Gaps, err = progress.GroupGaps(stored.Indicator, groups); err != nil {
			return out, err
		}
	}
	out.Caption = progress.Caption(captionInput(stored, opt.PlanCode))
	return out, nil
}

// captionInput picks the total series and the headline target for a caption.
func captionInput(s store.Series, planCode string) progress.CaptionInput {
	in := progress.CaptionInput{Indicator: s.Indicator, RegionName: s.Region.Name}
	for _, o := range s.Observations {
		if o.Disagg == domain.Total {
			in.Observations = append(in.Observations, o)
		}
	}
	plans := map[string]domain.Plan{}
	for _, p := range s.Plans {
		plans[p.Code] = p
	}
	// The caption cites the plan asked for, else the most local plan's
	// last target, else the nearest in time.
	var best *domain.Target
	rank := func(t domain.Target) int {
		p := plans[t.PlanCode]
		switch {
		case planCode != "" && p.Code == planCode:
			return 0
		case p.Level == domain.PlanRegency:
			return 1
		case p.Level == domain.PlanProvince:
			return 2
		}
		return 3
	}
	for i, t := range s.Targets {
		if t.Disagg != domain.Total {
			continue
		}
		if best == nil || rank(t) < rank(*best) || rank(t) == rank(*best) && t.Year > best.Year {
			best = &s.Targets[i]
		}
	}
	if best != nil {
		ct := progress.CaptionTargetOf(plans[best.PlanCode], *best)
		in.Target = &ct
	}
	return in
}

// scorecard answers the region's scorecard: of ?indicators= (comma-separated
// codes) only, as a dashboard's scorecard panel shows them, or of every
// indicator the region has. Only the named series are read.
func (s *Server) scorecard(c *gin.Context, region string, opt progress.Options) {
	var only []string
	for _, code := range strings.Split(c.Query("indicators"), ",") {
		if code = strings.TrimSpace(code); code != "" {
			only = append(only, code)
		}
	}
	all, err := s.store.RegionSeries(c.Request.Context(), region, only...)
	if err != nil {
		s.fail(c, err)
		return
	}
	var series []progress.Series
	for _, st := range all {
		series = append(series, splitSeries(st)...)
	}
	rows, err := progress.Scorecard(series, opt)
	s.answer(c, rows, err)
}

// getDisparity answers /api/v1/disparity: the spread of one indicator
// across the regions below parent, for one year and over time.
func (s *Server) getDisparity(c *gin.Context) {
	q, ok := s.requireQuery(c, "?indicator=kemiskinan&parent=16.07", "indicator", "parent")
	if !ok {
		return
	}
	indCode, parent := q[0], q[1]
	ctx := c.Request.Context()
	ind, err := s.store.Indicator(ctx, indCode)
	if err != nil {
		s.fail(c, err)
		return
	}
	obs, err := s.store.ChildObservations(ctx, indCode, parent)
	if err != nil {
		s.fail(c, err)
		return
	}
	pop, err := s.store.ChildObservations(ctx, domain.PopulationCode, parent)
	if err != nil {
		s.fail(c, err)
		return
	}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: parent})
	if err != nil {
		s.fail(c, err)
		return
	}
	byYear := progress.DistrictValuesByYear(obs, pop, children)
	if len(byYear) == 0 {
		s.fail(c, domain.Errorf(domain.ErrNotFound, "no values of %s below region %s", indCode, parent))
		return
	}
	year, err := yearParam(c, "year")
	if err != nil {
		s.fail(c, err)
		return
	}
	if year == 0 {
		year = latestYear(byYear)
	}
	d, err := progress.DisparityOf(ind, year, byYear[year])
	if err != nil {
		s.fail(c, err)
		return
	}
	trend, err := progress.DisparityOverTime(ind, byYear)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": gin.H{"indicator": ind, "parent": parent, "year": year, "disparity": d, "trend": trend}})
}

func latestYear(byYear map[int][]progress.DistrictValue) int {
	y := 0
	for k := range byYear {
		if k > y {
			y = k
		}
	}
	return y
}

// getAlignment answers /api/v1/alignment: the region's targets beside those
// of the levels above it, flagged where less ambitious or missing.
func (s *Server) getAlignment(c *gin.Context) {
	q, ok := s.requireQuery(c, "?region=16.07", "region")
	if !ok {
		return
	}
	region := q[0]
	ctx := c.Request.Context()
	if _, err := s.store.Region(ctx, region); err != nil {
		s.fail(c, err)
		return
	}
	inds, err := s.store.Indicators(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	targets, err := s.store.TargetsIn(ctx, domain.AncestryOfCode(region))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": progress.Alignment(inds, plans, targets)})
}

// getTargets answers /api/v1/targets: the targets that apply to a region.
func (s *Server) getTargets(c *gin.Context) {
	q, ok := s.requireQuery(c, "?region=16.07", "region")
	if !ok {
		return
	}
	region := q[0]
	targets, err := s.store.TargetsIn(c.Request.Context(), domain.AncestryOfCode(region))
	if err != nil {
		s.fail(c, err)
		return
	}
	out := targets[:0]
	for _, t := range targets {
		if (c.Query("indicator") == "" || t.IndicatorCode == c.Query("indicator")) && (c.Query("plan") == "" || t.PlanCode == c.Query("plan")) {
			out = append(out, t)
		}
	}
	c.JSON(http.StatusOK, gin.H{"data": out})
}

// getHistory answers /api/v1/observations/history: every revision of a series.
func (s *Server) getHistory(c *gin.Context) {
	q, ok := s.requireQuery(c, "?indicator=kemiskinan&region=16.07", "indicator", "region")
	if !ok {
		return
	}
	ind, region := q[0], q[1]
	year, err := yearParam(c, "year")
	if err != nil {
		s.fail(c, err)
		return
	}
	revs, err := s.store.ObservationRevisions(c.Request.Context(), ind, region, year)
	s.answer(c, revs, err)
}
