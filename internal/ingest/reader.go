// Package ingest turns the CSV files agencies send into validated
// observations and targets, streaming: rows are checked against the catalog
// and handed on one by one, and every problem is reported with its line,
// column, raw value and reason. It does no I/O beyond the reader it is given.
package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pantau/internal/indicator"
)

// Options say what the caller knows about a file.
type Options struct {
	// Indicator names the indicator of a file without an indicator column.
	Indicator string
	// Decimal states the number convention; empty means detect.
	Decimal Decimal
	// MaxErrors caps the errors listed (the rest are counted); 0 means 1000.
	MaxErrors int
}

// Dialect is what the reader detected about a file.
type Dialect struct {
	Delimiter string  `json:"delimiter"`
	Decimal   Decimal `json:"decimal"`
	Layout    string  `json:"layout"`
	BOM       bool    `json:"bom"`
}

// RowError is one problem in a file. Line is 1-based and counts the header.
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Reason  string `json:"reason"`
	Warning bool   `json:"warning,omitempty"`
}

func (e RowError) String() string {
	s := fmt.Sprintf("line %d", e.Line)
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
	Dialect Dialect    `json:"dialect"`
	Rows    int        `json:"rows"`
	Missing int        `json:"missing"`
	Errors  []RowError `json:"errors"`
	// MoreErrors counts errors beyond the listed ones.
	MoreErrors int `json:"more_errors,omitempty"`
	rejected   int
	maxErrors  int
}

// Rejected is the number of rows with an error.
func (r *Report) Rejected() int { return r.rejected }

// Err returns an ErrInvalid error summarising the rejected rows, or nil.
func (r *Report) Err() error {
	if r.rejected == 0 && len(r.Errors) == 0 {
		return nil
	}
	var b strings.Builder
	n := 0
	for _, e := range r.Errors {
		if e.Warning {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n  %s", e)
	}
	if n == 0 {
		return nil
	}
	if r.MoreErrors > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", r.MoreErrors)
	}
	return indicator.Errorf(indicator.ErrInvalid, "file rejected: %d row(s) with errors, nothing was stored:%s", r.rejected, b.String())
}

func (r *Report) add(e RowError) {
	if !e.Warning {
		r.rejected++
	}
	if len(r.Errors) >= r.maxErrors {
		r.MoreErrors++
		return
	}
	r.Errors = append(r.Errors, e)
}

// ErrEmpty is returned for a file with no header.
var ErrEmpty = indicator.Errorf(indicator.ErrInvalid, "the file is empty")

// sniff reads the first line to find the delimiter and strips a UTF-8 BOM.
func sniff(br *bufio.Reader, d *Dialect) error {
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		d.BOM = true
	}
	head, err := br.Peek(br.Size())
	if len(head) == 0 {
		if err == io.EOF || err == nil {
			return ErrEmpty
		}
		return fmt.Errorf("ingest: read: %w", err)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, bestN := ",", -1
	for _, c := range []string{"\t", ";", ","} {
		if n := bytes.Count(head, []byte(c)); n > bestN {
			best, bestN = c, n
		}
	}
	d.Delimiter = best
	return nil
}

// obsKey identifies an observation within one file by small integers, so
// that the duplicate check of a million-row file stays small.
type obsKey struct {
	ind, region, disagg uint32
	year                int32
}

// interner gives each distinct string a small integer.
type interner map[string]uint32

func (in interner) id(s string) uint32 {
	if v, ok := in[s]; ok {
		return v
	}
	v := uint32(len(in))
	in[s] = v
	return v
}

// pendingRow is a row held back while the decimal convention is unknown.
type pendingRow struct {
	line  int
	obs   indicator.Observation
	raw   string
	ind   indicator.Indicator
	col   string
	shape numberShape
}

// ReadObservations reads a long-layout CSV (one row per region × indicator
// × year) and calls emit for each valid observation, in file order. Problems
// go into the report; once a row is rejected emit is not called again, but
// reading goes on so that every problem is listed. The returned error is for
// I/O failures, an unusable header, or an error from emit.
func ReadObservations(r io.Reader, cat *indicator.Catalog, opts Options, emit func(indicator.Observation) error) (*Report, error) {
	rep := &Report{maxErrors: opts.MaxErrors, Dialect: Dialect{Layout: "long", Decimal: opts.Decimal}}
	if rep.maxErrors <= 0 {
		rep.maxErrors = 1000
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniff(br, &rep.Dialect); err != nil {
		return rep, err
	}
	cr := csv.NewReader(br)
	cr.Comma = rune(rep.Dialect.Delimiter[0])
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return rep, ErrEmpty
	}
	if err != nil {
		return rep, indicator.Errorf(indicator.ErrInvalid, "header: %v", err)
	}
	cols := map[Column]int{}
	names := make([]string, len(header))
	disaggCols := map[int]string{}
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
		n := normalizeHeader(h)
		if c, ok := headerAliases[n]; ok {
			if _, dup := cols[c]; dup {
				return rep, indicator.Errorf(indicator.ErrInvalid, "header: column %q repeats %s", h, c)
			}
			cols[c] = i
		} else if disaggregationColumns[n] {
			disaggCols[i] = n
		}
	}
	for _, need := range []Column{ColRegion, ColYear, ColValue} {
		if _, ok := cols[need]; !ok {
			return rep, indicator.Errorf(indicator.ErrInvalid, "header: no %s column (found %s); long files need kode_wilayah, tahun and nilai", need, strings.Join(names, ", "))
		}
	}
	_, hasIndicator := cols[ColIndicator]
	if !hasIndicator && opts.Indicator == "" {
		return rep, indicator.Errorf(indicator.ErrInvalid, "header: no kode_indikator column; name the indicator with --indicator")
	}
	if opts.Indicator != "" {
		if _, ok := cat.Indicators[opts.Indicator]; !ok {
			return rep, indicator.Errorf(indicator.ErrInvalid, "indicator %q is not in the catalogue", opts.Indicator)
		}
	}

	var (
		seen    = map[obsKey]int{}
		strs    = interner{}
		pending []pendingRow
		ambig   *pendingRow
		emitErr error
	)
	send := func(o indicator.Observation) {
		if emitErr != nil || rep.rejected > 0 {
			return
		}
		emitErr = emit(o)
	}
	// settle parses a held row's value once the convention is known.
	settle := func(p pendingRow) {
		d := rep.Dialect.Decimal
		if !strings.ContainsAny(p.raw, ".,") {
			d = DecimalPoint // a whole number reads the same in every convention
		}
		v, ok := parseNumber(p.raw, d)
		if !ok || !(d == DecimalComma && p.shape.comma || d == DecimalPoint && p.shape.point) {
			rep.add(RowError{Line: p.line, Column: p.col, Value: p.raw, Reason: fmt.Sprintf("not a number in this file's convention (decimal %s)", rep.Dialect.Decimal)})
			return
		}
		p.obs.Value = v
		if err := p.ind.CheckValue(v); err != nil {
			rep.add(RowError{Line: p.line, Column: p.col, Value: p.raw, Reason: indicator.Message(err)})
			return
		}
		send(p.obs)
	}
	cell := func(rec []string, c Column) (string, string, bool) {
		i, ok := cols[c]
		if !ok || i >= len(rec) {
			return "", "", false
		}
		return strings.TrimSpace(rec[i]), names[i], true
	}

	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				rep.add(RowError{Line: pe.Line, Reason: "malformed CSV: " + pe.Err.Error()})
				if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
					// encoding/csv cannot resynchronise after a broken quote.
					break
				}
				continue
			}
			return rep, fmt.Errorf("ingest: read: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(header) {
			rep.add(RowError{Line: line, Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(header))})
			continue
		}
		rep.Rows++
		var o indicator.Observation
		bad := false
		fail := func(col, val, reason string) {
			bad = true
			rep.add(RowError{Line: line, Column: col, Value: val, Reason: reason})
		}

		indCode, indCol := opts.Indicator, ""
		if hasIndicator {
			indCode, indCol, _ = cell(rec, ColIndicator)
			if indCode == "" && opts.Indicator != "" {
				indCode = opts.Indicator
			}
		}
		ind, ok := cat.Indicators[indCode]
		if !ok {
			fail(indCol, indCode, "unknown indicator")
		}
		regRaw, regCol, _ := cell(rec, ColRegion)
		region, ok := cat.RegionByCode(regRaw)
		if !ok {
			fail(regCol, regRaw, "unknown region code (Kemendagri 16.07 or BPS 1607)")
		}
		yRaw, yCol, _ := cell(rec, ColYear)
		year, err := strconv.Atoi(yRaw)
		if err != nil {
			fail(yCol, yRaw, "year is not a whole number")
		} else if err := indicator.CheckYear(year); err != nil {
			fail(yCol, yRaw, indicator.Message(err))
		}
		if raw, col, ok := cell(rec, ColStatus); ok {
			st, err := indicator.ParseStatus(raw)
			if err != nil {
				fail(col, raw, indicator.Message(err))
			}
			o.Status = st
		} else {
			o.Status = indicator.StatusFinal
			o.Absent |= indicator.AttrStatus
		}
		if _, ok := cols[ColBreak]; !ok {
			o.Absent |= indicator.AttrBreak
		}
		if _, ok := cols[ColNote]; !ok {
			o.Absent |= indicator.AttrNote
		}
		if raw, col, ok := cell(rec, ColBreak); ok && raw != "" {
			switch strings.ToLower(raw) {
			case "1", "ya", "yes", "true", "y":
				o.Break = true
			case "0", "tidak", "no", "false", "n":
			default:
				fail(col, raw, "series break must be ya/tidak")
			}
		}
		o.Note, _, _ = cell(rec, ColNote)
		if raw, col, ok := cell(rec, ColUnit); ok && raw != "" && ind.Code != "" && !SameUnit(raw, ind.Unit) {
			fail(col, raw, fmt.Sprintf("unit contradicts the indicator's unit (%s)", ind.Unit))
		}
		if len(disaggCols) > 0 {
			pairs := map[string]string{}
			for i, dim := range disaggCols {
				pairs[dim] = rec[i]
			}
			d, err := indicator.NewDisaggregation(pairs)
			if err != nil {
				fail("", "", indicator.Message(err))
			}
			o.Disagg = d
		}
		vRaw, vCol, _ := cell(rec, ColValue)
		if missing(vRaw) {
			if !bad {
				rep.Missing++
			}
			continue
		}
		shape := shapeOf(vRaw)
		if !shape.comma && !shape.point {
			fail(vCol, vRaw, "not a number")
		}
		if bad {
			continue
		}
		k := obsKey{ind: strs.id(ind.Code), region: strs.id(region.Code), disagg: strs.id(string(o.Disagg)), year: int32(year)}
		if first, dup := seen[k]; dup {
			fail("", "", fmt.Sprintf("duplicate of line %d (same indicator, region, year and disaggregation)", first))
			continue
		}
		seen[k] = line
		o.IndicatorCode, o.RegionCode, o.Year = ind.Code, region.Code, year
		p := pendingRow{line: line, obs: o, raw: vRaw, ind: ind, col: vCol, shape: shape}

		if rep.Dialect.Decimal == DecimalUnknown {
			switch {
			case shape.ambiguous:
				if ambig == nil {
					ambig = &p
				}
			case shape.comma && !shape.point:
				rep.Dialect.Decimal = DecimalComma
			case shape.point && !shape.comma && strings.ContainsAny(vRaw, ".,"):
				rep.Dialect.Decimal = DecimalPoint
			}
			if rep.Dialect.Decimal == DecimalUnknown {
				if shape.ambiguous {
					pending = append(pending, p) // held until the convention is known
				} else {
					settle(p)
				}
				continue
			}
			for _, q := range pending {
				settle(q)
			}
			pending, ambig = nil, nil
		}
		settle(p)
		if emitErr != nil {
			return rep, emitErr
		}
	}
	if rep.Dialect.Decimal == DecimalUnknown {
		if ambig != nil {
			rep.add(RowError{Line: ambig.line, Column: ambig.col, Value: ambig.raw,
				Reason: "cannot tell whether . or , is the decimal mark in this file; state it (--decimal comma|point, or the decimal form field)"})
			return rep, emitErr
		}
		// Only whole numbers: every convention reads them the same.
		rep.Dialect.Decimal = DecimalPoint
	}
	return rep, emitErr
}

// SameUnit reports whether a unit written in a file means the indicator's unit.
func SameUnit(written, unit string) bool {
	canon := func(s string) string {
		s = normalizeHeader(s)
		switch s {
		case "%", "persen", "percent", "pct", "persentase":
			return indicator.UnitPercent
		case "indeks", "index", "idx":
			return indicator.UnitIndex
		case "rp", "rupiah", "idr", "rp_kapita_bulan":
			return indicator.UnitRupiah
		case "rasio", "ratio":
			return indicator.UnitRatio
		case "jiwa", "orang", "persons", "people", "penduduk":
			return indicator.UnitPersons
		}
		return s
	}
	return canon(written) == canon(unit)
}
