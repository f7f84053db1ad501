package ingest

import (
	"strings"
)

// Column is a canonical column a reader understands.
type Column string

// The columns of the long layout.
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
)

// headerAliases maps normalised header names, in Bahasa and English, to
// columns.
var headerAliases = map[string]Column{
	"kode_wilayah": ColRegion, "wilayah": ColRegion, "region_code": ColRegion, "region": ColRegion, "kode_kabupaten_kota": ColRegion,
	"kode_kab_kota": ColRegion, "kode_daerah": ColRegion, "kode": ColRegion, "geocode": ColRegion, "ref_area": ColRegion, "kode_bps": ColRegion,
	"kode_kecamatan": ColRegion, "kode_provinsi": ColRegion,
	"nama_wilayah": ColRegionNm, "region_name": ColRegionNm, "nama_daerah": ColRegionNm,
	"kode_indikator": ColIndicator, "indikator": ColIndicator, "indicator": ColIndicator, "indicator_code": ColIndicator, "series": ColIndicator,
	"tahun": ColYear, "year": ColYear, "time_period": ColYear, "periode": ColYear,
	"nilai": ColValue, "value": ColValue, "obs_value": ColValue, "angka": ColValue, "realisasi": ColValue,
	"satuan": ColUnit, "unit": ColUnit, "units": ColUnit, "unit_measure": ColUnit,
	"status": ColStatus, "obs_status": ColStatus, "status_data": ColStatus,
	"catatan": ColNote, "note": ColNote, "notes": ColNote, "keterangan": ColNote, "comment": ColNote,
	"putus_seri": ColBreak, "series_break": ColBreak, "break": ColBreak, "perubahan_metode": ColBreak,
	"rencana": ColPlan, "plan": ColPlan, "dokumen": ColPlan, "kode_rencana": ColPlan,
}

// normalizeHeader lower-cases a header cell and joins words with '_'
// ("Kode Wilayah" → "kode_wilayah", "OBS_VALUE" → "obs_value").
func normalizeHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	var b strings.Builder
	sep := false
	for _, r := range s {
		if r == ' ' || r == '_' || r == '-' || r == '/' || r == '.' {
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

// disaggregationColumns are the header names that carry a disaggregation
// dimension in Bahasa or English.
var disaggregationColumns = map[string]bool{
	"jenis_kelamin": true, "jk": true, "sex": true, "gender": true,
	"daerah": true, "tipe_daerah": true, "klasifikasi_daerah": true, "area": true, "urbanisation": true, "urbanization": true,
	"kelompok_umur": true, "umur": true, "age": true, "kelompok_usia": true, "age_group": true,
}
