package ingest

import (
	"strings"

	"pantau/internal/domain"
)

// Column is a canonical column a reader understands.
type Column string

// The columns of the layouts.
const (
	ColRegion    = Column("region")
	ColIndicator = Column("indicator")
	ColYear      = Column("year")
	ColValue     = Column("value")
	ColUnit      = Column("unit")
	ColStatus    = Column("status")
	ColNote      = Column("note")
	ColBreak     = Column("series_break")
	ColPlan      = Column("plan")
	ColRegionNm  = Column("region_name")
	// ColDisagg is a disaggregation dimension (jenis_kelamin, Sex, AGE…).
	ColDisagg = Column("disaggregation")
	// ColYearValue is a year heading a column of values (wide layout).
	ColYearValue = Column("year_value")
	// ColUnitMult is SDMX's UNIT_MULT or Open SDG's "Unit multiplier".
	ColUnitMult = Column("unit_multiplier")
	// ColAction is SDMX-CSV 2.0's ACTION.
	ColAction = Column("action")
	// ColFreq is SDMX's FREQ; only annual data is read.
	ColFreq = Column("freq")
	// ColIgnored is a column the reader does not use; the dialect lists it.
	ColIgnored = Column("ignored")
	// colMeta is a structural column known to carry nothing per value
	// (DATAFLOW, STRUCTURE_ID, nama_wilayah beside a code…).
	colMeta = Column("meta")
)

// Layouts, as reported in Dialect.Layout.
const (
	LayoutLong    = "long"
	LayoutWide    = "wide"
	LayoutOpenSDG = "opensdg"
	LayoutSDMX1   = "sdmx-csv-1.0"
	LayoutSDMX2   = "sdmx-csv-2.0"
)

// headerAliases maps normalised header names, in Bahasa and English, to
// columns.
var headerAliases = map[string]Column{
	"kode_wilayah": ColRegion, "wilayah": ColRegion, "region_code": ColRegion, "region": ColRegion, "kode_kabupaten_kota": ColRegion,
	"kode_kab_kota": ColRegion, "kode_kabkota": ColRegion, "kode_daerah": ColRegion, "kode": ColRegion, "geocode": ColRegion, "geo_code": ColRegion,
	"ref_area": ColRegion, "kode_bps": ColRegion, "kode_kecamatan": ColRegion, "kode_provinsi": ColRegion, "kode_desa": ColRegion,
	"kode_kemendagri": ColRegion, "area_code": ColRegion, "kode_wil": ColRegion, "kd_wilayah": ColRegion, "kd_wil": ColRegion,
	"nama_wilayah": ColRegionNm, "region_name": ColRegionNm, "nama_daerah": ColRegionNm, "nama": ColRegionNm, "name": ColRegionNm,
	"kabupaten_kota": ColRegionNm, "kabupaten": ColRegionNm, "kota": ColRegionNm, "kecamatan": ColRegionNm, "provinsi": ColRegionNm,
	"nama_kabupaten_kota": ColRegionNm, "nama_kecamatan": ColRegionNm, "nama_provinsi": ColRegionNm, "desa": ColRegionNm, "desa_kelurahan": ColRegionNm,
	"kode_indikator": ColIndicator, "indikator": ColIndicator, "indicator": ColIndicator, "indicator_code": ColIndicator, "series": ColIndicator,
	"kd_indikator": ColIndicator, "id_indikator": ColIndicator, "seri": ColIndicator, "series_code": ColIndicator,
	"tahun": ColYear, "year": ColYear, "time_period": ColYear, "periode": ColYear, "time": ColYear, "thn": ColYear,
	"nilai": ColValue, "value": ColValue, "obs_value": ColValue, "angka": ColValue, "realisasi": ColValue, "data": ColValue, "capaian": ColValue,
	"target": ColValue,
	"satuan": ColUnit, "unit": ColUnit, "units": ColUnit, "unit_measure": ColUnit, "unit_of_measure": ColUnit,
	"status": ColStatus, "obs_status": ColStatus, "status_data": ColStatus, "observation_status": ColStatus, "status_angka": ColStatus,
	"catatan": ColNote, "note": ColNote, "notes": ColNote, "keterangan": ColNote, "comment": ColNote, "obs_comment": ColNote, "comment_obs": ColNote,
	"putus_seri": ColBreak, "series_break": ColBreak, "break": ColBreak, "perubahan_metode": ColBreak,
	"rencana": ColPlan, "plan": ColPlan, "dokumen": ColPlan, "kode_rencana": ColPlan, "dokumen_rencana": ColPlan,
	"unit_mult": ColUnitMult, "unit_multiplier": ColUnitMult,
	"action": ColAction,
	"freq":   ColFreq, "frequency": ColFreq,
	"dataflow": colMeta, "structure": colMeta, "structure_id": colMeta, "decimals": colMeta, "time_format": colMeta,
	"reporting_type": colMeta, "no": colMeta, "nomor": colMeta,
}

// normalizeHeader lower-cases a header cell and joins words with '_'
// ("Kode Wilayah" → "kode_wilayah", "OBS_VALUE" → "obs_value").
func normalizeHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r == ' ' || r == '_' || r == '-' || r == '/' || r == '.' || r == '\t' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// headerCell splits a header cell into its normalised name and a unit hint
// written in parentheses ("Nilai (%)" → "nilai", "%"). SDMX-CSV 2.0 may
// label headers "REF_AREA: Reference area"; the label is dropped.
func headerCell(s string) (name, unit string) {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	if i := strings.IndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s, unit = s[:i], strings.TrimSpace(s[i+1:len(s)-1])
	}
	if i := strings.Index(s, ": "); i > 0 {
		s = s[:i]
	}
	return normalizeHeader(s), unit
}

// disaggregationColumns are the header names that carry a disaggregation
// dimension in Bahasa or English (SDMX codes included).
var disaggregationColumns = map[string]bool{
	"jenis_kelamin": true, "jk": true, "sex": true, "gender": true, "kelamin": true,
	"daerah": true, "tipe_daerah": true, "klasifikasi_daerah": true, "area": true, "urbanisation": true, "urbanization": true,
	"perkotaan_perdesaan": true, "location": true,
	"kelompok_umur": true, "umur": true, "age": true, "kelompok_usia": true, "age_group": true, "usia": true,
}

// yearHeading reads a column heading that is a year, as in wide tables:
// "2021", "Tahun 2021", "2024*" (every value of the column preliminary).
func yearHeading(s string) (int, domain.Status, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	low := strings.ToLower(s)
	for _, p := range []string{"tahun", "year", "thn"} {
		if strings.HasPrefix(low, p) {
			s = strings.TrimSpace(s[len(p):])
			break
		}
	}
	if len(s) < 4 || !allDigits(s[:4]) {
		return 0, "", false
	}
	y, _ := parseYear(s[:4])
	if domain.CheckYear(y) != nil {
		return 0, "", false
	}
	st := domain.StatusFinal
	if mark := strings.Trim(s[4:], " ()"); mark != "" {
		var ok bool
		if st, ok = markStatus(mark); !ok {
			return 0, "", false
		}
	}
	return y, st, true
}

// field is one column of the header and what the reader does with it.
type field struct {
	name   string // as written
	col    Column
	dim    string        // for ColDisagg: the dimension as written
	year   int           // for ColYearValue
	status domain.Status // for ColYearValue: from a mark on the heading
	unit   string        // unit hint from "(…)"
}

// schema is the header of a file, understood.
type schema struct {
	layout string
	fields []field
	// index of each single column, -1 when absent
	region, regionName, ind, year, value, unit, status, note, brk, plan, unitMult, action, freq int
	disagg                                                                                      []int // indexes of disaggregation columns
	years                                                                                       []int // indexes of year columns (wide)
}

func (s *schema) has(c int) bool { return c >= 0 }

// buildSchema understands a header row. It returns ok=false when the row is
// not a header the reader can use (for example a title line above a table),
// and the field that repeats a single column ("tahun" twice) when one does:
// such a header is refused whatever else it holds.
func buildSchema(header []string) (s *schema, ok bool, repeated *field) {
	s = &schema{region: -1, regionName: -1, ind: -1, year: -1, value: -1, unit: -1, status: -1, note: -1, brk: -1, plan: -1, unitMult: -1, action: -1, freq: -1}
	norm := make([]string, len(header))
	s.fields = make([]field, len(header))
	for i, h := range header {
		var unit string
		norm[i], unit = headerCell(h)
		s.fields[i] = field{name: strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), col: ColIgnored, unit: unit}
	}
	valueAt := -1
	for i, n := range norm {
		if headerAliases[n] == ColValue && valueAt < 0 {
			valueAt = i
		}
	}
	s.layout = layoutOf(norm, valueAt)
	s.assignColumns(norm, valueAt)
	s.settleYears()
	if repeated = s.index(); repeated != nil {
		return s, false, repeated
	}
	return s, s.layout == LayoutWide || s.has(s.year) && s.has(s.value), nil
}

// layoutOf tells the machine-written layouts by their first column; every
// other header is long until its year columns say wide (settleYears).
func layoutOf(norm []string, valueAt int) string {
	switch {
	case len(norm) > 0 && norm[0] == "dataflow":
		return LayoutSDMX1
	case len(norm) > 0 && norm[0] == "structure" && contains(norm, "structure_id"):
		return LayoutSDMX2
	case len(norm) > 0 && norm[0] == "year" && valueAt > 0:
		return LayoutOpenSDG
	}
	return LayoutLong
}

// assignColumns gives each field its column: a known name, a year heading
// (long layout only) or a disaggregation.
func (s *schema) assignColumns(norm []string, valueAt int) {
	for i, n := range norm {
		f := &s.fields[i]
		if c, ok := headerAliases[n]; ok {
			f.col = c
		} else if y, st, ok := yearHeading(f.name); ok && s.layout == LayoutLong {
			f.col, f.year, f.status = ColYearValue, y, st
		} else if disaggregationColumns[n] || s.layout == LayoutOpenSDG && i > 0 && i < valueAt && n != "" {
			// Open SDG puts every disaggregation between Year and Value.
			f.col, f.dim = ColDisagg, f.name
		}
	}
}

// settleYears decides between long and wide: years as headings and no
// year column make a wide table; beside a year column they are ignored.
func (s *schema) settleYears() {
	if s.layout == LayoutLong {
		hasYear, hasYearCols := false, false
		for _, f := range s.fields {
			hasYear = hasYear || f.col == ColYear
			hasYearCols = hasYearCols || f.col == ColYearValue
		}
		if hasYearCols && !hasYear {
			s.layout = LayoutWide
		} else {
			s.ignore(ColYearValue)
		}
	}
	if s.layout == LayoutWide {
		// "nilai" or "target" as a column name in a wide table is a label
		// column, not the value: the values are under the years.
		s.ignore(ColValue)
	}
}

func (s *schema) ignore(c Column) {
	for i := range s.fields {
		if s.fields[i].col == c {
			s.fields[i].col = ColIgnored
		}
	}
}

// index records where each column is, and returns the field that repeats
// a single column, if one does.
func (s *schema) index() (repeated *field) {
	for i := range s.fields {
		f := &s.fields[i]
		switch f.col {
		case ColDisagg:
			s.disagg = append(s.disagg, i)
		case ColYearValue:
			s.years = append(s.years, i)
		}
		if slot := s.slot(f.col); slot != nil {
			if *slot >= 0 {
				return f
			}
			*slot = i
		}
	}
	return nil
}

// slot is where the schema keeps the index of a single column; nil for the
// columns a header may hold any number of.
func (s *schema) slot(c Column) *int {
	switch c {
	case ColRegion:
		return &s.region
	case ColRegionNm:
		return &s.regionName
	case ColIndicator:
		return &s.ind
	case ColYear:
		return &s.year
	case ColValue:
		return &s.value
	case ColUnit:
		return &s.unit
	case ColStatus:
		return &s.status
	case ColNote:
		return &s.note
	case ColBreak:
		return &s.brk
	case ColPlan:
		return &s.plan
	case ColUnitMult:
		return &s.unitMult
	case ColAction:
		return &s.action
	case ColFreq:
		return &s.freq
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
