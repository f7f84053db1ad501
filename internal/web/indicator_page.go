package web

import (
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// assessmentView is one target's progress verdicts with their inputs.
type assessmentView struct {
	Plan, Year, Target, Required string
	Illustrative                 bool
	SDG, Anticipated             verdictView
}

type verdictView struct {
	Label, Class, Sentence string
	Method, Formula        string
	Base, Latest, Ratio    string
	YearsUsed, YearsWhy    string
	Fallback               string
}

func verdictOf(l locale.Lang, ind domain.Indicator, st progress.Status, label, sentence progress.Text, ex *progress.Explanation, ratio *float64) verdictView {
	v := verdictView{Label: label.In(l), Class: chart.StatusClass(st), Sentence: sentence.In(l)}
	if ex == nil {
		return v
	}
	// The method by its name for people; the API keeps the code.
	v.Method, v.Formula = ex.Method, ex.Formula
	if l.Has("progress.method." + ex.Method) {
		v.Method = l.Get("progress.method." + ex.Method)
	}
	if ex.BaseYear != nil && ex.BaseValue != nil {
		v.Base = progress.FormatValue(l, *ex.BaseValue, ind.Decimals, ind.Unit) + " (" + strconv.Itoa(*ex.BaseYear) + ")"
	}
	if ex.LatestYear != nil && ex.LatestValue != nil {
		v.Latest = progress.FormatValue(l, *ex.LatestValue, ind.Decimals, ind.Unit) + " (" + strconv.Itoa(*ex.LatestYear) + ")"
	}
	if ratio != nil {
		v.Ratio = progress.FormatNumber(l, *ratio, 2)
	}
	ys := make([]string, len(ex.YearsUsed))
	for i, y := range ex.YearsUsed {
		ys[i] = strconv.Itoa(y)
	}
	v.YearsUsed, v.YearsWhy = strings.Join(ys, ", "), ex.YearsWhy.In(l)
	if ex.Fallback && ex.FallbackWhy != nil {
		v.Fallback = ex.FallbackWhy.In(l)
	}
	return v
}

func (s *Server) indicatorPage(c *gin.Context) {
	ctx := c.Request.Context()
	code := c.Param("indicator")
	ind, err := s.store.Indicator(ctx, code)
	if err != nil {
		s.pageError(c, err)
		return
	}
	region := c.DefaultQuery("region", s.homeRegion())
	tab := c.DefaultQuery("tab", "chart")
	if !slices.Contains(indicatorTabs, tab) {
		s.pageError(c, domain.Errorf(domain.ErrInvalid, "tab %q: want chart, map or table", tab))
		return
	}
	p, err := s.newPageCtx(c, region, domain.DefaultHorizon)
	if err != nil {
		s.pageError(c, err)
		return
	}
	l := p.lang
	sr, err := s.store.Series(ctx, code, region)
	if err != nil {
		s.pageError(c, err)
		return
	}
	preview, err := s.previewSeries(c, &sr)
	if errors.Is(err, domain.ErrUnauthorized) {
		toLogin(c)
		return
	}
	if errors.Is(err, errPreviewGone) {
		// Reviewed meanwhile: what it became is the published page.
		q := c.Request.URL.Query()
		q.Del("pratinjau")
		c.Redirect(http.StatusSeeOther, indicatorPath(code, q))
		return
	}
	if err != nil {
		s.pageError(c, err)
		return
	}
	p.series[code] = sr // the one series the page shows (its map's target, previewed too)
	if p.scope, err = parseScope(c.Request.URL.Query(), region); err != nil {
		s.pageError(c, err)
		return
	}
	if p.compared, err = s.loadCompared(ctx, c.Request.URL, l, ind, p.scope, 0); err != nil {
		s.pageError(c, err)
		return
	}
	p.toYear = domain.Horizon(sr.Plans, c.Query("plan"))
	a, err := analyse(sr, c.Query("plan"), p.toYear)
	if err != nil {
		s.pageError(c, err)
		return
	}
	main, err := p.seriesChart(chart.ID("indicator", code, region), sr, a)
	if err != nil {
		s.pageError(c, err)
		return
	}
	breakdown, err := p.breakdownChart(chart.ID("indicator", code, region, "groups"), sr, a)
	if err != nil {
		s.pageError(c, err)
		return
	}
	plans := map[string]domain.Plan{}
	for _, pl := range sr.Plans {
		plans[pl.Code] = pl
	}
	var assessments []assessmentView
	var direction verdictView
	var capaian [][]string
	if t := a.total; t != nil {
		for _, as := range t.Assessments {
			pl := plans[as.Target.Plan]
			tg := domain.Target{Low: as.Target.Low, High: as.Target.High}
			v := assessmentView{Plan: progress.PlanBase(pl), Year: strconv.Itoa(as.Target.Year), Illustrative: pl.Illustrative,
				Target: formatTarget(l, ind, tg)}
			v.SDG = verdictOf(l, ind, as.SDG.Status, as.SDG.Label, as.SDG.Explanation.Sentence, &as.SDG.Explanation, as.SDG.Ratio)
			if r := as.RequiredAnnualChange; r != nil && t.Latest != nil {
				latest := progress.FormatValue(l, t.Latest.Value, ind.Decimals, ind.Unit) + " (" + strconv.Itoa(t.Latest.Year) + ")"
				unit := ind.Unit
				if unit == domain.UnitPercent {
					unit = domain.UnitPercentPts
				}
				// In words, fall or rise, so no sign has to be read.
				change := progress.FormatValueTrim(l, math.Abs(*r), ind.Decimals+1, unit)
				switch {
				case *r < 0:
					v.Required = l.Get("page.requiredFall", latest, change, v.Target, v.Year)
				case *r > 0:
					v.Required = l.Get("page.requiredRise", latest, change, v.Target, v.Year)
				default:
					v.Required = l.Get("page.requiredHold", latest, v.Target, v.Year)
				}
			}
			v.Anticipated = verdictOf(l, ind, as.Anticipated.Status, as.Anticipated.Label, as.Anticipated.Explanation.Sentence, &as.Anticipated.Explanation, as.Anticipated.Ratio)
			// The headline assessment first; the page folds the others.
			if t.Headline != nil && as.Target == t.Headline.Target {
				assessments = append([]assessmentView{v}, assessments...)
			} else {
				assessments = append(assessments, v)
			}
		}
		d := t.DirectionOfTravel
		direction = verdictOf(l, ind, d.Status, d.Label, d.Explanation.Sentence, &d.Explanation, d.Ratio)
		for _, cp := range t.Capaian {
			pct := "–"
			if cp.Percent != nil {
				pct = progress.FormatNumber(l, *cp.Percent, 1) + "%"
			}
			capaian = append(capaian, []string{strconv.Itoa(cp.Year), progress.PlanName(l, plans[cp.Plan]),
				progress.FormatValue(l, cp.Realisasi, ind.Decimals, ind.Unit),
				formatTarget(l, ind, domain.Target{Low: cp.TargetLow, High: cp.TargetHi}), pct,
				map[bool]string{true: "✓", false: "✗"}[cp.Met]})
		}
	}
	revs, err := s.store.ObservationRevisions(ctx, code, region, 0)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var history [][]string
	if len(revs) > 0 {
		who := s.people(ctx, l)
		zone, _ := domain.ZoneOf(p.region.Code)
		for _, r := range revs {
			history = append(history, []string{strconv.Itoa(r.Year), chart.GroupLabel(l, r.Disagg),
				progress.FormatValue(l, r.OldValue, ind.Decimals, ind.Unit), revisedTo(l, ind, r),
				localTime(l, r.ChangedAt, zone), who.name(r.ChangedBy), "#" + strconv.FormatInt(r.UploadID, 10)})
		}
	}
	picker, err := s.regionPicker(c, p.region, []string{code})
	if err != nil {
		s.pageError(c, err)
		return
	}
	withData, err := s.compareCandidates(ctx, p.region, code)
	if err != nil {
		s.pageError(c, err)
		return
	}
	var districts mapped
	if tab != "chart" {
		if districts, err = s.mapChart(p, chart.ID("indicator", code, region, "map"), ind); err != nil {
			s.pageError(c, err)
			return
		}
	}
	q := "?" + url.Values{"indicator": {code}, "region": {region}}.Encode()
	dl := p.downloads(code, region)
	definition, definitionID := definitionIn(l, ind)
	s.renderPage(c, http.StatusOK, publicFrame, "indicator.html", map[string]any{
		"Tab": tab, "Tabs": tabLinks(c, l, tab), "Map": districts, "MapYear": p.year, "SeriesTable": main.Table,
		"Indicator": ind, "Name": ind.Name(l), "Region": p.region, "Picker": picker,
		"Caption": a.caption.In(l), "Chart": main.HTML, "Breakdown": breakdown.HTML,
		"Assessments": assessments, "Direction": direction, "Capaian": capaian, "History": history,
		"Polarity": texts[l][string(ind.Polarity)], "Illustrative": isIllustrative(sr), "Nonce": p.nonce, "HasCharts": true, "PageTitle": ind.Name(l) + " — " + p.region.Name,
		"JSONURL": template.URL(dl.json), "CSVURL": template.URL(dl.csv), "CSVScope": dl.scope,
		"ProgressURL": template.URL("/api/v1/progress" + q), "HistoryURL": template.URL("/api/v1/observations/history" + q),
		"Preview": preview, "Compared": p.compared, "CompareWith": compareSuggestions(c.Request.URL, p.region, withData, p.scope),
		"Generated": allGenerated(sr), "Definition": definition, "DefinitionIndonesian": definitionID, "From": p.scope.from, "To": p.scope.to, "Years": yearChoices(sr, p.toYear),
	})
}

// pageDownloads are an indicator page's data links and what the CSV holds.
type pageDownloads struct{ csv, json, scope string }

// downloads are the page's CSV and JSON links for indicator code in
// region: they hold what the chart shows, the compared regions (the CSV;
// the series JSON is of one region) and the years of its range, each
// parameter escaped on its own.
func (p *pageCtx) downloads(code, region string) pageDownloads {
	years := chartScope{from: p.scope.from, to: p.scope.to}
	sc := years
	names := make([]string, len(p.compared))
	for i, cr := range p.compared {
		sc.compare = append(sc.compare, cr.Region.Code)
		names[i] = cr.Region.Name
	}
	export := url.Values{"format": {"csv"}, "locale": {string(p.lang)}, "indicator": {code}, "region": {region}}
	sc.set(export)
	series := url.Values{"indicator": {code}, "region": {region}}
	years.set(series)
	d := pageDownloads{csv: "/api/v1/export?" + export.Encode(), json: "/api/v1/series?" + series.Encode(), scope: p.lang.Get("page.csvScope")}
	if what := sc.describe(p.lang, names); what != "" {
		d.scope += ", " + what
	}
	return d
}

// revisedTo is a revision's new-value cell: the new value, and what else
// changed; when the value stayed, only what changed ("9,58% · hanya
// catatan berubah: …"), never 9,58% → 9,58%.
func revisedTo(l locale.Lang, ind domain.Indicator, r domain.Revision) string {
	v := progress.FormatValue(l, r.NewValue, ind.Decimals, ind.Unit)
	switch {
	case r.Attrs == domain.AttrValue || r.Attrs == 0:
		return v
	case r.Attrs&domain.AttrValue != 0:
		return v + " · " + r.Attrs.Describe(l)
	}
	what := l.Get("changes.kept") + " · " + r.Attrs.Describe(l)
	if r.Attrs&domain.AttrNote != 0 {
		what += ": “" + r.OldNote + "” → “" + r.NewNote + "”"
	} else if r.Attrs == domain.AttrStatus {
		what += ": " + statusWord(l, r.OldStatus) + " → " + statusWord(l, r.NewStatus)
	}
	return what
}

// indicatorTabs are the views of an indicator page (?tab=), as PRODUCT.md
// names them.
var indicatorTabs = []string{"chart", "map", "table"}

// tabLink is one link of the page's tab bar: plain links, so the tabs work
// without JavaScript and each view has its own address.
type tabLink struct {
	Label, URL string
	Current    bool
}

func tabLinks(c *gin.Context, l locale.Lang, current string) []tabLink {
	out := make([]tabLink, len(indicatorTabs))
	for i, t := range indicatorTabs {
		v := t
		if t == "chart" {
			v = "" // the default: the address the page always had
		}
		out[i] = tabLink{Label: texts[l]["tab"+strings.ToUpper(t[:1])+t[1:]], URL: pageURLWith(c, "tab", v), Current: t == current}
	}
	return out
}

func formatTarget(l locale.Lang, ind domain.Indicator, t domain.Target) string {
	if !t.IsRange() {
		return progress.FormatValueTrim(l, t.Low, ind.Decimals, ind.Unit)
	}
	return progress.FormatNumberTrim(l, t.Low, ind.Decimals) + "–" + progress.FormatValueTrim(l, t.High, ind.Decimals, ind.Unit)
}
