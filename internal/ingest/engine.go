package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// maxPending bounds the rows held back while the decimal convention is
// undecided. A file whose first maxPending numbers all read both ways is
// rejected: it must state its convention.
const maxPending = 100_000

// maxFirstLines bounds the map that remembers where each key first
// appeared, used only to say "duplicate of line N". Beyond it duplicates
// are still caught (by the per-series year bitsets), just without the line.
const maxFirstLines = 1 << 14

// reader is one pass over one file.
type reader struct {
	opts    Options
	lang    locale.Lang
	res     *resolver
	rep     *Report
	sch     *schema
	targets bool
	emitObs func(domain.Observation) error
	emitTgt func(domain.Target) error
	emitErr error
	stopped bool
	// sheet is the workbook sheet being read ("" for a CSV file): errors
	// then name cells (Tabel!D7), and numeric cells are read as numbers.
	sheet string
	// pctCols marks the cells of the workbook row being read that are
	// numbers in a percent format, read as shown (sheetRows.percents).
	pctCols []bool

	// What the file is about when a column does not say: -1 for none.
	fileInd, fileRegion, filePlan int32

	dec     Decimal
	decLine int
	pending []pending

	// Duplicate detection: per series, a bit per year MinYear…MaxYear.
	// Memory grows with the number of series, not of rows.
	series     map[seriesKey]*seriesState
	lastKey    seriesKey
	lastSeries *seriesState
	firstLine  map[dupKey]int32

	// Hot-path caches: consecutive rows usually repeat these cells.
	lastInd     last[int32]
	lastReg     last[lookup]
	unitCache   map[unitKey]bool
	lastUnitRaw string
	lastUnitInd int32
	lastUnitOK  bool
	multRaw     string
	mult        float64
	multOK      bool
	disaggCache map[string]disaggResult
	disaggIDs   map[domain.Disaggregation]int32
	disaggBuf   []byte
	pairs       map[string]string
}

type seriesKey struct{ plan, ind, region, disagg int32 }

type seriesState struct {
	years    domain.YearSet
	lastYear int
	lastVal  float64
}

type dupKey struct {
	s    *seriesState
	year int32
}

type unitKey struct {
	raw string
	ind int32
}

type disaggResult struct {
	d   domain.Disaggregation
	id  int32
	err string // the offending "dim=value", when invalid
	dim string
	val string
}

// pending is a value waiting for the decimal convention (or being settled).
type pending struct {
	line, field int
	raw         string
	parts       [2]string
	shapes      [2]numberShape
	n           int
	mult        float64
	st          *seriesState
	ind, plan   int32
	region      int32
	year        int
	disagg      domain.Disaggregation
	status      domain.Status
	brk         bool
	note        string
	// exact marks a workbook's numeric cell, read without a convention.
	exact bool
	// absent marks attributes the file did not state, so the store keeps
	// the stored ones instead of resetting them.
	absent domain.Attr
}

// rowCtx is what a row says about all of its values.
type rowCtx struct {
	line              int
	bad               bool
	values            int
	ind, region, plan int32
	status            domain.Status
	statusSet         bool
	brk               bool
	note              string
	disagg            domain.Disaggregation
	disaggID          int32
	mult              float64
}

func newReader(cat *domain.Catalog, opts Options) *reader {
	rd := &reader{opts: opts, lang: opts.Lang, res: newResolver(cat), fileInd: -1, fileRegion: -1, filePlan: -1,
		series: map[seriesKey]*seriesState{}, firstLine: map[dupKey]int32{}, unitCache: map[unitKey]bool{},
		disaggCache: map[string]disaggResult{}, disaggIDs: map[domain.Disaggregation]int32{domain.Total: 0}}
	rd.res.territory = strings.TrimSpace(opts.Territory)
	rd.rep = &Report{maxErrors: opts.MaxErrors, lang: opts.Lang, Dialect: Dialect{Decimal: opts.Decimal}}
	if rd.rep.maxErrors <= 0 {
		rd.rep.maxErrors = 1000
	}
	if opts.Decimal != DecimalUnknown {
		rd.dec, rd.rep.Dialect.DecimalFrom = opts.Decimal, "stated"
	}
	return rd
}

// fail records an error on the row (and marks it bad).
func (rd *reader) fail(c *rowCtx, fieldIdx int, raw, code string, args ...any) {
	if c != nil {
		c.bad = true
	}
	line := 0
	if c != nil {
		line = c.line
	}
	rd.problem(line, fieldIdx, raw, code, false, args...)
}

// problem records an error or warning; its message is only formatted when
// it will be listed.
func (rd *reader) problem(line, fieldIdx int, raw, code string, warning bool, args ...any) {
	rd.problemAs(line, fieldIdx, raw, code, code, warning, args...)
}

// problemAs is problem with a message other than the code's own.
func (rd *reader) problemAs(line, fieldIdx int, raw, code, msg string, warning bool, args ...any) {
	e := RowError{Line: line, Value: clip(raw), Code: code, Warning: warning}
	if fieldIdx >= 0 && rd.sch != nil && fieldIdx < len(rd.sch.fields) {
		e.Column, e.Field = rd.sch.fields[fieldIdx].name, fieldIdx+1
	}
	if rd.sheet != "" && line > 0 {
		e.Cell = cellRef(rd.sheet, e.Field, line)
	}
	if !rd.rep.full() {
		e.Reason = text(rd.lang, msg, clipArgs(raw, args)...)
	}
	rd.rep.add(e)
}

// run reads the whole file: its text, its header, what the header and the
// options say about the file, then every row.
func (rd *reader) run(r io.Reader) (*Report, error) {
	rep := rd.rep
	in := bufio.NewReaderSize(r, sniffSize)
	if magic, _ := in.Peek(len(zipMagic)); bytes.Equal(magic, zipMagic) {
		return rd.runWorkbook(in)
	}
	br, err := openText(in, rd.opts, &rep.Dialect)
	if err != nil {
		return rep, err
	}
	head, _ := br.Peek(sniffSize)
	rep.Dialect.Delimiter = sniffDelimiter(head)
	cr := newRecordReader(br, rep.Dialect.Delimiter[0])
	if err := rd.readHeader(cr); err != nil {
		return rep, err
	}
	if err := rd.setup(); err != nil {
		return rep, err
	}
	if err := rd.readRows(cr); err != nil {
		return rep, err
	}
	rd.finish()
	return rep, rd.emitErr
}

// headerTries is how many records may come before the header.
const headerTries = 10

// readHeader finds the header: the first row that names the columns a
// layout needs. BPS tables put a title and blank lines above it.
func (rd *reader) readHeader(cr records) error {
	rep := rd.rep
	var first string
	for tries := 0; tries < headerTries && rd.sch == nil; tries++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return domain.Errorf(domain.ErrInvalid, "%s", text(rd.lang, CodeMalformed, pe.Column, pe.Err.Error()))
			}
			return fmt.Errorf("ingest: read: %w", err)
		}
		if blank(rec) {
			continue
		}
		sch, ok, repeated := buildSchema(rec)
		if repeated != nil {
			return fileError(rd.lang, "repeat_column", repeated.name, repeated.col)
		}
		if ok {
			rd.sch = sch
			rep.Dialect.HeaderLine = cr.Line()
			return nil
		}
		if first == "" {
			first = strconv.Quote(clip(strings.Join(rec, rep.Dialect.Delimiter)))
		}
	}
	if first == "" {
		return fileError(rd.lang, "empty")
	}
	return fileError(rd.lang, "no_header", headerTries, first)
}

// readRows reads the records under the header, skipping blank lines and
// footnotes. It stops at the end of the file, when the reader gives up
// (rd.stopped) or at an error reading or emitting, which it returns.
func (rd *reader) readRows(cr records) error {
	rep := rd.rep
	width := len(rd.sch.fields)
	for !rd.stopped {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fmt.Errorf("ingest: read: %w", err)
			}
			// encoding/csv resumes after the broken record; an unterminated
			// quote runs to the end of the file, so nothing follows it.
			rd.problem(pe.StartLine, -1, "", CodeMalformed, false, pe.Column, pe.Err.Error())
			rep.rejected++
			continue
		}
		if rd.sheet != "" && len(rec) < width {
			rec = padRow(rec, width) // Excel writes no cell for an empty one at the end of a row
		}
		if len(rec) != width {
			if blank(rec) || footnote(rec) {
				continue
			}
			rd.problem(cr.Line(), -1, "", CodeRagged, false, len(rec), width)
			rep.rejected++
			continue
		}
		if rec[0] == "" && blank(rec) || footnote(rec) {
			continue
		}
		rd.row(cr.Line(), rec)
		if rd.emitErr != nil {
			return rd.emitErr
		}
	}
	return nil
}

// blank reports whether every cell is empty (";;;;" under a table).
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// footnote reports whether a row is a note under a BPS table ("Sumber: BPS
// Kabupaten Banyuasin", "*) Angka sementara"): text in the first cell only,
// or repeated across the row (a workbook's merged cell, filled).
func footnote(rec []string) bool {
	if len(rec) == 0 {
		return false
	}
	for _, c := range rec[1:] {
		if c = strings.TrimSpace(c); c != "" && c != strings.TrimSpace(rec[0]) {
			return false
		}
	}
	s := strings.ToLower(strings.TrimSpace(rec[0]))
	for _, p := range []string{"sumber", "source", "catatan", "keterangan", "note", "*", "r)", "ket"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// setup checks what the header and the options say about the whole file.
func (rd *reader) setup() error {
	s, rep := rd.sch, rd.rep
	if t := rd.res.territory; t != "" && t != domain.NationalCode {
		if _, ok := rd.res.regionIdx[t]; !ok {
			// Matching nationwide instead would resolve names the instance
			// never meant.
			return fileError(rd.lang, "territory", t)
		}
	}
	rep.Dialect.Layout = s.layout
	for _, f := range s.fields {
		dc := DialectColumn{Name: f.name, Use: f.col, Year: f.year}
		if f.col == ColDisagg {
			dc.Dimension, _, _ = domain.NormalizeDimension(f.dim, "x")
		}
		rep.Dialect.Columns = append(rep.Dialect.Columns, dc)
	}
	if rd.dec == DecimalUnknown && (s.layout == LayoutOpenSDG || s.layout == LayoutSDMX1 || s.layout == LayoutSDMX2) && rep.Dialect.Delimiter == "," {
		// Machine-written formats separated by commas cannot have a decimal
		// comma without quoting every number, which their writers never do.
		rd.dec, rep.Dialect.Decimal, rep.Dialect.DecimalFrom = DecimalPoint, DecimalPoint, "layout"
	}
	if o := strings.TrimSpace(rd.opts.Indicator); o != "" {
		if rd.fileInd = rd.res.indicator(o); rd.fileInd < 0 {
			return fileError(rd.lang, "opt_ind", o, rd.lang.DidYouMean(rd.res.suggestIndicators(o)))
		}
	} else if s.ind < 0 {
		return fileError(rd.lang, "need_ind")
	}
	if o := strings.TrimSpace(rd.opts.Region); o != "" {
		l := rd.res.region(o)
		switch rd.fileRegion = l.idx; {
		case len(l.candidates) > 0:
			return fileError(rd.lang, "opt_region_ambiguous", o, rd.candidates(l))
		case rd.fileRegion < 0:
			return fileError(rd.lang, "opt_region", o, rd.lang.DidYouMean(rd.res.suggestRegions(o)))
		}
	} else if s.region < 0 && s.regionName < 0 {
		return fileError(rd.lang, "need_region")
	}
	if rd.targets {
		if o := strings.TrimSpace(rd.opts.Plan); o != "" {
			if rd.filePlan = rd.res.plan(o); rd.filePlan < 0 {
				return fileError(rd.lang, "opt_plan", o, rd.lang.DidYouMean(rd.res.suggestPlans(o)))
			}
		} else if s.plan < 0 {
			return fileError(rd.lang, "need_plan")
		}
	}
	return nil
}

// row reads one data record: first what it says about all of its values,
// then each value.
func (rd *reader) row(line int, rec []string) {
	rd.rep.Rows++
	s := rd.sch
	c := rowCtx{line: line, ind: rd.fileInd, region: rd.fileRegion, plan: rd.filePlan, status: domain.StatusFinal, mult: 1}
	if s.ind >= 0 {
		rd.rowIndicator(&c, rec)
	}
	rd.rowRegion(&c, rec)
	if rd.targets && s.plan >= 0 {
		rd.rowPlan(&c, rec)
	}
	if s.status >= 0 {
		rd.rowStatus(&c, rec)
	}
	if s.brk >= 0 {
		rd.rowBreak(&c, rec)
	}
	if s.note >= 0 {
		rd.rowNote(&c, rec)
	}
	if s.unit >= 0 && c.ind >= 0 {
		if raw := strings.TrimSpace(rec[s.unit]); raw != "" {
			rd.checkUnit(&c, s.unit, raw)
		}
	} else if s.value >= 0 && s.fields[s.value].unit != "" && c.ind >= 0 && c.line == rd.rep.Dialect.HeaderLine+1 {
		rd.checkUnit(&c, s.value, s.fields[s.value].unit) // "Nilai (%)": checked once
	}
	if s.unitMult >= 0 {
		rd.rowMultiplier(&c, rec)
	}
	if s.action >= 0 || s.freq >= 0 {
		rd.rowSDMX(&c, rec)
	}
	if len(s.disagg) > 0 {
		rd.rowDisagg(&c, rec)
	}

	if s.layout == LayoutWide {
		for _, fi := range s.years {
			f := &s.fields[fi]
			rd.cell(&c, rec, fi, f.year, f.status)
		}
	} else {
		rd.cell(&c, rec, s.value, rd.rowYear(&c, rec), "")
	}
	if c.bad && c.values == 0 {
		rd.rep.rejected++ // the row's problem has no value to count against
	}
}

// rowIndicator reads the indicator column, which must agree with the
// indicator named for the file, if any.
func (rd *reader) rowIndicator(c *rowCtx, rec []string) {
	col := rd.sch.ind
	raw := strings.TrimSpace(rec[col])
	if rd.blank(c, col, raw, rd.fileInd, CodeNoIndicator) {
		return
	}
	i := rd.lastInd.get(raw, rd.res.indicator)
	switch {
	case i < 0:
		rd.fail(c, col, raw, CodeUnknownIndicator, raw, rd.suggest(rd.res.suggestIndicators, raw))
	case rd.fileInd >= 0 && i != rd.fileInd:
		rd.fail(c, col, raw, CodeIndicatorConflict, rd.res.inds[i].Code, rd.res.inds[rd.fileInd].Code)
	}
	c.ind = i
}

// rowPlan reads a targets file's plan column.
func (rd *reader) rowPlan(c *rowCtx, rec []string) {
	col := rd.sch.plan
	raw := strings.TrimSpace(rec[col])
	if rd.blank(c, col, raw, rd.filePlan, CodeNoPlan) {
		return
	}
	if c.plan = rd.res.plan(raw); c.plan < 0 {
		rd.fail(c, col, raw, CodeUnknownPlan, raw, rd.suggest(rd.res.suggestPlans, raw))
	}
}

// rowBreak reads the series-break column: yes or no, in Bahasa or English.
func (rd *reader) rowBreak(c *rowCtx, rec []string) {
	col := rd.sch.brk
	switch raw := strings.TrimSpace(rec[col]); strings.ToLower(raw) {
	case "1", "ya", "yes", "true", "y", "benar":
		c.brk = true
	case "", "0", "tidak", "no", "false", "n", "t", "salah":
	default:
		rd.fail(c, col, raw, CodeBadBreak, raw)
	}
}

// rowNote reads the note column; a note is kept, so it is copied out of
// the record's buffer.
func (rd *reader) rowNote(c *rowCtx, rec []string) {
	col := rd.sch.note
	if raw := strings.TrimSpace(rec[col]); raw != "" {
		if !utf8.ValidString(raw) {
			rd.fail(c, col, raw, CodeInvalidText)
		}
		c.note = strings.Clone(raw)
	}
}

// rowSDMX refuses what SDMX columns can say that Pantau does not store:
// deletions (ACTION D) and periods other than years (FREQ).
func (rd *reader) rowSDMX(c *rowCtx, rec []string) {
	s := rd.sch
	if s.action >= 0 {
		if raw := strings.TrimSpace(rec[s.action]); strings.EqualFold(raw, "D") {
			rd.fail(c, s.action, raw, CodeUnsupportedAction, raw)
		}
	}
	if s.freq >= 0 {
		if raw := strings.TrimSpace(rec[s.freq]); raw != "" && !strings.EqualFold(raw, "A") && !strings.EqualFold(raw, "annual") && !strings.EqualFold(raw, "tahunan") {
			rd.fail(c, s.freq, raw, CodeUnsupportedPeriod, raw)
		}
	}
}

// rowYear reads the year column of a long, Open SDG or SDMX row.
func (rd *reader) rowYear(c *rowCtx, rec []string) int {
	s := rd.sch
	raw := strings.TrimSpace(rec[s.year])
	year, ok := parseYear(raw)
	if !ok && s.layout != LayoutLong {
		// SDMX and Open SDG periods such as "2023-12-31" or "2023-A1".
		if len(raw) > 4 && (raw[4] == '-' || raw[4] == 'A') {
			if y, ok2 := parseYear(raw[:4]); ok2 && (strings.HasSuffix(raw, "-A1") || strings.HasSuffix(raw, "-12-31")) {
				year, ok = y, true
			}
		}
	}
	switch {
	case !ok && len(raw) > 4 && allDigits(raw[:4]):
		rd.fail(c, s.year, raw, CodeUnsupportedPeriod, raw)
	case !ok:
		rd.fail(c, s.year, raw, CodeBadYear, raw)
	case domain.CheckYear(year) != nil:
		rd.fail(c, s.year, raw, CodeYearRange, year, domain.MinYear, domain.MaxYear)
	}
	return year
}

// blank reports whether a row's indicator, region or plan cell is empty; an
// empty cell is a problem (code) only when the file names none for all its
// rows (fromFile < 0).
func (rd *reader) blank(c *rowCtx, col int, raw string, fromFile int32, code string) bool {
	if raw != "" {
		return false
	}
	if fromFile < 0 {
		rd.fail(c, col, raw, code)
	}
	return true
}

// last remembers the latest cell resolved in a column and what it resolved
// to: consecutive rows usually repeat their indicator and region.
type last[T any] struct {
	raw string
	v   T
}

// get returns what raw (never "") resolves to, asking resolve only when raw
// differs from the cell before.
func (m *last[T]) get(raw string, resolve func(string) T) T {
	if raw != m.raw {
		m.raw, m.v = raw, resolve(raw)
	}
	return m.v
}

// suggest runs a did-you-mean search only when the message will be listed.
func (rd *reader) suggest(f func(string) []string, raw string) string {
	if rd.rep.full() {
		return ""
	}
	return rd.lang.DidYouMean(f(raw))
}

func (rd *reader) rowRegion(c *rowCtx, rec []string) {
	s := rd.sch
	col, raw := s.region, ""
	if col >= 0 {
		raw = strings.TrimSpace(rec[col])
	}
	if raw == "" && s.regionName >= 0 {
		col, raw = s.regionName, strings.TrimSpace(rec[s.regionName])
	}
	if rd.blank(c, col, raw, rd.fileRegion, CodeNoRegion) {
		return
	}
	l := rd.lastReg.get(raw, rd.res.region)
	switch {
	case l.idx >= 0:
		c.region = l.idx
	case len(l.candidates) > 0:
		rd.fail(c, col, raw, CodeAmbiguousRegion, raw, rd.candidates(l))
	default:
		rd.fail(c, col, raw, CodeUnknownRegion, raw, rd.suggest(rd.res.suggestRegions, raw))
	}
	if l.idx < 0 {
		c.region = -1
	}
}

// candidates lists an ambiguous name's regions, each with its code and
// level, for the writer to choose the code from.
func (rd *reader) candidates(l lookup) string {
	if rd.rep.full() {
		return ""
	}
	names := make([]string, len(l.candidates))
	for i, k := range l.candidates {
		reg := rd.res.regions[k]
		names[i] = reg.Code + " " + reg.Name + " (" + levelName(rd.lang, reg.Level) + ")"
	}
	return strings.Join(names, ", ")
}

func (rd *reader) rowStatus(c *rowCtx, rec []string) {
	col := rd.sch.status
	raw := strings.TrimSpace(rec[col])
	if raw == "" {
		return
	}
	if rd.sch.layout == LayoutSDMX1 || rd.sch.layout == LayoutSDMX2 {
		// SDMX CL_OBS_STATUS codes.
		switch strings.ToUpper(raw) {
		case "A":
			c.statusSet = true
			return
		case "P":
			c.status, c.statusSet = domain.StatusPreliminary, true
			return
		case "R":
			c.status, c.statusSet = domain.StatusRevised, true
			return
		case "B":
			c.brk = true
			return
		case "M", "L", "O":
			return // missing, not collected: the value cell is empty or NaN
		}
	}
	st, ok := parseStatus(raw)
	if !ok {
		rd.fail(c, col, raw, CodeBadStatus, raw)
		return
	}
	c.status, c.statusSet = st, true
}

func (rd *reader) checkUnit(c *rowCtx, col int, raw string) {
	if raw == rd.lastUnitRaw && c.ind == rd.lastUnitInd {
		if !rd.lastUnitOK {
			ind := rd.res.inds[c.ind]
			rd.fail(c, col, raw, CodeUnitContradicts, raw, ind.Code, ind.Unit)
		}
		return
	}
	k := unitKey{raw, c.ind}
	ok, seen := rd.unitCache[k]
	if !seen {
		ok = SameUnit(raw, rd.res.inds[c.ind].Unit)
		if len(rd.unitCache) < 1024 {
			rd.unitCache[unitKey{strings.Clone(raw), c.ind}] = ok
		}
	}
	rd.lastUnitRaw, rd.lastUnitInd, rd.lastUnitOK = raw, c.ind, ok
	if !ok {
		ind := rd.res.inds[c.ind]
		rd.fail(c, col, raw, CodeUnitContradicts, raw, ind.Code, ind.Unit)
	}
}

// rowMultiplier reads SDMX UNIT_MULT (a power of ten) or Open SDG's "Unit
// multiplier" (Units, Thousands, Millions).
func (rd *reader) rowMultiplier(c *rowCtx, rec []string) {
	col := rd.sch.unitMult
	raw := strings.TrimSpace(rec[col])
	if raw != rd.multRaw || rd.mult == 0 {
		rd.multRaw, rd.multOK = raw, true
		switch strings.ToLower(raw) {
		case "", "0", "units", "unit", "satuan":
			rd.mult = 1
		case "thousands", "thousand", "ribuan", "ribu":
			rd.mult = 1e3
		case "millions", "million", "jutaan", "juta":
			rd.mult = 1e6
		case "billions", "billion", "miliar":
			rd.mult = 1e9
		default:
			n, err := strconv.Atoi(raw)
			rd.mult, rd.multOK = math.Pow(10, float64(n)), err == nil && n >= -12 && n <= 12
		}
	}
	if !rd.multOK {
		rd.fail(c, col, raw, CodeBadUnitMultiplier, raw)
		return
	}
	c.mult = rd.mult
}

// sdmxAge turns SDMX age codes into Pantau's form: Y15T24 → 15-24,
// Y_GE65 → 65+, Y_LT5 → <5.
func sdmxAge(v string) string {
	u := strings.ToUpper(v)
	switch {
	case strings.HasPrefix(u, "Y_GE"):
		return u[4:] + "+"
	case strings.HasPrefix(u, "Y_LT"):
		return "<" + u[4:]
	case len(u) > 1 && u[0] == 'Y' && strings.Contains(u, "T") && allDigits(strings.Replace(u[1:], "T", "", 1)):
		a, b, _ := strings.Cut(u[1:], "T")
		return a + "-" + b
	}
	return v
}

func (rd *reader) rowDisagg(c *rowCtx, rec []string) {
	b := rd.disaggBuf[:0]
	for _, i := range rd.sch.disagg {
		b = append(b, rec[i]...)
		b = append(b, 0)
	}
	rd.disaggBuf = b
	res, ok := rd.disaggCache[string(b)]
	if !ok {
		if rd.pairs == nil {
			rd.pairs = map[string]string{}
		}
		clear(rd.pairs)
		for _, i := range rd.sch.disagg {
			dim, v := rd.sch.fields[i].dim, strings.TrimSpace(rec[i])
			canon, _, _ := domain.NormalizeDimension(dim, "x")
			switch {
			case canon == "daerah" && strings.EqualFold(v, "U"):
				v = "perkotaan"
			case canon == "daerah" && strings.EqualFold(v, "R"):
				v = "perdesaan"
			case canon == "kelompok_umur":
				v = sdmxAge(v)
			}
			if missing(v) && v != "" {
				v = ""
			}
			rd.pairs[dim] = v
		}
		d, err := domain.NewDisaggregation(rd.pairs)
		res.d = d
		if err != nil {
			for _, i := range rd.sch.disagg {
				dim, v := rd.sch.fields[i].dim, strings.TrimSpace(rec[i])
				if _, err := domain.NewDisaggregation(map[string]string{dim: v}); err != nil || v == "" {
					res.dim, res.val = dim, v
					break
				}
			}
			res.err = "x"
		} else {
			id, seen := rd.disaggIDs[d]
			if !seen {
				id = int32(len(rd.disaggIDs))
				rd.disaggIDs[d] = id
			}
			res.id = id
		}
		if len(rd.disaggCache) < 4096 {
			rd.disaggCache[string(b)] = res
		}
	}
	if res.err != "" {
		col := -1
		for _, i := range rd.sch.disagg {
			if rd.sch.fields[i].dim == res.dim {
				col = i
			}
		}
		rd.fail(c, col, res.val, CodeBadDisaggregation, res.dim, res.val)
		return
	}
	c.disagg, c.disaggID = res.d, res.id
}

// cell reads one value of a row: the value column, or one year of a wide row.
func (rd *reader) cell(c *rowCtx, rec []string, fi, year int, yearStatus domain.Status) {
	rep := rd.rep
	raw := strings.TrimSpace(rec[fi])
	if missing(raw) {
		rep.Missing++
		return
	}
	c.values++
	if fi < len(rd.pctCols) && rd.pctCols[fi] {
		rd.countPercent(fi)
	}
	if c.bad {
		rep.rejected++
		return
	}
	errs := rep.errors
	// A trailing % says the value is in percent, typed ("0,49%") or a
	// workbook's percent cell read as shown: the indicator's unit must be.
	num, mark, pct := splitMark(raw)
	status := rd.cellStatus(c, fi, raw, mark, yearStatus)
	ind := &rd.res.inds[c.ind]
	if pct && ind.Unit != domain.UnitPercent {
		rd.problem(c.line, fi, raw, CodeUnitContradicts, false, "%", ind.Code, ind.Unit)
	}
	p := pending{line: c.line, field: fi, raw: raw, mult: c.mult, ind: c.ind, plan: c.plan}
	// A workbook's numeric cell holds its number as Excel stores it ("9.58",
	// "850022"): read as it is, it needs no convention and decides none.
	p.exact = rd.sheet != "" && plainNumber(num)
	rd.splitNumber(&p, num)
	if rep.errors > errs {
		rep.rejected++
		return
	}
	if p.st = rd.claimYear(c, fi, raw, year); p.st == nil {
		rep.rejected++
		return
	}
	p.region, p.year, p.disagg, p.status, p.brk, p.note = c.region, year, c.disagg, status, c.brk, c.note
	p.absent = rd.unstated(c, mark, yearStatus)
	rd.settleOrHold(&p)
}

// countPercent counts a percent cell in its column of the dialect: the
// header's, or on a later sheet the header's column of the same name.
func (rd *reader) countPercent(fi int) {
	cols, f := rd.rep.Dialect.Columns, rd.sch.fields[fi]
	if fi < len(cols) && cols[fi].Name == f.name {
		cols[fi].PercentCells++
		return
	}
	for i := range cols {
		if cols[i].Name == f.name && cols[i].Use == f.col {
			cols[i].PercentCells++
			return
		}
	}
}

// cellStatus is a value's status: from a footnote mark after the number
// ("9,31*"), else from the row's status column, else from a mark on the
// year's heading. A mark the status column contradicts is a problem.
func (rd *reader) cellStatus(c *rowCtx, fi int, raw, mark string, yearStatus domain.Status) domain.Status {
	if mark == "" {
		if yearStatus != "" && !c.statusSet {
			return yearStatus
		}
		return c.status
	}
	ms, ok := markStatus(mark)
	switch {
	case !ok:
		rd.problem(c.line, fi, raw, CodeUnknownMark, false, mark)
	case c.statusSet && c.status != ms:
		rd.problem(c.line, fi, raw, CodeMarkConflict, false, mark, statusName(rd.lang, ms), statusName(rd.lang, c.status))
	default:
		return ms
	}
	return c.status
}

// splitNumber puts the number of a cell into p: one part, or for a target
// the two ends of a range. A part that is no number is a problem.
func (rd *reader) splitNumber(p *pending, num string) {
	if p.exact {
		p.parts[0], p.n, p.shapes[0] = num, 1, numberShape{point: true}
		return
	}
	if rd.targets {
		lo, hi, isRange := splitRange(num)
		p.parts[0], p.n = lo, 1
		if isRange {
			p.parts[1], p.n = hi, 2
		}
	} else {
		p.parts[0], p.n = num, 1
	}
	for i := 0; i < p.n; i++ {
		p.shapes[i] = shapeOf(p.parts[i])
		if !p.shapes[i].comma && !p.shapes[i].point {
			code := CodeNotNumber
			if rd.targets {
				code = CodeBadRange
			}
			rd.problem(p.line, p.field, p.raw, code, false, p.raw)
			return
		}
	}
}

// claimYear marks the year taken in the row's series and returns the
// series; a year taken already is a duplicate within the file (nil).
func (rd *reader) claimYear(c *rowCtx, fi int, raw string, year int) *seriesState {
	k := seriesKey{plan: c.plan, ind: c.ind, region: c.region, disagg: c.disaggID}
	st := rd.lastSeries
	if st == nil || k != rd.lastKey {
		st = rd.series[k]
		if st == nil {
			st = &seriesState{}
			rd.series[k] = st
		}
		rd.lastKey, rd.lastSeries = k, st
	}
	if !st.years.Add(year) {
		first := rd.firstLine[dupKey{st, int32(year)}]
		if first > 0 {
			rd.problem(c.line, fi, raw, CodeDuplicate, false, first)
		} else {
			rd.problemAs(c.line, fi, raw, CodeDuplicate, "duplicate_earlier", false)
		}
		return nil
	}
	if len(rd.firstLine) < maxFirstLines {
		rd.firstLine[dupKey{st, int32(year)}] = int32(c.line)
	}
	return st
}

// unstated lists the attributes the file does not state for a value, so
// that the store keeps the stored ones instead of resetting them.
func (rd *reader) unstated(c *rowCtx, mark string, yearStatus domain.Status) domain.Attr {
	var a domain.Attr
	if !c.statusSet && mark == "" && yearStatus == "" {
		a |= domain.AttrStatus
	}
	if rd.sch.brk < 0 && !c.brk {
		a |= domain.AttrBreak
	}
	if rd.sch.note < 0 {
		a |= domain.AttrNote
	}
	return a
}

// settleOrHold settles p once the decimal convention is known. Until a
// number decides it, a value that reads both ways is held back, and so is
// every value after it, to keep the file's order; the first number that
// decides settles them all.
func (rd *reader) settleOrHold(p *pending) {
	if p.exact && len(rd.pending) > 0 {
		rd.hold(p)
		return
	}
	if rd.dec == DecimalUnknown && !p.exact {
		decided, ambiguous := rd.decideBy(p)
		if !decided && (ambiguous || len(rd.pending) > 0) {
			rd.hold(p)
			return
		}
		if decided {
			for i := range rd.pending {
				rd.settle(&rd.pending[i])
			}
			rd.pending = nil
		}
	}
	rd.settle(p)
}

// decideBy decides the decimal convention when one of p's numbers reads
// only one way; ambiguous says one reads both ways.
func (rd *reader) decideBy(p *pending) (decided, ambiguous bool) {
	for i := 0; i < p.n; i++ {
		sh := p.shapes[i]
		switch {
		case sh.ambiguous:
			ambiguous = true
		case sh.comma && !sh.point:
			rd.decide(DecimalComma, p.line)
			return true, ambiguous
		case sh.point && !sh.comma && strings.ContainsAny(p.parts[i], ".,"):
			rd.decide(DecimalPoint, p.line)
			return true, ambiguous
		}
	}
	return false, ambiguous
}

// hold keeps p back until the convention is decided. Past maxPending held
// values the file is given up: it must state its convention.
func (rd *reader) hold(p *pending) {
	if len(rd.pending) >= maxPending {
		first := &rd.pending[0]
		rd.problem(first.line, first.field, first.raw, CodeTooManyUndecidable, false, maxPending)
		rd.rep.rejected += len(rd.pending)
		rd.pending, rd.stopped = nil, true
		return
	}
	rd.pending = append(rd.pending, *p)
}

func (rd *reader) decide(d Decimal, line int) {
	rd.dec, rd.decLine = d, line
	rd.rep.Dialect.Decimal = d
	rd.rep.Dialect.DecimalFrom = "line " + strconv.Itoa(line)
}

// splitRange splits a target range: "9,37–10,37", "9.37 - 10.37",
// "9,37 s.d. 10,37", "9,37-10,37".
func splitRange(s string) (lo, hi string, ok bool) {
	for _, sep := range []string{"–", "—", " - ", "s.d.", "s.d", "s/d", "sampai", " to ", "~"} {
		if a, b, found := strings.Cut(s, sep); found && strings.TrimSpace(a) != "" {
			return strings.TrimSpace(a), strings.TrimSpace(b), true
		}
	}
	if i := strings.IndexByte(s[min(1, len(s)):], '-'); i >= 0 && isDigit(s[i]) {
		return strings.TrimSpace(s[:i+1]), strings.TrimSpace(s[i+2:]), true
	}
	return s, "", false
}

// settle parses a value once the convention is known, checks it against
// its indicator (and plan) and emits it.
func (rd *reader) settle(p *pending) {
	rep := rd.rep
	d := rd.dec
	var vals [2]float64
	for i := 0; i < p.n; i++ {
		part := p.parts[i]
		dd := d
		if d == DecimalUnknown {
			dd = DecimalPoint // whole numbers read the same in every convention
		}
		if p.exact {
			dd = DecimalPoint
		}
		if !p.shapes[i].readable(dd) {
			rd.problem(p.line, p.field, p.raw, CodeWrongConvention, false, p.raw, decimalName(rd.lang, d), rd.decLine)
			rep.rejected++
			return
		}
		v, ok := parseNumber(part, dd)
		if p.exact {
			var err error
			v, err = strconv.ParseFloat(part, 64)
			ok = err == nil
		}
		if !ok {
			rd.problem(p.line, p.field, p.raw, CodeNotNumber, false, p.raw)
			rep.rejected++
			return
		}
		if p.mult != 0 && p.mult != 1 {
			v *= p.mult
		}
		vals[i] = v
	}
	ind := &rd.res.inds[p.ind]
	lo, hi := rd.res.bounds[p.ind][0], rd.res.bounds[p.ind][1]
	for i := 0; i < p.n; i++ {
		if vals[i] >= lo && vals[i] <= hi { // NaN fails both
			continue
		}
		if err := ind.CheckValue(vals[i]); err != nil {
			lo, hi := ind.Bounds()
			rd.problem(p.line, p.field, p.raw, CodeOutOfBounds, false, formatNumber(rd.lang, vals[i]), formatNumber(rd.lang, lo), formatNumber(rd.lang, hi), ind.Code, ind.Unit)
			rep.rejected++
			return
		}
	}
	if rd.targets {
		t := domain.Target{PlanCode: rd.res.plans[p.plan].Code, Note: p.note,
			ObservationKey: domain.ObservationKey{IndicatorCode: ind.Code, RegionCode: rd.res.regions[p.region].Code, Year: p.year, Disagg: p.disagg}}
		t.Low, t.High = vals[0], vals[0]
		if p.n == 2 {
			t.High = vals[1]
		}
		plan := rd.res.plans[p.plan]
		switch {
		case t.Low > t.High:
			rd.problem(p.line, p.field, p.raw, CodeBadRange, false, p.raw)
			rep.rejected++
			return
		case t.Year < plan.StartYear || t.Year > plan.EndYear:
			rd.problem(p.line, p.field, p.raw, CodeTargetYear, false, t.Year, plan.Code, plan.StartYear, plan.EndYear)
			rep.rejected++
			return
		}
		if err := t.Validate(plan, *ind); err != nil { // the domain's last word
			rep.add(RowError{Line: p.line, Value: clip(p.raw), Reason: domain.Message(err), Code: CodeOutOfBounds})
			rep.rejected++
			return
		}
		rep.Values++
		if rep.errors == 0 && rd.emitErr == nil {
			rd.emitErr = rd.emitTgt(t)
		}
		return
	}
	o := domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: ind.Code, RegionCode: rd.res.regions[p.region].Code, Year: p.year, Disagg: p.disagg},
		Value: vals[0], Status: p.status, Break: p.brk, Note: p.note, Absent: p.absent, Line: p.line}
	rep.Values++
	rd.checkJump(p, &o)
	if rep.errors == 0 && rd.emitErr == nil {
		rd.emitErr = rd.emitObs(o)
	}
}

// checkJump warns when a value changes by more than half against the year
// before: from this file when it holds that year, else from the store.
func (rd *reader) checkJump(p *pending, o *domain.Observation) {
	st := p.st
	ref, ok := 0.0, false
	if st.lastYear == o.Year-1 {
		ref, ok = st.lastVal, true
	} else if rd.opts.Previous != nil {
		k := o.ObservationKey
		k.Year--
		ref, ok = rd.opts.Previous(k)
	}
	if o.Year > st.lastYear {
		st.lastYear, st.lastVal = o.Year, o.Value
	}
	if !ok || ref == 0 || math.Abs(o.Value-ref) <= 0.5*math.Abs(ref) {
		return
	}
	if rd.rep.full() {
		rd.rep.Warnings++
		rd.rep.MoreErrors++
		return
	}
	pct := math.Round(math.Abs(o.Value-ref) / math.Abs(ref) * 100)
	rd.problem(p.line, p.field, p.raw, CodeImplausibleJump, true, formatNumber(rd.lang, o.Value), formatNumber(rd.lang, ref), o.Year-1, formatNumber(rd.lang, pct))
}

// finish settles what the end of the file decides.
func (rd *reader) finish() {
	rep := rd.rep
	if rd.dec == DecimalUnknown {
		if len(rd.pending) > 0 {
			p := rd.pending[0]
			rd.problem(p.line, p.field, p.raw, CodeAmbiguousDecimal, false, p.raw)
			rep.rejected += len(rd.pending)
			rd.pending = nil
		} else if rep.Values > 0 && rd.sheet != "" {
			rep.Dialect.DecimalFrom = "numeric cells"
		} else if rep.Values > 0 {
			rep.Dialect.DecimalFrom = "whole numbers"
		}
	}
	if rep.Rows == 0 && rep.errors == 0 {
		rd.problem(rep.Dialect.HeaderLine, -1, "", CodeNoRows, true)
	}
}
