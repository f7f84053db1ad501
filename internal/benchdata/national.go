package benchdata

import (
	"context"
	"fmt"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/wilayah"
)

// The national data set's shape (issue 17): the official region list and,
// for every kecamatan, NationalIndicators indicators over DistrictYears
// years; for every village the first VillageIndicators of them over
// VillageYears years. With the whole country that is 7,557,800 values.
const (
	NationalIndicators = 50
	DistrictYears      = 15 // 2010–2024
	VillageIndicators  = 5
	VillageYears       = 5 // 2020–2024
	NationalFirstYear  = 2010
)

// NationalVersion names what LoadNational generates: a database cached by
// an earlier run (the benchmark keeps its SQLite file under .cache/) is
// reused only under the same version. Change it with the generator.
const NationalVersion = 2

// nationalCodes are the indicators' codes: the starter catalogue's first
// ten (so the built-in dashboards have data to draw), then generic ones.
var nationalCodes = []string{"kemiskinan", "kemiskinan_ekstrem", "tpt", "ipm", "pertumbuhan_ekonomi", "gini", "stunting", "rls", "hls", "uhh"}

// NationalIndicatorCode is the code of the i-th indicator of the national set.
func NationalIndicatorCode(i int) string {
	if i < len(nationalCodes) {
		return nationalCodes[i]
	}
	return fmt.Sprintf("ind%02d", i)
}

// National is what LoadNational stored.
type National struct {
	Regions, Districts, Villages int
	Values                       int64
}

// LoadNational prepares an empty store as `pantau init --region root`
// would for the regions (the official territory of root, through the same
// AddRegions) with root as the home region, puts the indicators and
// imports the values through the import path (COPY on PostgreSQL), in one
// upload, generated in key order. root "ID" is the national benchmark; a
// regency keeps a test of the same code fast.
func LoadNational(ctx context.Context, st *store.Store, root string) (National, error) {
	var n National
	list, err := wilayah.Official()
	if err != nil {
		return n, err
	}
	territory, err := list.Territory(root)
	if err != nil {
		return n, err
	}
	regions := make([]domain.Region, len(territory))
	for i, e := range territory {
		regions[i] = e.Region()
		switch e.Level {
		case domain.LevelDistrict:
			n.Districts++
		case domain.LevelVillage:
			n.Villages++
		}
	}
	n.Regions = len(regions)
	if _, err := st.AddRegions(ctx, store.CatalogImport{Filename: "wilayah: " + wilayah.Source, CreatedBy: "benchdata"}, regions, "benchdata"); err != nil {
		return n, err
	}
	for i := 0; i < NationalIndicators; i++ {
		pol := domain.LowerIsBetter
		if i%2 == 1 {
			pol = domain.HigherIsBetter
		}
		if err := st.PutIndicator(ctx, domain.Indicator{Code: NationalIndicatorCode(i), NameID: fmt.Sprintf("Indikator nasional %d", i),
			NameEN: fmt.Sprintf("National indicator %d", i), Unit: domain.UnitPercent, Polarity: pol, Decimals: 2, Source: "benchmark"}); err != nil {
			return n, err
		}
	}
	if err := st.SetInstance(ctx, root, store.PreparedByInit); err != nil {
		return n, err
	}
	src := func(emit func(domain.Observation) error) (domain.Counts, error) {
		for i := 0; i < NationalIndicators; i++ {
			ind := NationalIndicatorCode(i)
			for ri, r := range regions {
				first, years := 0, 0
				switch {
				case r.Level == domain.LevelDistrict:
					first, years = NationalFirstYear, DistrictYears
				case r.Level == domain.LevelVillage && i < VillageIndicators:
					first, years = NationalFirstYear+DistrictYears-VillageYears, VillageYears
				}
				for y := 0; y < years; y++ {
					v := 5 + float64((i*13+ri*7+y*3)%4000)/100 - float64(y)*0.2
					if err := emit(domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: ind, RegionCode: r.Code, Year: first + y},
						Value: v, Status: domain.StatusFinal}); err != nil {
						return domain.Counts{}, err
					}
					n.Values++
				}
			}
		}
		return domain.Counts{}, nil
	}
	if _, err := st.ImportObservations(ctx, domain.Upload{Filename: "benchdata national", CreatedBy: "benchdata"}, src, store.ImportOptions{KeysDistinct: true}); err != nil {
		return n, err
	}
	// What autovacuum would do within a minute or two on PostgreSQL: the
	// benchmark measures the instance as it serves, not while it settles.
	return n, st.Analyze(ctx)
}
