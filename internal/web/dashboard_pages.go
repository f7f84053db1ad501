package web

import (
	"context"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/dashboards"
	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// panelView is one dashboard panel, ready for the template.
type panelView struct {
	ID, Type, Title string
	Chart           template.HTML
	Rows            []chart.ScoreRow
	Empty           bool
	// Note replaces "no data" when a panel is empty for another reason.
	Note         string
	Link         string
	Illustrative bool
}

// option is one choice of a selector.
type option struct {
	Value, Label string
	Selected     bool
}

// pageCtx carries what every panel of one page request shares.
type pageCtx struct {
	c      *gin.Context
	lang   locale.Lang
	nonce  string
	region domain.Region
	year   int // 0: latest
	toYear int
	inds   map[string]domain.Indicator
	plans  map[string]domain.Plan
	series map[string]store.Series // the region's series by indicator
	// version pins district reads to a data version (embeds); 0: now.
	version int64
	// scope and compared are an indicator chart's year range and the
	// regions beside its own (compare.go); zero on dashboards.
	scope    chartScope
	compared []comparedRegion
}

// queryYear reads ?year=; empty or invalid means the latest data.
func queryYear(c *gin.Context) int {
	y, ok := parseYear(c.Query("year"))
	if !ok {
		return 0
	}
	return y
}

// newPageCtx reads what a page of the region shares: the region and the
// catalogue. The page reads the series it shows (readSeries).
func (s *Server) newPageCtx(c *gin.Context, regionCode string, toYear int) (*pageCtx, error) {
	ctx := c.Request.Context()
	p := &pageCtx{c: c, lang: lang(c), nonce: chart.Nonce(), year: queryYear(c), toYear: toYear,
		inds: map[string]domain.Indicator{}, plans: map[string]domain.Plan{}, series: map[string]store.Series{}}
	var err error
	if p.region, err = s.store.Region(ctx, regionCode); err != nil {
		return nil, err
	}
	inds, err := s.store.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		p.inds[ind.Code] = ind
	}
	plans, err := s.store.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, pl := range plans {
		p.plans[pl.Code] = pl
	}
	return p, nil
}

// readSeries reads the region's series of the indicators only (every
// indicator when none is named), as of the page's year.
func (s *Server) readSeries(p *pageCtx, only ...string) error {
	all, err := s.store.RegionSeries(p.c.Request.Context(), p.region.Code, only...)
	if err != nil {
		return err
	}
	for _, sr := range all {
		p.series[sr.Indicator.Code] = asOf(sr, p.year)
	}
	return nil
}

// asOf leaves out observations after year (0: keep all), so a page can
// show where things stood in that year.
func asOf(s store.Series, year int) store.Series {
	if year == 0 {
		return s
	}
	obs := make([]domain.Observation, 0, len(s.Observations))
	for _, o := range s.Observations {
		if o.Year <= year {
			obs = append(obs, o)
		}
	}
	s.Observations = obs
	return s
}

// isIllustrative reports whether any observation or plan of the series is
// labelled as generated demo data.
func isIllustrative(s store.Series) bool {
	for _, o := range s.Observations {
		if illustrativeNote(o.Note) {
			return true
		}
	}
	for _, p := range s.Plans {
		if p.Illustrative {
			return true
		}
	}
	return false
}

func illustrativeNote(note string) bool {
	n := strings.ToLower(note)
	return strings.Contains(n, "ilustratif") || strings.Contains(n, "illustrative")
}

// analysed is one series analysed for a page: the total and its groups.
type analysed struct {
	total   *progress.Analysis
	groups  []progress.Analysis
	gaps    []progress.GroupGap
	caption progress.Text
}

func analyse(sr store.Series, plan string, toYear int) (analysed, error) {
	var out analysed
	opt := progress.Options{PlanCode: plan}
	if toYear > domain.DefaultHorizon {
		opt.ProjectionYears = progress.YearsThrough(domain.DefaultPlanStart, toYear)
	}
	var groups []progress.GroupSeries
	for _, ps := range splitSeries(sr) {
		a, err := progress.Analyze(ps, opt)
		if err != nil {
			return out, err
		}
		if ps.Disagg == domain.Total {
			out.total = &a
			continue
		}
		out.groups = append(out.groups, a)
		groups = append(groups, progress.GroupSeries{Disagg: ps.Disagg, Observations: ps.Observations})
	}
	if len(groups) > 1 {
		var err error
		if out.gaps, err = progress.GroupGaps(sr.Indicator, groups); err != nil {
			return out, err
		}
	}
	out.caption = progress.Caption(captionInput(sr, plan))
	return out, nil
}

// drawn is a rendered chart with its caption kept as data: embeds repeat
// the caption in their JSON download.
type drawn struct {
	HTML    template.HTML
	Caption string
	// Table is the chart's data, for the indicator page's table tab.
	Table chart.Table
}

// draw renders ch in the page's language.
func (p *pageCtx) draw(ch chart.Chart) (drawn, error) {
	h, err := chart.Render(ch, p.lang)
	if err != nil {
		return drawn{}, err
	}
	return drawn{HTML: h, Caption: ch.Caption, Table: ch.Table}, nil
}

// seriesChart renders the main chart of a series, or nothing (HTML "")
// when there is nothing to draw.
func (p *pageCtx) seriesChart(id string, sr store.Series, a analysed) (drawn, error) {
	if a.total == nil {
		return drawn{}, nil
	}
	ch, err := chart.Series(chart.SeriesInput{ID: id, Lang: p.lang, Analysis: *a.total, Indicator: sr.Indicator,
		Targets: sr.Targets, Plans: sr.Plans, ToYear: p.toYear, Caption: a.caption.In(p.lang),
		From: p.scope.from, To: p.scope.to, Region: sr.Region.Name, Compared: chartCompared(p.compared)})
	if err != nil {
		return drawn{}, err
	}
	return p.draw(ch)
}

// breakdownChart renders a series by group, or nothing when it has none.
func (p *pageCtx) breakdownChart(id string, sr store.Series, a analysed) (drawn, error) {
	if len(a.groups) == 0 {
		return drawn{}, nil
	}
	caption := a.caption.In(p.lang)
	if len(a.gaps) > 0 {
		caption = a.gaps[0].Sentence.In(p.lang)
	}
	ch, err := chart.Breakdown(chart.BreakdownInput{ID: id, Lang: p.lang, Indicator: sr.Indicator, Total: a.total, Groups: a.groups, Caption: caption})
	if err != nil {
		return drawn{}, err
	}
	return p.draw(ch)
}

// scoreRows is the scorecard of the region's series, limited to codes
// when given (in that order) and to totals when totalsOnly.
func (p *pageCtx) scoreRows(codes []string, plan string, totalsOnly bool) ([]chart.ScoreRow, bool, error) {
	var series []progress.Series
	illustrative := false
	order := codes
	if len(order) == 0 {
		for code := range p.series {
			order = append(order, code)
		}
		slices.Sort(order)
	}
	for _, code := range order {
		sr, ok := p.series[code]
		if !ok {
			continue
		}
		illustrative = illustrative || isIllustrative(sr)
		for _, ps := range splitSeries(sr) {
			if totalsOnly && ps.Disagg != domain.Total {
				continue
			}
			series = append(series, ps)
		}
	}
	rows, err := progress.Scorecard(series, progress.Options{PlanCode: plan})
	if err != nil {
		return nil, false, err
	}
	return chart.Scorecard(p.lang, rows, p.inds, p.plans), illustrative, nil
}

// districtPanels renders the bar chart of one year or the disparity trend.
func (s *Server) districtChart(p *pageCtx, id string, ind domain.Indicator, overTime bool) (drawn, bool, error) {
	ctx := p.c.Request.Context()
	obs, err := s.store.ChildObservationsAt(ctx, ind.Code, p.region.Code, p.version)
	if err != nil {
		return drawn{}, false, err
	}
	pop, err := s.store.ChildObservationsAt(ctx, domain.PopulationCode, p.region.Code, p.version)
	if err != nil {
		return drawn{}, false, err
	}
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: p.region.Code})
	if err != nil {
		return drawn{}, false, err
	}
	illustrative := false
	for _, o := range obs {
		illustrative = illustrative || illustrativeNote(o.Note)
	}
	byYear := progress.DistrictValuesByYear(obs, pop, children)
	for y := range byYear {
		if p.year != 0 && y > p.year {
			delete(byYear, y)
		}
	}
	if len(byYear) == 0 {
		return drawn{}, illustrative, nil
	}
	if overTime {
		trend, err := progress.DisparityOverTime(ind, byYear)
		if err != nil {
			return drawn{}, illustrative, err
		}
		ch, err := chart.Disparity(chart.DisparityInput{ID: id, Lang: p.lang, Trend: trend, Caption: trend.Sentence.In(p.lang)})
		if err != nil {
			return drawn{}, illustrative, err
		}
		dr, err := p.draw(ch)
		return dr, illustrative, err
	}
	year := latestYear(byYear)
	d, err := progress.DisparityOf(ind, year, byYear[year])
	if err != nil {
		return drawn{}, illustrative, err
	}
	in := chart.DistrictInput{ID: id, Lang: p.lang, Indicator: ind, Year: year, Disparity: d, ParentName: p.region.Name}
	sr := p.series[ind.Code]
	for _, o := range sr.Observations {
		if o.Disagg == domain.Total && o.Year == year {
			v := o.Value
			in.ParentValue = &v
		}
	}
	if t, plan := nearestTarget(sr, year); t != nil {
		in.Target, in.PlanName = t, chart.PlanShort(plan)
		illustrative = illustrative || plan.Illustrative
	}
	in.Caption = chart.DistrictCaption(p.lang, ind, p.region.Name, d, in.ParentValue, in.Target != nil)
	ch, err := chart.Districts(in)
	if err != nil {
		return drawn{}, illustrative, err
	}
	dr, err := p.draw(ch)
	return dr, illustrative, err
}

// nearestTarget is the most local plan's target for year, or its first
// later one: the bar of a district is read against what the region aims at.
func nearestTarget(sr store.Series, year int) (*domain.Target, domain.Plan) {
	plans := map[string]domain.Plan{}
	for _, p := range sr.Plans {
		plans[p.Code] = p
	}
	rank := map[domain.PlanLevel]int{domain.PlanRegency: 0, domain.PlanProvince: 1, domain.PlanNational: 2}
	var best *domain.Target
	for i, t := range sr.Targets {
		if t.Disagg != domain.Total || t.Year < year {
			continue
		}
		if best == nil || rank[plans[t.PlanCode].Level] < rank[plans[best.PlanCode].Level] ||
			rank[plans[t.PlanCode].Level] == rank[plans[best.PlanCode].Level] && t.Year < best.Year {
			best = &sr.Targets[i]
		}
	}
	if best == nil {
		return nil, domain.Plan{}
	}
	return best, plans[best.PlanCode]
}

// dashLink is a dashboard as the index and the navigation list it: its
// title and description for the home region.
type dashLink struct{ ID, Title, Description string }

// listedDashboards are the instance's dashboards (dashboards.Listed), the
// first being its home dashboard, titled for the home region.
func (s *Server) listedDashboards(c *gin.Context) []dashLink {
	home := s.homeRegion()
	name := home
	if r, err := s.store.Region(c.Request.Context(), home); err == nil {
		name = r.Name
	}
	l := lang(c)
	var out []dashLink
	for _, d := range dashboards.Listed(s.dashboards, home) {
		out = append(out, dashLink{ID: d.ID, Title: d.Title.For(l, name), Description: d.Description.For(l, name)})
	}
	return out
}

// dashboardAt finds dashboard id and the region it shows for a requested
// one (empty: its default): the home region stands in for `home`, and a
// dashboard of another instance, or a region it does not show, is not
// found. Whether the region exists is the store's to say.
func (s *Server) dashboardAt(id, region string) (dashboards.Dashboard, string, error) {
	home := s.homeRegion()
	d, ok := dashboards.Find(s.dashboards, id)
	if !ok || !d.ListedFor(home) {
		return d, "", domain.Errorf(domain.ErrNotFound, "no dashboard %q", id)
	}
	if region == "" {
		region = d.DefaultRegion(home)
	}
	if !d.Shows(region, home) {
		return d, "", domain.Errorf(domain.ErrNotFound, "dashboard %s does not show region %q", d.ID, region)
	}
	return d, region, nil
}

// regionChoices are the selector's regions for a dashboard with a list
// of its own (nil for one that shows any region: it has the region picker
// instead); the region shown is always among them.
func (s *Server) regionChoices(ctx context.Context, d dashboards.Dashboard, shown domain.Region) []option {
	var out []option
	for _, code := range d.Choices(s.homeRegion()) {
		name := code
		if code == shown.Code {
			name = shown.Name
		} else if r, err := s.store.Region(ctx, code); err == nil {
			name = r.Name
		}
		out = append(out, option{Value: code, Label: name, Selected: code == shown.Code})
	}
	return out
}

func (s *Server) dashboardPage(c *gin.Context) {
	d, region, err := s.dashboardAt(c.Param("dashboard"), c.Query("region"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	// The page reads the series its panels show: the dashboard's
	// indicators, or every one of the region's when a scorecard lists none
	// of its own (it covers them all) or no panel names one.
	read := d.Indicators()
	if slices.ContainsFunc(d.Panels, func(pn dashboards.Panel) bool { return pn.Type == dashboards.Scorecard && len(pn.Indicators) == 0 }) {
		read = nil
	}
	p, err := s.newPageCtx(c, region, d.ToYear)
	if err == nil {
		err = s.readSeries(p, read...)
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	l := p.lang
	var panels []panelView
	anyIllustrative := false
	yearsSeen := map[int]bool{}
	for _, sr := range p.series {
		for _, o := range sr.Observations {
			yearsSeen[o.Year] = true
		}
	}
	var leaf *bool // whether the region has no regions below it, once asked
	for _, pn := range d.Panels {
		v := panelView{ID: pn.ID, Type: pn.Type, Title: pn.Title.In(l)}
		id := chart.ID(d.ID, pn.ID)
		ind, known := p.inds[pn.Indicator]
		if v.Title == "" && known {
			v.Title = ind.Name(l)
		}
		if pn.Indicator != "" {
			v.Link = "/i/" + esc(pn.Indicator) + "?region=" + esc(region) + langParam(c)
		}
		switch pn.Type {
		case dashboards.KPI, dashboards.Scorecard:
			v.Rows, v.Illustrative, err = p.scoreRows(pn.Indicators, pn.Plan, pn.Type == dashboards.KPI)
			v.Empty = len(v.Rows) == 0
		case dashboards.Series, dashboards.Breakdown:
			sr, ok := p.series[pn.Indicator]
			if !ok || !known {
				v.Empty = true
				break
			}
			var a analysed
			if a, err = analyse(sr, pn.Plan, d.ToYear); err != nil {
				break
			}
			var dr drawn
			if pn.Type == dashboards.Series {
				dr, err = p.seriesChart(id, sr, a)
			} else {
				dr, err = p.breakdownChart(id, sr, a)
			}
			v.Chart = dr.HTML
			v.Empty = v.Chart == ""
			v.Illustrative = isIllustrative(sr) && (pn.Type == dashboards.Breakdown || hasIllustrativeTotal(sr))
		case dashboards.Districts, dashboards.Disparity:
			if !known {
				v.Empty = true
				break
			}
			if leaf == nil {
				var below []domain.Region
				if below, err = s.store.Regions(c.Request.Context(), store.RegionFilter{Parent: p.region.Code}); err != nil {
					break
				}
				leaf = new(len(below) == 0)
			}
			if *leaf {
				// A kecamatan has no districts: there is no gap to show,
				// which is not the same as data not uploaded yet.
				v.Empty, v.Note = true, l.Get("page.noDistricts", dashboards.PlaceName(l, p.region.Name))
				break
			}
			var dr drawn
			dr, v.Illustrative, err = s.districtChart(p, id, ind, pn.Type == dashboards.Disparity)
			v.Chart = dr.HTML
			v.Empty = v.Chart == ""
		case dashboards.Map:
			if !known {
				v.Empty = true
				break
			}
			var m mapped
			m, err = s.mapChart(p, id, ind)
			v.Chart, v.Illustrative, v.Empty = m.HTML, m.Illustrative, m.HTML == ""
			if m.NoShapes {
				v.Note = fmt.Sprintf(texts[l]["noShapes"], p.region.Name)
			}
		}
		if err != nil {
			s.pageError(c, err)
			return
		}
		anyIllustrative = anyIllustrative || v.Illustrative
		panels = append(panels, v)
	}
	regions := s.regionChoices(c.Request.Context(), d, p.region)
	var picker *pickerView
	if regions == nil {
		marked := read // children are marked by data of what the page shows
		if len(marked) == 0 {
			marked = slices.Sorted(maps.Keys(p.inds))
		}
		pv, err := s.regionPicker(c, p.region, marked)
		if err != nil {
			s.pageError(c, err)
			return
		}
		picker = &pv
	}
	title := d.Title.For(l, p.region.Name)
	s.renderPage(c, http.StatusOK, publicFrame, "dashboard.html", map[string]any{
		"Dashboard": d, "Title": title, "Description": d.Description.For(l, p.region.Name), "Region": p.region,
		"Panels": panels, "Regions": regions, "Picker": picker, "Years": yearOptions(yearsSeen, p.year, l),
		"Illustrative": anyIllustrative, "Nonce": p.nonce, "HasCharts": true, "PageTitle": title,
	})
}

// allGenerated reports whether every total observation of the series is
// generated demo data (the demo's kecamatan): nobody published it.
func allGenerated(sr store.Series) bool {
	n := 0
	for _, o := range sr.Observations {
		if o.Disagg != domain.Total {
			continue
		}
		if !illustrativeNote(o.Note) {
			return false
		}
		n++
	}
	return n > 0
}

// hasIllustrativeTotal reports whether the total series itself (not only
// its groups) or its targets are illustrative.
func hasIllustrativeTotal(sr store.Series) bool {
	for _, o := range sr.Observations {
		if o.Disagg == domain.Total && illustrativeNote(o.Note) {
			return true
		}
	}
	for _, p := range sr.Plans {
		if p.Illustrative {
			return true
		}
	}
	return false
}

func yearOptions(seen map[int]bool, selected int, l locale.Lang) []option {
	out := []option{{Value: "", Label: texts[l]["latestYear"], Selected: selected == 0}}
	ys := make([]int, 0, len(seen))
	for y := range seen {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	for _, y := range ys {
		out = append(out, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == selected})
	}
	return out
}

// esc escapes a path or query part.
func esc(s string) string { return template.URLQueryEscaper(s) }

// langParam keeps an explicit ?lang= and ?theme= on links
// ("&lang=en&theme=dark"): a reader who chose them keeps them on the next
// page without a cookie, so shared caches stay correct.
func langParam(c *gin.Context) string {
	s := ""
	if l, ok := locale.Parse(c.Query("lang")); ok {
		s += "&lang=" + string(l)
	}
	if t := theme(c); t != "" {
		s += "&theme=" + t
	}
	return s
}
