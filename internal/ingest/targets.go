package ingest

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"pantau/internal/indicator"
)

// maxTargetRows bounds a targets file: plans have tens to thousands of
// targets, so the reader may hold them all to detect the number convention
// over the whole value column.
const maxTargetRows = 200000

// rangeSep splits "9,37–10,37", "9.37 - 10.37", "9,37 s.d. 10,37".
var rangeSep = regexp.MustCompile(`^\s*([^–—~]+?)\s*(?:–|—|~|\s-\s|s\.?d\.?|s/d|sampai|to)\s*([^–—~]+?)\s*$`)

// ReadTargets reads a long-layout targets file (rencana/plan, kode_indikator,
// kode_wilayah, tahun, nilai, where nilai is a value or a range such as
// "9,37–10,37") and calls emit for each valid target.
func ReadTargets(r io.Reader, cat *indicator.Catalog, opts Options, emit func(indicator.Target) error) (*Report, error) {
	rep := &Report{maxErrors: opts.MaxErrors, Dialect: Dialect{Layout: "targets", Decimal: opts.Decimal}}
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
	header, err := cr.Read()
	if err == io.EOF {
		return rep, ErrEmpty
	}
	if err != nil {
		return rep, indicator.Errorf(indicator.ErrInvalid, "header: %v", err)
	}
	cols := map[Column]int{}
	for i, h := range header {
		if c, ok := headerAliases[normalizeHeader(h)]; ok {
			cols[c] = i
		}
	}
	for _, need := range []Column{ColPlan, ColRegion, ColYear, ColValue} {
		if _, ok := cols[need]; !ok {
			return rep, indicator.Errorf(indicator.ErrInvalid, "header: no %s column; target files need rencana, kode_indikator, kode_wilayah, tahun and nilai", need)
		}
	}
	if _, ok := cols[ColIndicator]; !ok && opts.Indicator == "" {
		return rep, indicator.Errorf(indicator.ErrInvalid, "header: no kode_indikator column; name the indicator with --indicator")
	}
	type row struct {
		line   int
		t      indicator.Target
		parts  []string
		ind    indicator.Indicator
		plan   indicator.Plan
		column string
	}
	var rows []row
	seen := map[string]int{}
	decided := rep.Dialect.Decimal
	var ambiguous *row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.add(RowError{Line: pe.Line, Reason: "malformed CSV: " + pe.Err.Error()})
				break
			}
			return rep, fmt.Errorf("ingest: read: %w", err)
		}
		if len(rec) != len(header) {
			rep.add(RowError{Line: line, Reason: fmt.Sprintf("row has %d fields, the header has %d", len(rec), len(header))})
			continue
		}
		if rep.Rows++; rep.Rows > maxTargetRows {
			return rep, indicator.Errorf(indicator.ErrInvalid, "a targets file may hold at most %d rows", maxTargetRows)
		}
		get := func(c Column) (string, string) {
			i, ok := cols[c]
			if !ok {
				return "", ""
			}
			return strings.TrimSpace(rec[i]), header[i]
		}
		var x row
		x.line = line
		bad := false
		fail := func(col, val, reason string) {
			bad = true
			rep.add(RowError{Line: line, Column: col, Value: val, Reason: reason})
		}
		planCode, planCol := get(ColPlan)
		plan, ok := cat.Plans[planCode]
		if !ok {
			fail(planCol, planCode, "unknown plan")
		}
		indCode, indCol := get(ColIndicator)
		if indCode == "" {
			indCode = opts.Indicator
		}
		ind, ok := cat.Indicators[indCode]
		if !ok {
			fail(indCol, indCode, "unknown indicator")
		}
		regRaw, regCol := get(ColRegion)
		region, ok := cat.RegionByCode(regRaw)
		if !ok {
			fail(regCol, regRaw, "unknown region code")
		}
		yRaw, yCol := get(ColYear)
		year, err := strconv.Atoi(yRaw)
		if err != nil {
			fail(yCol, yRaw, "year is not a whole number")
		}
		vRaw, vCol := get(ColValue)
		if missing(vRaw) {
			rep.Missing++
			continue
		}
		x.parts = []string{vRaw}
		if m := rangeSep.FindStringSubmatch(vRaw); m != nil {
			x.parts = m[1:]
		}
		for _, p := range x.parts {
			sh := shapeOf(p)
			switch {
			case !sh.comma && !sh.point:
				fail(vCol, vRaw, "not a number or a range (9,37–10,37)")
			case decided == DecimalUnknown && sh.ambiguous && ambiguous == nil:
				ambiguous = &x
			case decided == DecimalUnknown && sh.comma && !sh.point:
				decided = DecimalComma
			case decided == DecimalUnknown && sh.point && !sh.comma && strings.ContainsAny(p, ".,"):
				decided = DecimalPoint
			}
		}
		if bad {
			continue
		}
		key := fmt.Sprintf("%s|%s|%s|%d", plan.Code, ind.Code, region.Code, year)
		if first, dup := seen[key]; dup {
			fail("", "", fmt.Sprintf("duplicate of line %d (same plan, indicator, region and year)", first))
			continue
		}
		seen[key] = line
		x.t = indicator.Target{PlanCode: plan.Code, SeriesKey: indicator.SeriesKey{IndicatorCode: ind.Code, RegionCode: region.Code, Year: year}}
		x.ind, x.plan, x.column = ind, plan, vCol
		rows = append(rows, x)
	}
	if decided == DecimalUnknown {
		if ambiguous != nil {
			rep.add(RowError{Line: ambiguous.line, Column: ambiguous.column, Value: strings.Join(ambiguous.parts, "–"),
				Reason: "cannot tell whether . or , is the decimal mark in this file; state it (--decimal comma|point)"})
		}
		decided = DecimalPoint
	}
	rep.Dialect.Decimal = decided
	for _, x := range rows {
		vals := make([]float64, len(x.parts))
		ok := true
		for i, p := range x.parts {
			vals[i], ok = parseNumber(p, decided)
			if !ok {
				break
			}
		}
		if !ok {
			rep.add(RowError{Line: x.line, Column: x.column, Value: strings.Join(x.parts, "–"), Reason: "not a number in this file's convention"})
			continue
		}
		x.t.Low, x.t.High = vals[0], vals[len(vals)-1]
		if err := x.t.Validate(x.plan, x.ind); err != nil {
			rep.add(RowError{Line: x.line, Column: x.column, Value: strings.Join(x.parts, "–"), Reason: indicator.Message(err)})
			continue
		}
		if rep.rejected == 0 {
			if err := emit(x.t); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}
