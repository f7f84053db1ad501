package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// What a reader asks an indicator chart to show besides its own region's
// line: other regions beside it (?compare=CODE,CODE) and a year range
// (?from=, ?to=). Pages and embeds read them the same way.

// chartScope is a request's compare= and from=/to=, checked.
type chartScope struct {
	compare  []string // region codes, in the order given, without the main one
	from, to int      // 0: open
}

// set writes the scope into a query (embed links and keys).
func (sc chartScope) set(q url.Values) {
	if len(sc.compare) > 0 {
		q.Set("compare", strings.Join(sc.compare, ","))
	}
	if sc.from != 0 {
		q.Set("from", strconv.Itoa(sc.from))
	}
	if sc.to != 0 {
		q.Set("to", strconv.Itoa(sc.to))
	}
}

// holds reports whether year is inside the scope's from=/to=.
func (sc chartScope) holds(year int) bool {
	return (sc.from == 0 || year >= sc.from) && (sc.to == 0 || year <= sc.to)
}

// query is the scope as a query string, "" when empty.
func (sc chartScope) query() string {
	q := url.Values{}
	sc.set(q)
	return q.Encode()
}

// describe is the scope in words, for what a download or an embed holds:
// "dibandingkan dengan Provinsi Sumatera Selatan dan Indonesia, tahun
// 2022–2024"; names are the compared regions' names, "" when none.
func (sc chartScope) describe(l locale.Lang, names []string) string {
	var parts []string
	if len(names) > 0 {
		parts = append(parts, l.Get("page.scopeCompared", l.And(names)))
	}
	switch {
	case sc.from != 0 && sc.to != 0:
		parts = append(parts, l.Get("page.scopeYears", sc.from, sc.to))
	case sc.from != 0:
		parts = append(parts, l.Get("page.scopeFrom", sc.from))
	case sc.to != 0:
		parts = append(parts, l.Get("page.scopeTo", sc.to))
	}
	return strings.Join(parts, ", ")
}

// scopeError is a compare= or from=/to= a reader got wrong: the page says
// which, in the reader's language, instead of a bare "not valid".
type scopeError struct {
	kind error  // domain.ErrInvalid or domain.ErrNotFound: the status
	id   string // page text with one %s
	arg  string
}

func (e *scopeError) Error() string { return fmt.Sprintf("%s %s", e.id, e.arg) }

// Unwrap is the error an API answers with (oEmbed, the export): its kind
// and the English message.
func (e *scopeError) Unwrap() error {
	return &domain.Error{Kind: e.kind, Message: e.message(locale.EN)}
}

func (e *scopeError) message(l locale.Lang) string { return fmt.Sprintf(texts[l][e.id], e.arg) }

// parseScope reads compare=, from= and to= for a chart of region main.
func parseScope(q url.Values, main string) (chartScope, error) {
	var sc chartScope
	for _, code := range strings.Split(q.Get("compare"), ",") {
		code = strings.TrimSpace(code)
		if code == "" || code == main || slices.Contains(sc.compare, code) {
			continue
		}
		sc.compare = append(sc.compare, code)
	}
	if len(sc.compare) > chart.MaxCompared {
		return sc, &scopeError{domain.ErrInvalid, "compareTooMany", strconv.Itoa(chart.MaxCompared)}
	}
	for name, dst := range map[string]*int{"from": &sc.from, "to": &sc.to} {
		if v := q.Get(name); v != "" {
			y, ok := parseYear(v)
			if !ok {
				return sc, &scopeError{domain.ErrInvalid, "compareBadYear", name + "=" + v}
			}
			*dst = y
		}
	}
	if sc.from != 0 && sc.to != 0 && sc.to < sc.from {
		return sc, &scopeError{domain.ErrInvalid, "compareBadYear", "from=" + strconv.Itoa(sc.from) + " > to=" + strconv.Itoa(sc.to)}
	}
	return sc, nil
}

// comparedRegion is one compared region with its series, for the chart,
// the page's summary and the remove link.
type comparedRegion struct {
	Region domain.Region
	Latest string // "12,3% (2024)", or "" without data
	Remove string // the page's address without this region
	points []progress.Point
	// obs are the observations behind points (totals, by year), for an
	// embed's downloads.
	obs []domain.Observation
}

// loadCompared reads the compared regions' series of indicator code at
// data version (0: now). An unknown code is a scopeError naming it.
func (s *Server) loadCompared(ctx context.Context, page *url.URL, l locale.Lang, ind domain.Indicator, sc chartScope, version int64) ([]comparedRegion, error) {
	out := make([]comparedRegion, 0, len(sc.compare))
	for _, code := range sc.compare {
		r, err := s.store.Region(ctx, code)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, unknownCompared(code)
		}
		if err != nil {
			return nil, err
		}
		var sr store.Series
		if version > 0 {
			sr, err = s.store.SeriesAt(ctx, ind.Code, code, version)
		} else {
			sr, err = s.store.Series(ctx, ind.Code, code)
		}
		if err != nil {
			return nil, err
		}
		cr := comparedRegion{Region: r, Remove: urlWith(page, "compare", strings.Join(without(sc.compare, code), ","))}
		for _, o := range sr.Observations {
			if o.Disagg == domain.Total {
				cr.obs = append(cr.obs, o)
			}
		}
		slices.SortFunc(cr.obs, func(a, b domain.Observation) int { return a.Year - b.Year })
		for _, o := range cr.obs {
			cr.points = append(cr.points, progress.Point{Year: o.Year, Value: o.Value, Status: o.Status})
		}
		if n := len(cr.points); n > 0 {
			last := cr.points[n-1]
			cr.Latest = progress.FormatValue(l, last.Value, ind.Decimals, ind.Unit) + " (" + strconv.Itoa(last.Year) + ")"
		}
		out = append(out, cr)
	}
	return out, nil
}

// unknownCompared is the error of a compared code that names no region.
func unknownCompared(code string) error {
	return &scopeError{domain.ErrNotFound, "compareUnknown", "compare=" + code}
}

// checkCompared answers a compared code that names no region as
// loadCompared does, reading only the regions.
func (s *Server) checkCompared(ctx context.Context, sc chartScope) error {
	for _, code := range sc.compare {
		if _, err := s.store.Region(ctx, code); errors.Is(err, domain.ErrNotFound) {
			return unknownCompared(code)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func without(codes []string, code string) []string {
	return slices.DeleteFunc(slices.Clone(codes), func(c string) bool { return c == code })
}

// chartCompared is the compared regions as the chart draws them.
func chartCompared(crs []comparedRegion) []chart.Compared {
	out := make([]chart.Compared, 0, len(crs))
	for _, cr := range crs {
		out = append(out, chart.Compared{Name: cr.Region.Name, Points: cr.points})
	}
	return out
}

// compareLink is one "compare with" suggestion: a plain link that adds the
// region to compare=.
type compareLink struct {
	Code, Label, URL string
}

// compareCandidates are the regions compareSuggestions chooses from: the
// shown region's ancestors and its siblings that have data for the
// indicator — a few dozen read from the region index, not every region
// with data (a national instance has 83,000 villages).
func (s *Server) compareCandidates(ctx context.Context, region domain.Region, indicator string) ([]domain.Region, error) {
	ix, err := s.regionIndex(ctx)
	if err != nil {
		return nil, err
	}
	cands := ix.Ancestry(region.Code)
	if region.ParentCode != "" {
		cands = append(cands, ix.Children(region.ParentCode)...)
	}
	codes := make([]string, len(cands))
	for i, r := range cands {
		codes[i] = r.Code
	}
	has, err := s.store.RegionsHavingData(ctx, []string{indicator}, codes)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cands, func(r domain.Region) bool { return !has[r.Code] }), nil
}

// compareSuggestions are the regions a reader most likely wants beside
// region: its ancestors (province, nation) first, then a few siblings,
// among those with data for the indicator and not compared yet.
func compareSuggestions(page *url.URL, region domain.Region, withData []domain.Region, sc chartScope) []compareLink {
	if len(sc.compare) >= chart.MaxCompared {
		return nil
	}
	taken := func(code string) bool { return code == region.Code || slices.Contains(sc.compare, code) }
	add := func(code string) string {
		return urlWith(page, "compare", strings.Join(append(slices.Clone(sc.compare), code), ","))
	}
	var out []compareLink
	var siblings []compareLink
	for _, r := range withData {
		if taken(r.Code) {
			continue
		}
		switch {
		case strings.HasPrefix(region.Code, r.Code+".") || (r.Code == domain.NationalCode && region.Code != domain.NationalCode):
			out = append(out, compareLink{Code: r.Code, Label: r.Name, URL: add(r.Code)})
		case r.ParentCode != "" && r.ParentCode == region.ParentCode && len(siblings) < 4:
			siblings = append(siblings, compareLink{Code: r.Code, Label: r.Name, URL: add(r.Code)})
		}
	}
	// Nearest ancestor first: the province before the nation.
	slices.SortFunc(out, func(a, b compareLink) int { return ancestorRank(a.Code) - ancestorRank(b.Code) })
	return append(out, siblings...)
}

// ancestorRank orders ancestors nearest first: longer Kemendagri codes are
// lower levels; the nation comes last.
func ancestorRank(code string) int {
	if code == domain.NationalCode {
		return 100
	}
	return 50 - len(code)
}

// yearChoices are the years a range can start or end at: from the first
// observation or target to the chart's last year.
func yearChoices(sr store.Series, toYear int) []int {
	first := toYear
	for _, o := range sr.Observations {
		first = min(first, o.Year)
	}
	for _, t := range sr.Targets {
		first = min(first, t.Year)
	}
	var out []int
	for y := first; y <= toYear; y++ {
		out = append(out, y)
	}
	return out
}
