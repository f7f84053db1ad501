package export

import (
	"bytes"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Metadata describes an export file: its conventions, what each column
// means, and the indicators' names, units, sources and definitions. It is
// served beside the data (a sibling JSON document, linked from the data
// response) rather than inside it: a comment or title line would stop the
// file from re-importing, and SDMX-CSV and Open SDG readers reject it too.
type Metadata struct {
	Format    Format      `json:"format"`
	Kind      string      `json:"kind"`
	MediaType string      `json:"media_type"`
	Locale    locale.Lang `json:"locale,omitempty"`
	Delimiter string      `json:"delimiter,omitempty"`
	Decimal   string      `json:"decimal,omitempty"`
	// Columns lists the header of the file in order (JSON: the fields of
	// each object).
	Columns    []ColumnDoc     `json:"columns"`
	Indicators []IndicatorMeta `json:"indicators"`
	Notes      []string        `json:"notes"`
	// Illustrative counts the generated demo values in the file.
	Illustrative int64 `json:"illustrative_rows,omitempty"`
}

// ColumnDoc is one column and its meaning.
type ColumnDoc struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// IndicatorMeta is what a reader of the file needs to know about an indicator.
type IndicatorMeta struct {
	Code         string `json:"code"`
	NameID       string `json:"name_id"`
	NameEN       string `json:"name_en,omitempty"`
	Unit         string `json:"unit"`
	Decimals     int    `json:"decimals"`
	Source       string `json:"source"`
	Definition   string `json:"definition,omitempty"`
	SDGCode      string `json:"sdg_code,omitempty"`
	NationalCode string `json:"national_code,omitempty"`
	Agency       string `json:"agency,omitempty"`
}

var columnMeaning = map[string]string{
	"kode_wilayah": "region: Kemendagri code (16.07 = Kabupaten Banyuasin)", "region_code": "region: Kemendagri code (16.07 = Kabupaten Banyuasin)",
	"ref_area": "region: Kemendagri code", "geocode": "region: Kemendagri code",
	"nama_wilayah": "region name (informative; the code is what counts)", "region_name": "region name (informative; the code is what counts)",
	"kode_indikator": "indicator code", "indicator_code": "indicator code", "indicator": "indicator code",
	"nama_indikator": "indicator name (informative)", "indicator_name": "indicator name (informative)",
	"tahun": "year", "year": "year", "time_period": "year (annual data)",
	"nilai": "value; empty means missing, never zero", "value": "value; empty means missing, never zero", "obs_value": "value",
	"satuan": "unit of the indicator", "unit": "unit of the indicator", "units": "unit of the indicator", "unit_measure": "unit of the indicator",
	"status": "final, sementara/preliminary or revisi/revised", "obs_status": "observation status",
	"putus_seri": "ya when the series breaks at this year (method change)", "series_break": "1/yes when the series breaks at this year (method change)",
	"catatan": "note", "note": "note", "comment_obs": "note",
	"rencana": "plan code (RPJMD, RPJMN, RKPD…)", "plan": "plan code (RPJMD, RPJMN, RKPD…)",
	"structure": "SDMX-CSV 2.0: the kind of structure (dataflow)", "structure_id": "SDMX-CSV 2.0: the dataflow",
	"action": "SDMX-CSV 2.0 action: I (information: merge)", "freq": "frequency: A (annual)",
	"jenis_kelamin": "disaggregation: sex", "sex": "disaggregation: sex", "daerah": "disaggregation: urban/rural",
	"area": "disaggregation: urban/rural", "urbanisation": "disaggregation: urban/rural", "location": "disaggregation: urban/rural",
	"kelompok_umur": "disaggregation: age group", "age_group": "disaggregation: age group", "age": "disaggregation: age group",
}

// Describe returns the metadata of a file written with opts; kind is
// "observations" or "targets".
func Describe(opts Options, kind string, inds []domain.Indicator) (Metadata, error) {
	m := Metadata{Format: opts.Format, Kind: kind, MediaType: opts.Format.ContentType(), Indicators: []IndicatorMeta{}}
	for _, ind := range inds {
		m.Indicators = append(m.Indicators, IndicatorMeta{Code: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit,
			Decimals: ind.Decimals, Source: ind.Source, Definition: ind.Definition, SDGCode: ind.SDGCode, NationalCode: ind.NationalCode,
			Agency: ind.AgencyCode})
	}
	if opts.Format == JSON {
		names := []string{"indicator", "region", "year", "disaggregation", "value", "status", "series_break", "note", "upload_id"}
		if kind == "targets" {
			names = []string{"plan", "indicator", "region", "year", "disaggregation", "low", "high", "note", "upload_id"}
		}
		for _, n := range names {
			m.Columns = append(m.Columns, ColumnDoc{Name: n, Description: jsonMeaning[n]})
		}
		m.Notes = []string{"A JSON array, one object per row, in key order. Numbers are exact (the shortest form that reads back to the stored value)."}
		return m, nil
	}
	// The header is what the writer writes: one source of truth.
	var buf bytes.Buffer
	var err error
	if kind == "targets" {
		var w TargetWriter
		if w, err = Targets(&buf, opts); err == nil {
			err = w.Close()
		}
	} else {
		var w ObservationWriter
		if w, err = Observations(&buf, opts); err == nil {
			err = w.Close()
		}
	}
	if err != nil {
		return m, err
	}
	delim, comma := ",", false
	if opts.Format == CSV || opts.Format == CSVWide {
		m.Locale = opts.Locale
		delim, comma = string(opts.delimiter()), opts.Locale != locale.EN
	}
	m.Delimiter, m.Decimal = delim, "point"
	if comma {
		m.Decimal = "comma"
	}
	header, _, _ := strings.Cut(buf.String(), "\n")
	for _, h := range strings.Split(header, delim) {
		d := columnMeaning[strings.ToLower(h)]
		switch {
		case d != "":
		case allDigits(h):
			d = "value for the year " + h
		default:
			d = "disaggregation: " + h
		}
		m.Columns = append(m.Columns, ColumnDoc{Name: h, Description: d})
	}
	m.Notes = append(m.Notes,
		"UTF-8 without BOM; one header line, no title or comment lines, so the file uploads back into Pantau unchanged.",
		"Numbers carry every stored digit and no thousands marks; a zero is appended where a number would otherwise read two ways (0,3380 for 0,338).",
		"A missing value is an empty cell (or an absent row), never zero.",
		"A text cell starting with = + - @, a tab or a carriage return is prefixed with ' so that spreadsheets do not run it as a formula; numbers are never altered.",
	)
	switch opts.Format {
	case CSVWide:
		m.Notes = append(m.Notes, "Wide layout: one series per row, years as columns. A value marked * is preliminary (angka sementara), r revised. Series breaks and notes are not carried: use the long layout for them.")
	case SDMX:
		m.Notes = append(m.Notes, "SDMX-CSV 2.0. OBS_STATUS uses CL_OBS_STATUS: A normal, P provisional, R revised. SERIES_BREAK is 1 at a break. Totals are _T.")
	case OpenSDG:
		m.Notes = append(m.Notes, "Open SDG data layout. Totals have empty disaggregation cells.")
	}
	return m, nil
}

var jsonMeaning = map[string]string{
	"indicator": "indicator code", "region": "region: Kemendagri code", "year": "year",
	"disaggregation": "canonical dimension=value pairs joined by ';' (empty: total)", "value": "value",
	"status": "final, sementara (preliminary) or revised", "series_break": "true when the series breaks at this year",
	"note": "note", "upload_id": "the upload (data version) that last wrote the row", "plan": "plan code",
	"low": "target, or the low end of a target range", "high": "target, or the high end of a target range",
}
