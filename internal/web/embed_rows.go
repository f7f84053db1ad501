package web

import (
	"context"

	"pantau/internal/chart"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/progress"
	"pantau/internal/store"
)

// The values an embed shows, as rows: what its table, CSV and JSON
// downloads are made of.

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

// seriesRows are the values a series or breakdown chart shows: for a
// series, the years of its scope (from=, to=) and the compared regions'
// values after the region's own, as the chart draws them beside it.
func seriesRows(l locale.Lang, sr store.Series, groups bool, sc chartScope, compared []comparedRegion) []embedRow {
	var out []embedRow
	for _, o := range sr.Observations {
		if o.Disagg != domain.Total && !groups || !sc.holds(o.Year) {
			continue
		}
		out = append(out, embedRow{RegionCode: sr.Region.Code, RegionName: sr.Region.Name, Year: o.Year, Group: chart.GroupLabel(l, o.Disagg),
			Kind: "observation", Value: o.Value, Status: string(o.Status), Note: o.Note})
	}
	if groups {
		return out
	}
	for _, cr := range compared {
		for _, o := range cr.obs {
			if sc.holds(o.Year) {
				out = append(out, embedRow{RegionCode: cr.Region.Code, RegionName: cr.Region.Name, Year: o.Year, Group: chart.GroupLabel(l, o.Disagg),
					Kind: "observation", Value: o.Value, Status: string(o.Status), Note: o.Note})
			}
		}
	}
	plans := map[string]string{}
	for _, p := range sr.Plans {
		plans[p.Code] = progress.PlanName(l, p)
	}
	for _, t := range sr.Targets {
		if t.Disagg != domain.Total || !sc.holds(t.Year) {
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
