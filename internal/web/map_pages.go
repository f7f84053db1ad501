package web

import (
	"slices"
	"strconv"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/store"
)

// mapped is an indicator over the children of the page's region in one
// year, ready for the map tab, a map panel, a map embed and the table tab.
type mapped struct {
	drawn
	Year int
	// Years are the years with values, newest first, for the selector.
	Years []option
	// NoShapes: no child has a stored boundary, so there is no map (the
	// table still has the values).
	NoShapes, Empty, Illustrative bool
	rows                          []embedRow
}

// mapChart builds the choropleth of ind over the children of p.region in
// p.year (0: the newest year with a value). Shapes come from the browser's
// GET of /api/v1/boundaries, cached per data version there; the page only
// learns here which children have one.
func (s *Server) mapChart(p *pageCtx, id string, ind domain.Indicator) (mapped, error) {
	ctx := p.c.Request.Context()
	var m mapped
	children, err := s.store.Regions(ctx, store.RegionFilter{Parent: p.region.Code})
	if err != nil {
		return m, err
	}
	obs, err := s.store.ChildObservationsAt(ctx, ind.Code, p.region.Code, p.version)
	if err != nil {
		return m, err
	}
	seen := map[int]bool{}
	for _, o := range obs {
		if o.Disagg == domain.Total {
			seen[o.Year] = true
		}
	}
	if len(children) == 0 || len(seen) == 0 {
		m.Empty = true
		return m, nil
	}
	m.Year = p.year
	if m.Year == 0 {
		for y := range seen {
			m.Year = max(m.Year, y)
		}
	}
	years := make([]int, 0, len(seen)+1)
	for y := range seen {
		years = append(years, y)
	}
	if !seen[m.Year] {
		years = append(years, m.Year) // asked for; shown as no data
	}
	slices.Sort(years)
	slices.Reverse(years)
	for _, y := range years {
		m.Years = append(m.Years, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == m.Year})
	}

	byCode := map[string]domain.Observation{}
	for _, o := range obs {
		if o.Disagg == domain.Total && o.Year == m.Year {
			byCode[o.RegionCode] = o
		}
	}
	regions := make([]chart.MapRegion, len(children))
	for i, ch := range children {
		r := chart.MapRegion{Code: ch.Code, Name: ch.Name,
			Link: "/i/" + esc(ind.Code) + "?region=" + esc(ch.Code) + langParam(p.c)}
		if o, ok := byCode[ch.Code]; ok {
			v := o.Value
			r.Value, r.Illustrative = &v, illustrativeNote(o.Note)
			m.Illustrative = m.Illustrative || r.Illustrative
			m.rows = append(m.rows, embedRow{RegionCode: ch.Code, RegionName: ch.Name, Year: o.Year, Kind: "observation",
				Value: o.Value, Status: string(o.Status), Note: o.Note})
		}
		regions[i] = r
	}

	in := chart.MapInput{ID: id, Lang: p.lang, Indicator: ind, Year: m.Year, Regions: regions,
		ShapesURL: "/api/v1/boundaries?parent=" + esc(p.region.Code)}
	if t, plan := nearestTarget(p.series[ind.Code], m.Year); t != nil {
		in.Target, in.PlanName = t, chart.PlanShort(plan)
		m.Illustrative = m.Illustrative || plan.Illustrative
	}
	// The instance's own region is outlined: as one of the children, or as
	// the whole map (its shape is among its parent's children).
	switch home := s.homeRegion(); {
	case home == p.region.Code && p.region.ParentCode != "":
		in.Home, in.OutlineURL = home, "/api/v1/boundaries?parent="+esc(p.region.ParentCode)
	case slices.ContainsFunc(children, func(r domain.Region) bool { return r.Code == home }):
		in.Home = home
	}
	in.Caption = chart.MapCaption(p.lang, ind, p.region.Name, m.Year, regions, in.Target)
	ch, err := chart.Choropleth(in)
	if err != nil {
		return m, err
	}
	m.drawn = drawn{Caption: ch.Caption, Table: ch.Table}

	version := p.version
	if version == 0 {
		if version, err = s.store.DataVersion(ctx); err != nil {
			return m, err
		}
	}
	shapes, err := s.shapesAt(p.c, version, p.region.Code, "")
	if err != nil {
		return m, err
	}
	if len(shapes.codes) == 0 {
		m.NoShapes = true
		return m, nil
	}
	m.drawn, err = p.draw(ch)
	return m, err
}
