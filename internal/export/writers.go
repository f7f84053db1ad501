package export

import (
	"bufio"
	"cmp"
	"strconv"
	"strings"
	"unicode/utf8"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// longRows is what the one-value-per-row layouts share: the CSV output and
// the disaggregation's columns (after the year in Pantau's own layouts).
type longRows struct {
	opts Options
	bw   *bufio.Writer
	out  *csvOut
	dims *dimCells
}

// newLongRows writes the header: lead, a column per disaggregation
// dimension, then tail.
func newLongRows(bw *bufio.Writer, opts Options, lead, tail []string) (longRows, error) {
	r := longRows{opts: opts, bw: bw, out: opts.csvOut(bw)}
	head, dims := opts.csvDims()
	r.dims = dims
	cols := append(append(lead, head...), tail...)
	return r, r.out.header(cols)
}

// start writes a row's first cells: lead, the year, then the cells of d. A
// disaggregation outside the header's columns is errChanged, and nothing is
// written.
func (r *longRows) start(d domain.Disaggregation, year int, lead ...string) error {
	cells, ok := r.dims.cells(d)
	if !ok {
		return errChanged
	}
	for _, s := range lead {
		r.out.text(s)
	}
	r.out.integer(year)
	for _, c := range cells {
		r.out.text(c)
	}
	return nil
}

func (r *longRows) Close() error { return r.bw.Flush() }

// longWriter writes one observation per row, the layout agencies upload:
// kode_wilayah;nama_wilayah;kode_indikator;nama_indikator;tahun;<dims>;nilai;satuan;status;putus_seri;catatan
type longWriter struct{ longRows }

func newLongWriter(bw *bufio.Writer, opts Options) (*longWriter, error) {
	r, err := newLongRows(bw, opts,
		[]string{opts.word("region"), opts.word("region_name"), opts.word("indicator"), opts.word("indicator_name"), opts.word("year")},
		[]string{opts.word("value"), opts.word("unit"), opts.word("status"), opts.word("break"), opts.word("note")})
	return &longWriter{r}, err
}

func (w *longWriter) Write(o domain.Observation) error {
	if err := w.start(o.Disagg, o.Year, o.RegionCode, w.opts.regionName(o.RegionCode), o.IndicatorCode, w.opts.indicatorName(o.IndicatorCode)); err != nil {
		return err
	}
	out := w.out
	out.num(o.Value)
	out.text(w.opts.unit(o.IndicatorCode))
	out.text(w.opts.statusWord(o.Status))
	if o.Break {
		out.text(w.opts.word("yes"))
	} else {
		out.empty()
	}
	out.text(o.Note)
	return out.end()
}

// targetLongWriter writes one target per row:
// rencana;kode_indikator;nama_indikator;kode_wilayah;nama_wilayah;tahun;<dims>;nilai;satuan;catatan
// A range is written "9,37–10,37".
type targetLongWriter struct{ longRows }

func newTargetLongWriter(bw *bufio.Writer, opts Options) (*targetLongWriter, error) {
	r, err := newLongRows(bw, opts,
		[]string{opts.word("plan"), opts.word("indicator"), opts.word("indicator_name"), opts.word("region"), opts.word("region_name"), opts.word("year")},
		[]string{opts.word("value"), opts.word("unit"), opts.word("note")})
	return &targetLongWriter{r}, err
}

func (w *targetLongWriter) Write(t domain.Target) error {
	if err := w.start(t.Disagg, t.Year, t.PlanCode, t.IndicatorCode, w.opts.indicatorName(t.IndicatorCode), t.RegionCode, w.opts.regionName(t.RegionCode)); err != nil {
		return err
	}
	out := w.out
	out.rangeCell(t.Low, t.High)
	out.text(w.opts.unit(t.IndicatorCode))
	out.text(t.Note)
	return out.end()
}

// wideWriter writes one series per row with the years as columns, the
// layout of BPS tables: kode_wilayah;nama_wilayah;kode_indikator;
// nama_indikator;<dims>;satuan;2020;2021;… (targets: rencana first). A
// preliminary value carries BPS's mark "*", a revised one "r"; a series
// break and notes have no place in this layout and are left out.
type wideWriter struct {
	opts    Options
	bw      *bufio.Writer
	out     *csvOut
	dims    *dimCells
	targets bool

	// The series being gathered; rows arrive in key order, so one is enough.
	open               bool
	plan, ind, region  string
	disagg             domain.Disaggregation
	cells              []wideCell
	yearFrom, yearSpan int
}

type wideCell struct {
	set    bool
	lo, hi float64
	mark   string
}

func newWideWriter(bw *bufio.Writer, opts Options, targets bool) (*wideWriter, error) {
	w := &wideWriter{opts: opts, bw: bw, out: opts.csvOut(bw), targets: targets, yearFrom: opts.FromYear}
	if opts.FromYear > 0 && opts.ToYear >= opts.FromYear {
		w.yearSpan = opts.ToYear - opts.FromYear + 1
	}
	w.cells = make([]wideCell, w.yearSpan)
	head, dims := opts.csvDims()
	w.dims = dims
	var cols []string
	if targets {
		cols = append(cols, opts.word("plan"))
	}
	cols = append(cols, opts.word("region"), opts.word("region_name"), opts.word("indicator"), opts.word("indicator_name"))
	cols = append(cols, head...)
	cols = append(cols, opts.word("unit"))
	for y := 0; y < w.yearSpan; y++ {
		cols = append(cols, strconv.Itoa(opts.FromYear+y))
	}
	return w, w.out.header(cols)
}

func (w *wideWriter) write(row any) error {
	var plan, ind, region string
	var d domain.Disaggregation
	var year int
	var cell wideCell
	switch r := row.(type) {
	case domain.Observation:
		ind, region, d, year = r.IndicatorCode, r.RegionCode, r.Disagg, r.Year
		cell = wideCell{set: true, lo: r.Value, hi: r.Value}
		switch r.Status {
		case domain.StatusPreliminary:
			cell.mark = "*"
		case domain.StatusRevised:
			cell.mark = "r"
		}
	case domain.Target:
		plan, ind, region, d, year = r.PlanCode, r.IndicatorCode, r.RegionCode, r.Disagg, r.Year
		cell = wideCell{set: true, lo: r.Low, hi: r.High}
	}
	if !w.open || plan != w.plan || ind != w.ind || region != w.region || d != w.disagg {
		if err := w.flush(); err != nil {
			return err
		}
		w.open, w.plan, w.ind, w.region, w.disagg = true, plan, ind, region, d
	}
	i := year - w.yearFrom
	if i < 0 || i >= w.yearSpan {
		return errChanged
	}
	w.cells[i] = cell
	return nil
}

func (w *wideWriter) flush() error {
	if !w.open {
		return nil
	}
	cells, ok := w.dims.cells(w.disagg)
	if !ok {
		return errChanged
	}
	out := w.out
	if w.targets {
		out.text(w.plan)
	}
	out.text(w.region)
	out.text(w.opts.regionName(w.region))
	out.text(w.ind)
	out.text(w.opts.indicatorName(w.ind))
	for _, c := range cells {
		out.text(c)
	}
	out.text(w.opts.unit(w.ind))
	for i := range w.cells {
		c := &w.cells[i]
		switch {
		case !c.set:
			out.empty()
		case w.targets:
			out.rangeCell(c.lo, c.hi)
		default:
			out.numMark(c.lo, c.mark)
		}
		*c = wideCell{}
	}
	w.open = false
	return out.end()
}

func (w *wideWriter) Close() error {
	if err := w.flush(); err != nil {
		return err
	}
	return w.bw.Flush()
}

// wideObservations and wideTargets adapt wideWriter to the typed interfaces.
type wideObservations struct{ *wideWriter }

func (w wideObservations) Write(o domain.Observation) error { return w.write(o) }

type wideTargets struct{ *wideWriter }

func (w wideTargets) Write(t domain.Target) error { return w.write(t) }

// sdmxWriter writes SDMX-CSV 2.0: STRUCTURE,STRUCTURE_ID,ACTION,FREQ,
// REF_AREA,INDICATOR,<SEX,URBANISATION,AGE…>,TIME_PERIOD,OBS_VALUE,
// UNIT_MEASURE,OBS_STATUS,SERIES_BREAK,COMMENT_OBS. OBS_STATUS uses the
// CL_OBS_STATUS codes A (normal), P (provisional) and R (revised); a series
// break, which SDMX could only say as OBS_STATUS B in place of the status,
// has its own attribute column so that both survive.
type sdmxWriter struct{ longRows }

// SDMXStructureID names Pantau's dataflow in SDMX-CSV files.
const SDMXStructureID = "PANTAU:DF_INDICATORS(1.0)"

func newSDMXWriter(bw *bufio.Writer, opts Options) (*sdmxWriter, error) {
	w := &sdmxWriter{longRows{opts: opts, bw: bw, out: newCSVOut(bw, ',', false)}}
	cols := []string{"STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ", "REF_AREA", "INDICATOR"}
	for _, d := range opts.Dimensions {
		cols = append(cols, cmp.Or(sdmxDimension[d], strings.ToUpper(d)))
	}
	cols = append(cols, "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS", "SERIES_BREAK", "COMMENT_OBS")
	w.dims = newDimCells(opts.Dimensions, func(dim, v string) string {
		if dim == "kelompok_umur" {
			return sdmxAge(v)
		}
		return cmp.Or(sdmxValue[v], v)
	}, "_T")
	return w, w.out.header(cols)
}

func (w *sdmxWriter) Write(o domain.Observation) error {
	cells, ok := w.dims.cells(o.Disagg)
	if !ok {
		return errChanged
	}
	out := w.out
	out.text("dataflow")
	out.text(SDMXStructureID)
	out.text("I") // information: merge into what the receiver holds
	out.text("A")
	out.text(o.RegionCode)
	out.text(o.IndicatorCode)
	for _, c := range cells {
		out.text(c)
	}
	out.integer(o.Year)
	out.num(o.Value)
	out.text(w.opts.unit(o.IndicatorCode))
	return out.obsAttributes(sdmxStatus(o.Status), o)
}

// sdmxStatus is the CL_OBS_STATUS code of a status.
func sdmxStatus(s domain.Status) string {
	switch s {
	case domain.StatusPreliminary:
		return "P"
	case domain.StatusRevised:
		return "R"
	}
	return "A"
}

// obsAttributes ends an SDMX or Open SDG row with the observation
// attributes both put last: OBS_STATUS, SERIES_BREAK (1 or 0) and
// COMMENT_OBS.
func (c *csvOut) obsAttributes(status string, o domain.Observation) error {
	c.text(status)
	if o.Break {
		c.text("1")
	} else {
		c.text("0")
	}
	c.text(o.Note)
	return c.end()
}

// openSDGWriter writes Open SDG's data layout: Year, the disaggregations,
// GeoCode, Units, Value, then observation attributes (OBS_STATUS,
// SERIES_BREAK, COMMENT_OBS). An export of one indicator is one Open SDG
// series file; with several, an Indicator column after Year names each
// row's.
type openSDGWriter struct {
	longRows
	withID bool
}

func newOpenSDGWriter(bw *bufio.Writer, opts Options) (*openSDGWriter, error) {
	w := &openSDGWriter{longRows: longRows{opts: opts, bw: bw, out: newCSVOut(bw, ',', false)}, withID: opts.Indicator == ""}
	cols := []string{"Year"}
	if w.withID {
		cols = append(cols, "Indicator")
	}
	for _, d := range opts.Dimensions {
		cols = append(cols, cmp.Or(openSDGDimension[d], d))
	}
	cols = append(cols, "GeoCode", "Units", "Value", "OBS_STATUS", "SERIES_BREAK", "COMMENT_OBS")
	w.dims = newDimCells(opts.Dimensions, func(_, v string) string { return cmp.Or(openSDGValue[v], v) }, "")
	return w, w.out.header(cols)
}

func (w *openSDGWriter) Write(o domain.Observation) error {
	cells, ok := w.dims.cells(o.Disagg)
	if !ok || !w.withID && o.IndicatorCode != w.opts.Indicator {
		return errChanged
	}
	out := w.out
	out.integer(o.Year)
	if w.withID {
		out.text(o.IndicatorCode)
	}
	for _, c := range cells {
		out.text(c)
	}
	out.text(o.RegionCode)
	out.text(w.opts.unit(o.IndicatorCode))
	out.num(o.Value)
	return out.obsAttributes(Options{Locale: locale.EN}.statusWord(o.Status), o)
}

// jsonWriter streams a JSON array, one object per row, written by hand so
// that no row is held or reflected upon.
type jsonWriter struct {
	bw  *bufio.Writer
	buf []byte
	n   int
}

func newJSONWriter(bw *bufio.Writer) *jsonWriter {
	return &jsonWriter{bw: bw, buf: make([]byte, 0, 256)}
}

func (w *jsonWriter) begin() {
	if w.n == 0 {
		w.buf = append(w.buf, "[\n"...)
	} else {
		w.buf = append(w.buf, ",\n"...)
	}
	w.n++
}

func (w *jsonWriter) field(name string, first bool) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, name...)
	w.buf = append(w.buf, `":`...)
}

func (w *jsonWriter) str(name, s string, first bool) {
	w.field(name, first)
	w.buf = appendJSONString(w.buf, s)
}

func (w *jsonWriter) num(name string, v float64) {
	w.field(name, false)
	w.buf = strconv.AppendFloat(w.buf, v, 'f', -1, 64)
}

func (w *jsonWriter) integer(name string, v int64) {
	w.field(name, false)
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

func (w *jsonWriter) end() error {
	w.buf = append(w.buf, '}')
	_, err := w.bw.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// Write writes an observation or a target.
func (w *jsonWriter) write(row any) error {
	w.begin()
	w.buf = append(w.buf, '{')
	switch r := row.(type) {
	case domain.Observation:
		w.str("indicator", r.IndicatorCode, true)
		w.str("region", r.RegionCode, false)
		w.integer("year", int64(r.Year))
		w.str("disaggregation", string(r.Disagg), false)
		w.num("value", r.Value)
		w.str("status", string(r.Status), false)
		w.field("series_break", false)
		w.buf = strconv.AppendBool(w.buf, r.Break)
		w.str("note", r.Note, false)
		w.integer("upload_id", r.UploadID)
	case domain.Target:
		w.str("plan", r.PlanCode, true)
		w.str("indicator", r.IndicatorCode, false)
		w.str("region", r.RegionCode, false)
		w.integer("year", int64(r.Year))
		w.str("disaggregation", string(r.Disagg), false)
		w.num("low", r.Low)
		w.num("high", r.High)
		w.str("note", r.Note, false)
		w.integer("upload_id", r.UploadID)
	}
	return w.end()
}

func (w *jsonWriter) Close() error {
	if w.n == 0 {
		w.bw.WriteString("[]\n")
	} else {
		w.bw.WriteString("\n]\n")
	}
	return w.bw.Flush()
}

type jsonObservations struct{ *jsonWriter }

func (w jsonObservations) Write(o domain.Observation) error { return w.write(o) }

type jsonTargets struct{ *jsonWriter }

func (w jsonTargets) Write(t domain.Target) error { return w.write(t) }

// appendJSONString quotes s as encoding/json does, HTML-safe: <, > and &
// escaped, so that an export pasted into a page cannot open a tag.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
