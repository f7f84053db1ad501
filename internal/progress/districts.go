package progress

import "pantau/internal/domain"

// DistrictValuesByYear groups the observations of the regions below one
// parent by year, with each region's name and, where stored for that year,
// its population (for the Williamson index). A year without population
// falls back to the region's latest earlier population, since censuses and
// projections are not yearly everywhere.
func DistrictValuesByYear(obs, population []domain.Observation, regions []domain.Region) map[int][]DistrictValue {
	names := map[string]string{}
	for _, r := range regions {
		names[r.Code] = r.Name
	}
	pop := map[string]map[int]float64{}
	for _, p := range population {
		if p.Disagg != domain.Total {
			continue
		}
		if pop[p.RegionCode] == nil {
			pop[p.RegionCode] = map[int]float64{}
		}
		pop[p.RegionCode][p.Year] = p.Value
	}
	popAt := func(region string, year int) *float64 {
		best, bestYear := 0.0, 0
		for y, v := range pop[region] {
			// The nearest year at or before; else the nearest after.
			if bestYear == 0 || abs(y-year) < abs(bestYear-year) || abs(y-year) == abs(bestYear-year) && y < bestYear {
				best, bestYear = v, y
			}
		}
		if bestYear == 0 {
			return nil
		}
		return &best
	}
	out := map[int][]DistrictValue{}
	for _, o := range obs {
		if o.Disagg != domain.Total {
			continue
		}
		out[o.Year] = append(out[o.Year], DistrictValue{Region: o.RegionCode, Name: names[o.RegionCode], Value: o.Value, Population: popAt(o.RegionCode, o.Year)})
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
