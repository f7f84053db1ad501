// Package ingest turns the CSV files agencies send into validated
// observations and targets, streaming: rows are checked against the catalog
// and handed on one by one, and every problem is reported with its line,
// column, raw value and reason. It does no I/O beyond the reader it is given.
//
// The reader detects, per file, the encoding (UTF-8 with or without BOM,
// Windows-1252 from old Excel, UTF-16 from Excel's "Unicode text"), the
// delimiter, the decimal convention and the layout: long (one value per
// row), wide (years as columns, as in BPS tables), Open SDG and SDMX-CSV 1.0
// and 2.0. What it detected is reported in Dialect.
//
// The decimal convention is decided by the first number that can be read
// only one way (0,56 or 20.794.405 decide comma; 1,234.5 decides point).
// Until then, numbers that read both ways (1.234) are held back — and only
// those — so memory stays flat for any file that decides early; a file that
// never decides is rejected with a message saying how to state it.
package ingest

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Options say what the caller knows about a file.
type Options struct {
	// Indicator names the indicator of a file without an indicator column
	// (a BPS-style wide table, an Open SDG or SDMX file of one series).
	Indicator string
	// Decimal states the number convention; empty means detect.
	Decimal Decimal
	// MaxErrors caps the errors listed (the rest are counted); 0 means 1000.
	MaxErrors int
	// Lang is the language of messages; Indonesian unless locale.EN.
	Lang locale.Lang
	// Region names the region of a file without a region column (an Open
	// SDG or SDMX file for one region), by code or name.
	Region string
	// Plan names the plan of a targets file without a plan column.
	Plan string
	// Encoding states the encoding ("utf-8" or "windows-1252"); empty
	// means detect.
	Encoding string
	// Territory is the code of the instance's home region. A region named
	// (not coded) in the file is looked for inside its subtree first, so that
	// a kecamatan or village name repeated elsewhere in Indonesia resolves;
	// a name that repeats inside it too is refused, listing every candidate.
	// Empty (or "ID") means the whole catalogue.
	Territory string
	// Previous, when set, returns the stored value of a series for a key.
	// The reader asks it for the year before each value it reads (unless
	// the file itself holds that year) and warns when the value changes by
	// more than 50% of it (|new − old| > 0.5·|old|, old ≠ 0): a typo such
	// as 9,58 written 95,8 or a unit mix-up. Warnings do not reject a file.
	Previous func(key domain.ObservationKey) (float64, bool)
	// Sheet names the sheet of a workbook to read; empty means the only
	// sheet holding a table (or every one, when each row names its
	// indicator, as in a template of several indicators).
	Sheet string
}

// Dialect is what the reader detected about a file.
type Dialect struct {
	Delimiter string  `json:"delimiter"`
	Decimal   Decimal `json:"decimal"`
	Layout    string  `json:"layout"`
	BOM       bool    `json:"bom"`
	// Encoding is utf-8, windows-1252 (converted), utf-16le or utf-16be.
	Encoding string `json:"encoding"`
	// DecimalFrom says how Decimal was settled: "stated" (by the caller),
	// "line N" (the first number that reads only one way), "whole numbers"
	// (no number had a decimal or thousands mark) or "" (undecided).
	DecimalFrom string `json:"decimal_from,omitempty"`
	// HeaderLine is the line of the header (title lines above it are skipped).
	HeaderLine int `json:"header_line"`
	// Format is "xlsx" for a workbook, empty for a CSV file.
	Format string `json:"format,omitempty"`
	// Sheets are the workbook sheets read, in order.
	Sheets []string `json:"sheets,omitempty"`
	// Columns says how each header column was understood.
	Columns []DialectColumn `json:"columns,omitempty"`
}

// DialectColumn is one header column and the use the reader made of it:
// region, region_name, indicator, year, value, unit, status, note,
// series_break, plan, disaggregation, year_value (wide), unit_multiplier,
// action, freq, meta (structural, carries nothing) or ignored.
type DialectColumn struct {
	Name string `json:"name"`
	Use  Column `json:"use"`
	// Dimension is the canonical disaggregation dimension; Year the year of
	// a wide table's column.
	Dimension string `json:"dimension,omitempty"`
	Year      int    `json:"year,omitempty"`
	// PercentCells counts the workbook's values in the column that were
	// numbers formatted as a percentage, read as Excel shows them: the
	// stored 0.0049 of a cell showing 0,49% as 0.49.
	PercentCells int `json:"percent_cells,omitempty"`
}

// PercentColumns names the columns that held percent cells, each with how
// many ("2023 (3), 2024 (2)"), for the sentence that says they were read
// as shown; "" when none did.
func (d *Dialect) PercentColumns() string {
	var parts []string
	for _, c := range d.Columns {
		if c.PercentCells > 0 {
			parts = append(parts, c.Name+" ("+strconv.Itoa(c.PercentCells)+")")
		}
	}
	return strings.Join(parts, ", ")
}

// RowError is one problem in a file. Line is 1-based and counts the header.
type RowError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	// Field is the 1-based position of Column in the row (0: the whole row).
	Field int    `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
	// Reason is the message, in the language asked for in Options.Lang.
	Reason  string `json:"reason"`
	Warning bool   `json:"warning,omitempty"`
	// Code is the kind of problem (CodeUnknownRegion…), the same in every language.
	Code string `json:"code,omitempty"`
	// Cell is where a workbook's problem is, as Excel names it: Tabel!D7,
	// or Tabel!7:7 for a whole row (Line is then the sheet's row).
	Cell string `json:"cell,omitempty"`
}

func (e RowError) String() string {
	s := fmt.Sprintf("line %d", e.Line)
	if e.Cell != "" {
		s = e.Cell
	}
	if e.Column != "" {
		s += fmt.Sprintf(", column %s", e.Column)
	}
	if e.Value != "" || e.Column != "" {
		s += fmt.Sprintf(", value %q", e.Value)
	}
	return s + ": " + e.Reason
}

// Report is what reading a file found.
type Report struct {
	Dialect Dialect `json:"dialect"`
	// Rows counts the data records read (a wide row holds several values).
	Rows int `json:"rows"`
	// Values counts the values accepted (emitted, or valid in a rejected file).
	Values int `json:"values"`
	// Missing counts the cells marked missing (-, –, …, n.a, empty): skipped, never zero.
	Missing int        `json:"missing"`
	Errors  []RowError `json:"errors"`
	// MoreErrors counts problems beyond the listed ones.
	MoreErrors int `json:"more_errors,omitempty"`
	// Warnings counts the warnings (listed among Errors with Warning set).
	Warnings  int `json:"warnings,omitempty"`
	rejected  int
	errors    int
	maxErrors int
	listed    int // bytes of the errors listed (see maxListedBytes)
	lang      locale.Lang
}

// Rejected is the number of values (or whole rows, when a row's problem
// leaves no value to count) with an error.
func (r *Report) Rejected() int { return r.rejected }

// Err returns an ErrInvalid error summarising the problems, or nil when
// there are none (warnings alone do not reject a file).
func (r *Report) Err() error {
	if r.errors == 0 && r.rejected == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(text(r.lang, "rejected", max(r.rejected, 1)))
	more := r.MoreErrors
	for _, e := range r.Errors {
		switch {
		case e.Warning:
		case b.Len() > maxSummaryBytes:
			more++ // listed in Errors, not spelt out here
		default:
			fmt.Fprintf(&b, "\n  %s", e)
		}
	}
	if more > 0 {
		b.WriteString("\n  " + text(r.lang, "more", more))
	}
	return domain.Errorf(domain.ErrInvalid, "%s", b.String())
}

func (r *Report) add(e RowError) {
	if e.Warning {
		r.Warnings++
	} else {
		r.errors++
	}
	if r.full() {
		r.MoreErrors++
		return
	}
	r.Errors = append(r.Errors, e)
	r.listed += len(e.Column) + len(e.Value) + len(e.Reason)
}

// full reports whether further errors would only be counted: the list is
// as long, or as large, as it may be.
func (r *Report) full() bool { return len(r.Errors) >= r.maxErrors || r.listed >= maxListedBytes }

// ErrEmpty is the kind of error returned for a file with no content; it is
// itself of the kind domain.ErrInvalid.
var ErrEmpty = domain.Errorf(domain.ErrInvalid, "the file is empty")

// ReadObservations reads a CSV of observations in any supported layout and
// calls emit for each valid observation, in file order. Problems go into
// the report; once a problem is found emit is not called again, but reading
// goes on so that every problem is listed. The returned error is for I/O
// failures, an unusable file or header, or an error from emit.
func ReadObservations(r io.Reader, cat *domain.Catalog, opts Options, emit func(domain.Observation) error) (*Report, error) {
	rd := newReader(cat, opts)
	rd.emitObs = emit
	return rd.run(r)
}

// ReadTargets reads a targets file (plan, indicator, region, year, value,
// where the value is a number or a range such as "9,37–10,37") in the long
// or wide layout and calls emit for each valid target.
func ReadTargets(r io.Reader, cat *domain.Catalog, opts Options, emit func(domain.Target) error) (*Report, error) {
	rd := newReader(cat, opts)
	rd.targets = true
	rd.emitTgt = emit
	return rd.run(r)
}

// SameUnit reports whether a unit written in a file means the indicator's unit.
func SameUnit(written, unit string) bool {
	return canonUnit(written) == canonUnit(unit)
}

func canonUnit(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '('); i >= 0 && strings.HasSuffix(s, ")") {
		if u := canonUnit(s[i+1 : len(s)-1]); knownUnit(u) {
			return u // "Persentase (%)"
		}
		s = strings.TrimSpace(s[:i])
	}
	switch n := normalizeHeader(s); n {
	case "%", "persen", "percent", "pct", "persentase", "per_cent", "pc", "pt":
		return domain.UnitPercent
	case "indeks", "index", "idx", "poin_indeks":
		return domain.UnitIndex
	case "rp", "rupiah", "idr", "rp_kapita_bulan", "rupiah_kapita_bulan":
		return domain.UnitRupiah
	case "rasio", "ratio":
		return domain.UnitRatio
	case "jiwa", "orang", "persons", "people", "penduduk", "number", "jumlah", "ps":
		return domain.UnitPersons
	case "ribu_jiwa", "ribu_orang", "thousand_persons", "ribu":
		return domain.UnitThousand
	case "poin", "percentage_points", "pp", "persen_poin":
		return domain.UnitPercentPts
	default:
		return n
	}
}

func knownUnit(u string) bool {
	switch u {
	case domain.UnitPercent, domain.UnitIndex, domain.UnitRupiah, domain.UnitRatio, domain.UnitPersons, domain.UnitThousand, domain.UnitPercentPts:
		return true
	}
	return false
}
