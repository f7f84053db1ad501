// Package export writes Pantau's observations and targets in the formats
// statisticians and open-data portals use: CSV long and wide (Indonesian
// ';' with a decimal comma, or international ',' with a point), JSON,
// SDMX-CSV 2.0 and the Open SDG data layout. Writers take rows one at a
// time, in key order, and keep nothing but the current row (a wide table's
// current series): exporting everything stays flat in memory.
//
// Every CSV layout is one that internal/ingest reads back to the same
// values and statuses (a round trip), so a file carries no comment or title
// line; its metadata (indicator names, units, sources, definitions, column
// meanings) travels beside it: see Describe.
package export

import (
	"bufio"
	"io"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Format is an export format.
type Format string

// The formats.
const (
	CSV     = Format("csv")
	CSVWide = Format("csv-wide")
	JSON    = Format("json")
	SDMX    = Format("sdmx")
	OpenSDG = Format("opensdg")
)

// Formats lists every format, in the order documentation shows them.
var Formats = []Format{CSV, CSVWide, JSON, SDMX, OpenSDG}

// ParseFormat reads a ?format= value; empty means CSV.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case "":
		return CSV, nil
	case CSV, CSVWide, JSON, SDMX, OpenSDG:
		return f, nil
	case "wide":
		return CSVWide, nil
	case "sdmx-csv":
		return SDMX, nil
	case "open-sdg":
		return OpenSDG, nil
	}
	return "", domain.Errorf(domain.ErrInvalid, "format %q: use csv, csv-wide, json, sdmx or opensdg", s)
}

// ContentType is the media type of a format's files.
func (f Format) ContentType() string {
	if f == JSON {
		return "application/json; charset=utf-8"
	}
	if f == SDMX {
		// The SDMX-CSV 2.0 media type, as the SDMX REST API names it.
		return "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// Extension is a format's file extension, with its dot.
func (f Format) Extension() string {
	if f == JSON {
		return ".json"
	}
	return ".csv"
}

// Options say what a writer writes and what it may look up.
type Options struct {
	Format Format
	// Locale is a CSV file's conventions: locale.ID (the default) writes
	// ';' and a decimal comma with Indonesian headers, locale.EN ',' and a
	// decimal point with English ones. SDMX-CSV and Open SDG are machine
	// formats: always ',' and a point.
	Locale locale.Lang
	// Indicators and Regions name the codes of the rows (names, units).
	Indicators map[string]domain.Indicator
	Regions    map[string]domain.Region
	// Dimensions are the disaggregation dimensions that occur, one column
	// each (empty cells for totals).
	Dimensions []string
	// FromYear and ToYear are a wide table's year columns.
	FromYear, ToYear int
	// Indicator, when the export holds a single indicator, makes the Open
	// SDG layout pure (Year,…,GeoCode,Units,Value, one series per file);
	// otherwise an Indicator column names each row's.
	Indicator string
}

// ObservationWriter writes observations, which must come in key order
// (indicator, region, disaggregation, year). Close flushes; it does not
// close the underlying writer.
type ObservationWriter interface {
	Write(domain.Observation) error
	Close() error
}

// TargetWriter writes targets in key order (plan, indicator, region,
// disaggregation, year).
type TargetWriter interface {
	Write(domain.Target) error
	Close() error
}

// Observations starts a file of observations on w, writing its header.
func Observations(w io.Writer, opts Options) (ObservationWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch opts.Format {
	case CSV:
		return newLongWriter(bw, opts)
	case CSVWide:
		w, err := newWideWriter(bw, opts, false)
		return wideObservations{w}, err
	case JSON:
		return jsonObservations{newJSONWriter(bw)}, nil
	case SDMX:
		return newSDMXWriter(bw, opts)
	case OpenSDG:
		return newOpenSDGWriter(bw, opts)
	}
	return nil, domain.Errorf(domain.ErrInvalid, "format %q: use csv, csv-wide, json, sdmx or opensdg", opts.Format)
}

// Targets starts a file of plan targets on w. Targets are written as CSV
// (long or wide) or JSON, the layouts plans are uploaded in.
func Targets(w io.Writer, opts Options) (TargetWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch opts.Format {
	case CSV:
		return newTargetLongWriter(bw, opts)
	case CSVWide:
		w, err := newWideWriter(bw, opts, true)
		return wideTargets{w}, err
	case JSON:
		return jsonTargets{newJSONWriter(bw)}, nil
	}
	return nil, domain.Errorf(domain.ErrInvalid, "targets export as csv, csv-wide or json, not %q", opts.Format)
}

// errChanged reports a row the header did not foresee: the data changed
// between reading the selection's shape and its rows.
var errChanged = domain.Errorf(domain.ErrConflict, "the data changed while it was being exported; please try again")

func (o Options) delimiter() byte {
	if o.Locale == locale.EN {
		return ','
	}
	return ';'
}

func (o Options) csvOut(w *bufio.Writer) *csvOut {
	return newCSVOut(w, o.delimiter(), o.Locale != locale.EN)
}

func (o Options) indicatorName(code string) string {
	return o.Indicators[code].Name(o.Locale)
}

func (o Options) unit(code string) string { return o.Indicators[code].Unit }

func (o Options) regionName(code string) string { return o.Regions[code].Name }

// word is a CSV header or value in the file's language, from the
// catalogue's "export." messages; the reader understands both languages.
func (o Options) word(k string) string { return o.Locale.Get("export." + k) }

// statusWord is a status as the locale writes it; unknown statuses pass.
func (o Options) statusWord(s domain.Status) string { return o.known("export.", string(s)) }

// known is the catalogue's word (message prefix+code) for a code in the
// file's language, or the code itself where the catalogue has none (an
// age group such as 15-24 is the same in both).
func (o Options) known(prefix, code string) string {
	if id := prefix + code; o.Locale.Has(id) {
		return o.Locale.Get(id)
	}
	return code
}

// dimension names and values in SDMX and Open SDG, whose codes are
// machine codes, not words: the CSV layouts' words are in the catalogue
// (export.dim.*, export.dimValue.*). Pantau's canonical form
// (jenis_kelamin=perempuan) is the Indonesian one.
var (
	sdmxDimension    = map[string]string{"jenis_kelamin": "SEX", "daerah": "URBANISATION", "kelompok_umur": "AGE"}
	sdmxValue        = map[string]string{"laki_laki": "M", "perempuan": "F", "perkotaan": "U", "perdesaan": "R"}
	openSDGDimension = map[string]string{"jenis_kelamin": "Sex", "daerah": "Location", "kelompok_umur": "Age"}
	openSDGValue     = map[string]string{"laki_laki": "Male", "perempuan": "Female", "perkotaan": "Urban", "perdesaan": "Rural"}
)

// dimCells turns a disaggregation into one cell per dimension column,
// caching the few distinct disaggregations a file holds.
type dimCells struct {
	dims  []string
	value func(dim, v string) string
	total string
	cache map[domain.Disaggregation][]string
}

func newDimCells(dims []string, value func(dim, v string) string, total string) *dimCells {
	return &dimCells{dims: dims, value: value, total: total, cache: map[domain.Disaggregation][]string{}}
}

// cells returns the cells of d, or ok=false when d names a dimension that
// has no column.
func (c *dimCells) cells(d domain.Disaggregation) ([]string, bool) {
	if cells, ok := c.cache[d]; ok {
		return cells, cells != nil
	}
	pairs := d.Pairs()
	cells := make([]string, len(c.dims))
	for i, dim := range c.dims {
		v, ok := pairs[dim]
		if !ok {
			cells[i] = c.total
			continue
		}
		cells[i] = c.value(dim, v)
		delete(pairs, dim)
	}
	if len(pairs) > 0 {
		cells = nil
	}
	if len(c.cache) < 4096 {
		c.cache[d] = cells
	}
	return cells, cells != nil
}

func (o Options) csvDims() ([]string, *dimCells) {
	head := make([]string, len(o.Dimensions))
	for i, d := range o.Dimensions {
		head[i] = o.known("export.dim.", d)
	}
	value := func(_, v string) string { return o.known("export.dimValue.", v) }
	return head, newDimCells(o.Dimensions, value, "")
}

// sdmxAge writes Pantau's age groups as SDMX codes: 15-24 → Y15T24,
// 65+ → Y_GE65, <5 → Y_LT5 (the reader's inverse).
func sdmxAge(v string) string {
	switch {
	case strings.HasSuffix(v, "+") && allDigits(v[:len(v)-1]):
		return "Y_GE" + v[:len(v)-1]
	case strings.HasPrefix(v, "<") && allDigits(v[1:]):
		return "Y_LT" + v[1:]
	}
	if a, b, ok := strings.Cut(v, "-"); ok && allDigits(a) && allDigits(b) {
		return "Y" + a + "T" + b
	}
	return v
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
