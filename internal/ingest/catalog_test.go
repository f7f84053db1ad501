package ingest

import (
	"testing"

	"pantau/internal/domain"
)

// kecamatan are Banyuasin's 21 districts: BPS code, name, Kemendagri code
// (BPS's code bridge, as in shared/data/banyuasin.md).
var kecamatan = [][3]string{
	{"1607010", "Rantau Bayur", "16.07.11"}, {"1607020", "Betung", "16.07.05"}, {"1607021", "Suak Tapeh", "16.07.16"},
	{"1607030", "Pulau Rimau", "16.07.04"}, {"1607031", "Tungkal Ilir", "16.07.15"}, {"1607032", "Selat Penuguan", "16.07.21"},
	{"1607040", "Banyuasin III", "16.07.03"}, {"1607041", "Sembawa", "16.07.17"}, {"1607050", "Talang Kelapa", "16.07.10"},
	{"1607051", "Tanjung Lago", "16.07.12"}, {"1607060", "Banyuasin I", "16.07.01"}, {"1607061", "Air Kumbang", "16.07.19"},
	{"1607070", "Rambutan", "16.07.06"}, {"1607080", "Muara Padang", "16.07.07"}, {"1607081", "Muara Sugihan", "16.07.13"},
	{"1607090", "Makarti Jaya", "16.07.09"}, {"1607091", "Air Salek", "16.07.14"}, {"1607100", "Banyuasin II", "16.07.02"},
	{"1607101", "Karang Agung Ilir", "16.07.20"}, {"1607110", "Muara Telang", "16.07.08"}, {"1607111", "Sumber Marga Telang", "16.07.18"},
}

func ptr(v float64) *float64 { return &v }

// testCatalog is Banyuasin, its districts, South Sumatra and Indonesia, with
// the demo's indicators and plans. Lahat (regency and its district of the
// same name) is there to make a name ambiguous.
func testCatalog(t testing.TB) *domain.Catalog {
	t.Helper()
	must := func(r domain.Region, err error) domain.Region {
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	regions := []domain.Region{
		must(domain.NewRegion("ID", "", "Indonesia")),
		must(domain.NewRegion("16", "16", "Sumatera Selatan")),
		must(domain.NewRegion("16.07", "1607", "Kabupaten Banyuasin")),
		must(domain.NewRegion("16.04", "1604", "Kabupaten Lahat")),
		must(domain.NewRegion("16.04.01", "1604010", "Lahat")),
	}
	for _, k := range kecamatan {
		regions = append(regions, must(domain.NewRegion(k[2], k[0], k[1])))
	}
	inds := []domain.Indicator{
		{Code: "kemiskinan", NameID: "Tingkat kemiskinan", NameEN: "Poverty rate", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2, SDGCode: "1.2.1"},
		{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", NameEN: "Extreme poverty", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2, SDGCode: "1.1.1"},
		{Code: "ipm", NameID: "Indeks Pembangunan Manusia", NameEN: "Human Development Index", Unit: domain.UnitIndex, Polarity: domain.HigherIsBetter, Decimals: 2, Min: ptr(0), Max: ptr(100)},
		{Code: "tpt", NameID: "Tingkat pengangguran terbuka", NameEN: "Open unemployment rate", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2},
		{Code: "pertumbuhan_ekonomi", NameID: "Pertumbuhan ekonomi", NameEN: "Economic growth", Unit: domain.UnitPercent, Polarity: domain.HigherIsBetter, Decimals: 2, Min: ptr(-100)},
		{Code: "stunting", NameID: "Prevalensi stunting", NameEN: "Stunting prevalence", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 1},
		{Code: "penduduk", NameID: "Jumlah penduduk", NameEN: "Population", Unit: domain.UnitPersons, Polarity: domain.Neutral, Min: ptr(0)},
	}
	plans := []domain.Plan{
		{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: domain.PlanNational, RegionCode: "ID", StartYear: 2025, EndYear: 2029},
		{Code: "rkpd-sumsel-2025", Name: "RKPD Prov. Sumsel 2025", Level: domain.PlanProvince, RegionCode: "16", StartYear: 2025, EndYear: 2025},
		{Code: "rpjmd-banyuasin-2025-2029", Name: "RPJMD Kab. Banyuasin 2025–2029", Level: domain.PlanRegency, RegionCode: "16.07", StartYear: 2025, EndYear: 2029, Illustrative: true},
	}
	for _, p := range plans {
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
	}
	return domain.NewCatalog(inds, regions, nil, plans, nil)
}
