// Package demo loads the Banyuasin demonstration data: real published
// figures (../shared/data/banyuasin.md, with their sources as metadata) and
// clearly labelled illustrative values where nothing is published (regency
// RPJMD targets, district values). Everything goes through the same import
// path as an agency's upload.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
)

//go:embed data/*.csv
var files embed.FS

// IllustrativeNote labels every generated value wherever it is shown.
const IllustrativeNote = "data contoh (ilustratif) / illustrative"

// RegencyCode is the demo's regency, Kabupaten Banyuasin.
const RegencyCode = "16.07"

func f(v float64) *float64 { return &v }

// Agencies of the demo.
var Agencies = []domain.Agency{
	{Code: "bps-banyuasin", Name: "BPS Kabupaten Banyuasin"},
	{Code: "bappeda-banyuasin", Name: "Bappeda Kabupaten Banyuasin"},
	{Code: "dinkes-banyuasin", Name: "Dinas Kesehatan Kabupaten Banyuasin"},
}

// Indicators of the demo, with their published sources.
var Indicators = []domain.Indicator{
	{Code: "kemiskinan", NameID: "Tingkat kemiskinan (P0)", NameEN: "Poverty rate (P0)", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter,
		Decimals: 2, Frequency: "tahunan", SDGCode: "1.2.1", AgencyCode: "bps-banyuasin",
		Source:     "BPS Kabupaten Banyuasin (saranainformasi.com, Okt 2025); databoks",
		Definition: "Persentase penduduk yang berada di bawah garis kemiskinan (Maret). Garis kemiskinan 2023: Rp509.264 per kapita per bulan."},
	{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", NameEN: "Extreme poverty", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter,
		Decimals: 2, Frequency: "tahunan", SDGCode: "1.1.1", AgencyCode: "bps-banyuasin",
		Source:     "Forum Konsultasi Publik RKPD 2026 Kab. Banyuasin, Feb 2025 (Palpos; sumselupdate)",
		Definition: "Persentase penduduk dengan pengeluaran di bawah US$2,15 PPP per hari (sebelumnya US$1,90 PPP: putus seri)."},
	{Code: "ipm", NameID: "Indeks Pembangunan Manusia", NameEN: "Human Development Index", Unit: domain.UnitIndex, Polarity: domain.HigherIsBetter,
		Min: f(0), Max: f(100), Decimals: 2, Frequency: "tahunan", AgencyCode: "bps-banyuasin",
		Source:     "BPS (harianbanyuasin.sumeks.co; merahputihnews.co.id)",
		Definition: "Indeks komposit umur panjang, pengetahuan dan standar hidup layak. BPS mengganti metode pada 2022 (putus seri)."},
	{Code: "tpt", NameID: "Tingkat pengangguran terbuka", NameEN: "Open unemployment rate", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter,
		Decimals: 2, Frequency: "tahunan", SDGCode: "8.5.2", AgencyCode: "bps-banyuasin",
		Source: "BPS, Sakernas Agustus (databoks)", Definition: "Persentase angkatan kerja yang tidak bekerja dan mencari pekerjaan."},
	{Code: "pertumbuhan_ekonomi", NameID: "Pertumbuhan ekonomi", NameEN: "Economic growth", Unit: domain.UnitPercent, Polarity: domain.HigherIsBetter,
		Min: f(-100), Decimals: 2, Frequency: "tahunan", SDGCode: "8.1.1", AgencyCode: "bps-banyuasin",
		Source: "BPS, PDRB atas dasar harga konstan 2010 (databoks)", Definition: "Laju pertumbuhan PDRB riil dibanding tahun sebelumnya."},
	{Code: "stunting", NameID: "Prevalensi stunting balita", NameEN: "Stunting prevalence (under five)", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter,
		Decimals: 1, Frequency: "tahunan", SDGCode: "2.2.1", AgencyCode: "dinkes-banyuasin",
		Source:     "SSGI 2021, SSGI 2022, SKI 2023 (Kementerian Kesehatan)",
		Definition: "Persentase balita dengan tinggi badan menurut umur di bawah −2 SD. Survei berganti pada 2023 (SKI) dan 2024 (SSGI): putus seri."},
	{Code: "gini", NameID: "Rasio Gini", NameEN: "Gini ratio", Unit: domain.UnitRatio, Polarity: domain.LowerIsBetter,
		Min: f(0), Max: f(1), Decimals: 3, Frequency: "tahunan", SDGCode: "10.1.1", AgencyCode: "bps-banyuasin",
		Source: "BPS (Maret)", Definition: "Ketimpangan pengeluaran penduduk; 0 merata sempurna, 1 timpang sempurna."},
	{Code: "penduduk", NameID: "Jumlah penduduk (pertengahan tahun)", NameEN: "Population (mid-year)", Unit: domain.UnitPersons, Polarity: domain.Neutral,
		Min: f(0), Decimals: 0, Frequency: "tahunan", AgencyCode: "bps-banyuasin",
		Source: "BPS (Sensus Penduduk 2020; proyeksi), via Wikipedia", Definition: "Jumlah penduduk pada pertengahan tahun."},
}

// Plans of the demo: the real RPJMN and Sumsel RKPD, and an illustrative
// regency RPJMD (its targets are not published).
var Plans = []domain.Plan{
	{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: domain.PlanNational, RegionCode: domain.NationalCode,
		StartYear: 2025, EndYear: 2029, Source: "Perpres 12/2025"},
	{Code: "rkpd-sumsel-2025", Name: "RKPD Prov. Sumsel 2025", Level: domain.PlanProvince, RegionCode: "16",
		StartYear: 2025, EndYear: 2025, Source: "RKPD Provinsi Sumatera Selatan 2025"},
	{Code: "rpjmd-banyuasin-2025-2029", Name: "RPJMD Kab. Banyuasin 2025–2029 (data contoh)", Level: domain.PlanRegency, RegionCode: RegencyCode,
		StartYear: 2025, EndYear: 2029, Source: IllustrativeNote, Illustrative: true},
}

// Kecamatan are Banyuasin's 21 districts: Kemendagri code, BPS code, name,
// from BPS's code bridge.
var Kecamatan = [][3]string{
	{"16.07.01", "1607060", "Banyuasin I"}, {"16.07.02", "1607100", "Banyuasin II"}, {"16.07.03", "1607040", "Banyuasin III"},
	{"16.07.04", "1607030", "Pulau Rimau"}, {"16.07.05", "1607020", "Betung"}, {"16.07.06", "1607070", "Rambutan"},
	{"16.07.07", "1607080", "Muara Padang"}, {"16.07.08", "1607110", "Muara Telang"}, {"16.07.09", "1607090", "Makarti Jaya"},
	{"16.07.10", "1607050", "Talang Kelapa"}, {"16.07.11", "1607010", "Rantau Bayur"}, {"16.07.12", "1607051", "Tanjung Lago"},
	{"16.07.13", "1607081", "Muara Sugihan"}, {"16.07.14", "1607091", "Air Salek"}, {"16.07.15", "1607031", "Tungkal Ilir"},
	{"16.07.16", "1607021", "Suak Tapeh"}, {"16.07.17", "1607041", "Sembawa"}, {"16.07.18", "1607111", "Sumber Marga Telang"},
	{"16.07.19", "1607061", "Air Kumbang"}, {"16.07.20", "1607101", "Karang Agung Ilir"}, {"16.07.21", "1607032", "Selat Penuguan"},
}

// Regions returns Indonesia, South Sumatra, Banyuasin and its kecamatan,
// parents first.
func Regions() ([]domain.Region, error) {
	rows := append([][3]string{{domain.NationalCode, "", "Indonesia"}, {"16", "16", "Provinsi Sumatera Selatan"},
		{RegencyCode, "1607", "Kabupaten Banyuasin"}}, Kecamatan...)
	out := make([]domain.Region, 0, len(rows))
	for _, r := range rows {
		reg, err := domain.NewRegion(r[0], r[1], r[2])
		if err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		out = append(out, reg)
	}
	return out, nil
}

// Load puts the demo catalogue and data into st and marks the instance
// prepared by the demo, with Banyuasin as its home. Loading twice changes
// nothing the second time (the imports are idempotent). A database that
// `pantau init` prepared for a government is refused (ErrConflict): the
// demo's illustrative values must never mix with its data.
func Load(ctx context.Context, st *store.Store) error {
	in, err := st.Instance(ctx)
	switch {
	case err == nil && in.PreparedBy != store.PreparedByDemo:
		return domain.Errorf(domain.ErrConflict, "this database was prepared by pantau %s for region %s: the demo is not loaded into it", in.PreparedBy, in.HomeRegion)
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return err
	}
	if err := LoadCatalog(ctx, st); err != nil {
		return err
	}
	for _, file := range []struct {
		name    string
		targets bool
		text    func() (string, error)
	}{
		{name: "observasi.csv", text: embedded("data/observasi.csv")},
		{name: "target.csv", targets: true, text: embedded("data/target.csv")},
		{name: "target-rpjmd-banyuasin-ilustratif.csv", targets: true, text: func() (string, error) { return regencyTargets(), nil }},
		{name: "kecamatan-ilustratif.csv", text: func() (string, error) { return districtValues(), nil }},
	} {
		text, err := file.text()
		if err != nil {
			return err
		}
		by := "demo"
		if strings.Contains(file.name, "ilustratif") {
			by = "demo (" + IllustrativeNote + ")"
		}
		_, err = importer.Import(ctx, st, strings.NewReader(text), importer.Request{
			Upload:  domain.Upload{Filename: file.name, CreatedBy: by, AgencyCode: "bappeda-banyuasin"},
			Targets: file.targets,
			Options: ingest.Options{Decimal: ingest.DecimalComma},
		})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", file.name, err)
		}
	}
	if err := loadBoundaries(ctx, st); err != nil {
		return err
	}
	return st.SetInstance(ctx, RegencyCode, store.PreparedByDemo)
}

func embedded(name string) func() (string, error) {
	return func() (string, error) {
		b, err := files.ReadFile(name)
		return string(b), err
	}
}

// regencyTargets are illustrative RPJMD targets for 2025–2029. The economic
// growth path is deliberately below the RPJMN's 8% so that plan alignment
// has something to flag.
func regencyTargets() string {
	paths := map[string][5]string{
		"kemiskinan":          {"8,90", "8,30", "7,70", "7,10", "6,50"},
		"kemiskinan_ekstrem":  {"0,30", "0,00", "0,00", "0,00", "0,00"},
		"ipm":                 {"70,50", "71,10", "71,70", "72,30", "73,00"},
		"tpt":                 {"3,20", "3,10", "3,00", "2,90", "2,80"},
		"pertumbuhan_ekonomi": {"5,30", "5,50", "5,80", "6,10", "6,50"},
		"stunting":            {"18,0", "17,0", "16,0", "15,0", "14,0"},
	}
	var b strings.Builder
	b.WriteString("rencana;kode_indikator;kode_wilayah;tahun;nilai;catatan\n")
	for _, code := range []string{"kemiskinan", "kemiskinan_ekstrem", "ipm", "tpt", "pertumbuhan_ekonomi", "stunting"} {
		for i, v := range paths[code] {
			fmt.Fprintf(&b, "rpjmd-banyuasin-2025-2029;%s;%s;%d;%s;%s\n", code, RegencyCode, 2025+i, v, IllustrativeNote)
		}
	}
	return b.String()
}

// jitter returns a deterministic number in [0, 1) for a key, so the
// illustrative values are the same on every machine.
func jitter(key string) float64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return float64(h.Sum64()%10000) / 10000
}

// districtValues generates illustrative kecamatan values around the
// regency's published figures: poverty 2021–2025 with a spread between
// districts that narrows slowly, extreme poverty 2023–2024, unemployment by
// sex for the regency, and mid-2023 population summing to the regency's.
func districtValues() string {
	regency := map[int]float64{2021: 10.75, 2022: 10.00, 2023: 9.58, 2024: 9.31, 2025: 8.48}
	extreme := map[int]float64{2023: 0.56, 2024: 0.49}
	var b strings.Builder
	b.WriteString("kode_wilayah;kode_indikator;tahun;nilai;satuan;jenis_kelamin;catatan\n")
	comma := func(v float64, dec int) string { return strings.Replace(fmt.Sprintf("%.*f", dec, v), ".", ",", 1) }
	weights := make([]float64, len(Kecamatan))
	total := 0.0
	for i, k := range Kecamatan {
		weights[i] = 0.4 + 1.6*jitter(k[0]+"penduduk")
		total += weights[i]
	}
	for i, k := range Kecamatan {
		// A district's relative poverty level: 0.55–1.65 × the regency's.
		level := 0.55 + 1.1*jitter(k[0])
		for year := 2021; year <= 2025; year++ {
			// Gaps close by 3% a year towards the regency value.
			f := 1 + (level-1)*math.Pow(0.97, float64(year-2021))
			fmt.Fprintf(&b, "%s;kemiskinan;%d;%s;persen;;%s\n", k[0], year, comma(regency[year]*f, 2), IllustrativeNote)
		}
		for year := 2023; year <= 2024; year++ {
			fmt.Fprintf(&b, "%s;kemiskinan_ekstrem;%d;%s;persen;;%s\n", k[0], year, comma(extreme[year]*level, 2), IllustrativeNote)
		}
		fmt.Fprintf(&b, "%s;penduduk;2023;%d;jiwa;;%s\n", k[0], int(math.Round(850022*weights[i]/total)), IllustrativeNote)
	}
	// Unemployment by sex for the regency; the total stays the published one.
	for year, v := range map[int]float64{2022: 3.39, 2023: 3.35, 2024: 3.24} {
		fmt.Fprintf(&b, "%s;tpt;%d;%s;persen;laki-laki;%s\n", RegencyCode, year, comma(v*0.88, 2), IllustrativeNote)
		fmt.Fprintf(&b, "%s;tpt;%d;%s;persen;perempuan;%s\n", RegencyCode, year, comma(v*1.22, 2), IllustrativeNote)
	}
	return b.String()
}
