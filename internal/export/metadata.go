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

// columnMeaning names, by a CSV header in any layout (lower case), the
// catalogue message ("export.meaning.*") that says what the column holds.
var columnMeaning = map[string]string{
	"kode_wilayah": "region", "region_code": "region", "ref_area": "regionCode", "geocode": "regionCode",
	"nama_wilayah": "regionName", "region_name": "regionName",
	"kode_indikator": "indicator", "indicator_code": "indicator", "indicator": "indicator",
	"nama_indikator": "indicatorName", "indicator_name": "indicatorName",
	"tahun": "year", "year": "year", "time_period": "timePeriod",
	"nilai": "value", "value": "value", "obs_value": "obsValue",
	"satuan": "unit", "unit": "unit", "units": "unit", "unit_measure": "unit",
	"status": "status", "obs_status": "obsStatus",
	"putus_seri": "breakYa", "series_break": "break",
	"catatan": "note", "note": "note", "comment_obs": "note",
	"rencana": "plan", "plan": "plan",
	"structure": "structure", "structure_id": "structureID", "action": "action", "freq": "freq",
	"jenis_kelamin": "sex", "sex": "sex",
	"daerah": "area", "area": "area", "urbanisation": "area", "location": "area",
	"kelompok_umur": "ageGroup", "age_group": "ageGroup", "age": "ageGroup",
}

// Describe returns the metadata of a file written with opts, its
// descriptions and notes in opts.Locale; kind is "observations" or
// "targets".
func Describe(opts Options, kind string, inds []domain.Indicator) (Metadata, error) {
	l := opts.Locale
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
			m.Columns = append(m.Columns, ColumnDoc{Name: n, Description: l.Get("export.meaning." + jsonMeaning[n])})
		}
		m.Notes = []string{l.Get("export.notes.json")}
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
		var d string
		switch id, ok := columnMeaning[strings.ToLower(h)]; {
		case ok:
			d = l.Get("export.meaning." + id)
		case allDigits(h):
			d = l.Get("export.meaning.yearValue", h)
		default:
			d = l.Get("export.meaning.dimension", h)
		}
		m.Columns = append(m.Columns, ColumnDoc{Name: h, Description: d})
	}
	// The example is written as the file writes it: 0,3380 with a decimal
	// comma, 0.3380 with a point.
	padded := string(appendNumber(nil, 0.338, comma))
	m.Notes = append(m.Notes, l.Get("export.notes.encoding"),
		l.Get("export.notes.digits", padded, strings.TrimSuffix(padded, "0")),
		l.Get("export.notes.missing"), l.Get("export.notes.formula"))
	switch opts.Format {
	case CSVWide:
		m.Notes = append(m.Notes, l.Get("export.notes.wide"))
	case SDMX:
		m.Notes = append(m.Notes, l.Get("export.notes.sdmx"))
	case OpenSDG:
		m.Notes = append(m.Notes, l.Get("export.notes.opensdg"))
	}
	return m, nil
}

// jsonMeaning is columnMeaning for the fields of a JSON export's objects.
var jsonMeaning = map[string]string{
	"indicator": "indicator", "region": "regionCode", "year": "year", "disaggregation": "disaggregation",
	"value": "obsValue", "status": "jsonStatus", "series_break": "jsonBreak", "note": "note",
	"upload_id": "uploadID", "plan": "jsonPlan", "low": "low", "high": "high",
}
