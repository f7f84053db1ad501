package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"pantau/internal/domain"
)

// zipMagic starts every zip archive, and so every .xlsx (and .ods).
var zipMagic = []byte("PK\x03\x04")

// Bounds on a workbook, so that a small upload cannot unpack into a large
// memory or disk footprint (a zip bomb): the file itself, everything it
// unpacks to (as the archive declares it; archive/zip refuses an entry that
// unpacks to more than it declared), each XML part kept in memory (larger
// ones go to a temporary file, which excelize streams), and the cells read.
const (
	maxWorkbookBytes = 64 << 20
	maxUnzippedBytes = 256 << 20
	maxXMLPartInMem  = 16 << 20
	maxMergedRanges  = 10_000
)

// maxWorkbookCells bounds the cells read from a workbook (merged ranges
// filled count as what they cover). A variable so the fuzzer can lower it.
var maxWorkbookCells = 5_000_000

// workbook is an opened .xlsx: excelize's file for the rows, and the
// archive itself for what excelize reads only by loading a whole sheet
// (merged ranges).
type workbook struct {
	f      *excelize.File
	zip    *zip.Reader
	parts  map[string]*zip.File // by lower-case name
	paths  map[string]string    // sheet name → part name
	sheets []string
	// pct marks the cell styles that show a percentage (percent.go); nil
	// when none does.
	pct []pctStyle
}

// openWorkbook reads a workbook whole (excelize needs random access) within
// the bounds above. A zip that is no workbook — an OpenDocument
// spreadsheet, any other archive — is refused with what to do instead.
func (rd *reader) openWorkbook(r io.Reader) (*workbook, error) {
	lang := rd.lang
	b, err := io.ReadAll(io.LimitReader(r, maxWorkbookBytes+1))
	if err != nil {
		return nil, fmt.Errorf("ingest: read: %w", err)
	}
	if len(b) > maxWorkbookBytes {
		return nil, fileError(lang, "xlsx_too_large", maxWorkbookBytes>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fileError(lang, "xlsx_broken", err.Error())
	}
	wb := &workbook{zip: zr, parts: map[string]*zip.File{}, paths: map[string]string{}}
	var unzipped uint64
	for _, zf := range zr.File {
		wb.parts[strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))] = zf
		unzipped += zf.UncompressedSize64
	}
	if mt := wb.parts["mimetype"]; mt != nil && wb.parts["content.xml"] != nil {
		return nil, fileError(lang, "ods")
	}
	if wb.parts["xl/workbook.xml"] == nil {
		return nil, fileError(lang, "zip")
	}
	if unzipped > maxUnzippedBytes {
		return nil, fileError(lang, "xlsx_bomb", maxUnzippedBytes>>20)
	}
	wb.f, err = excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzippedBytes, UnzipXMLSizeLimit: maxXMLPartInMem})
	if err != nil {
		return nil, fileError(lang, "xlsx_broken", err.Error())
	}
	wb.sheets = wb.f.GetSheetList()
	if err := wb.readSheetPaths(); err != nil {
		wb.close()
		return nil, fileError(lang, "xlsx_broken", err.Error())
	}
	wb.pct = wb.percentStyles()
	return wb, nil
}

func (wb *workbook) close() {
	if wb.f != nil {
		wb.f.Close() // removes excelize's temporary files
	}
}

// readSheetPaths maps each sheet to its part, from the workbook and its
// relationships (the two small parts every .xlsx has).
func (wb *workbook) readSheetPaths() error {
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := wb.decodePart("xl/workbook.xml", &book); err != nil {
		return err
	}
	if err := wb.decodePart("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = strings.ToLower(t)
	}
	for _, s := range book.Sheets {
		wb.paths[s.Name] = targets[s.ID]
	}
	return nil
}

func (wb *workbook) decodePart(name string, v any) error {
	zf := wb.parts[name]
	if zf == nil {
		return fmt.Errorf("no %s", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxXMLPartInMem)).Decode(v)
}

// mergedRange is one merged range of cells (1-based, inclusive) and the
// value of its top-left cell once that row has been read.
type mergedRange struct {
	r1, c1, r2, c2 int
	val            string
	pct            bool // val is a percent cell's, as shown
}

// openSheet opens a sheet's part of the zip for a scan of its bytes; nil
// when the sheet has no part or it does not open (excelize, which reads
// the cells, reports that).
func (wb *workbook) openSheet(sheet string) io.ReadCloser {
	zf := wb.parts[wb.paths[sheet]]
	if zf == nil {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil
	}
	return rc
}

// merges lists a sheet's merged ranges, sorted by first row. They are
// written after the cells, so the sheet's part is scanned for them as
// bytes: loading it through excelize would hold every cell in memory.
func (wb *workbook) merges(sheet string) []mergedRange {
	rc := wb.openSheet(sheet)
	if rc == nil {
		return nil
	}
	defer rc.Close()
	var out []mergedRange
	buf := make([]byte, 64<<10)
	var carry []byte
	for len(out) < maxMergedRanges {
		n, err := rc.Read(buf)
		chunk := append(carry, buf[:n]...)
		cut := 0
		for {
			i := bytes.Index(chunk[cut:], []byte("mergeCell "))
			if i < 0 {
				break
			}
			start := cut + i
			end := bytes.IndexByte(chunk[start:], '>')
			if end < 0 {
				break // the element goes on in the next chunk
			}
			if m, ok := parseMerge(chunk[start : start+end]); ok && len(out) < maxMergedRanges {
				out = append(out, m)
			}
			cut = start + end
		}
		// Keep a tail that may hold the start of a cut-off element.
		tail := chunk[cut:]
		if len(tail) > 256 {
			tail = tail[len(tail)-256:]
		}
		carry = append(carry[:0:0], tail...)
		if err != nil {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].r1 < out[j].r1 })
	return out
}

// parseMerge reads ref="A1:F1" out of a mergeCell element.
func parseMerge(el []byte) (mergedRange, bool) {
	i := bytes.Index(el, []byte(`ref="`))
	if i < 0 {
		return mergedRange{}, false
	}
	ref := el[i+5:]
	j := bytes.IndexByte(ref, '"')
	if j < 0 {
		return mergedRange{}, false
	}
	a, b, ok := strings.Cut(string(ref[:j]), ":")
	if !ok {
		return mergedRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil || r2 < r1 || c2 < c1 || c2 > excelize.MaxColumns {
		return mergedRange{}, false
	}
	return mergedRange{r1: r1, c1: c1, r2: r2, c2: c2}, true
}

// sheetRows streams one sheet's rows as the reader's records: raw values
// (numbers as Excel stores them, formulas by their cached values) but for
// numbers in a percent format, which are read as shown (0.0049 as
// "0.49%"), merged ranges filled with their top-left value, trailing empty
// cells dropped.
type sheetRows struct {
	rd     *reader
	rows   *excelize.Rows
	sheet  string
	row    int
	cells  int
	merges []mergedRange
	next   int // the first merge not yet active
	active []*mergedRange
	pct    *percentCells // nil when no style shows a percentage
	// pctCols marks the cells of the row read that are percent cells.
	pctCols []bool
}

func (wb *workbook) rows(rd *reader, sheet string) (*sheetRows, error) {
	rows, err := wb.f.Rows(sheet)
	if err != nil {
		return nil, fileError(rd.lang, "xlsx_broken", err.Error())
	}
	return &sheetRows{rd: rd, rows: rows, sheet: sheet, merges: wb.merges(sheet), pct: wb.percentCells(sheet)}, nil
}

func (s *sheetRows) close() {
	s.rows.Close()
	s.pct.close()
	s.rd.pctCols = nil
}

// Line is the sheet row of the last row read.
func (s *sheetRows) Line() int { return s.row }

// Read returns the next row that has a cell, skipping empty rows as the
// CSV reader skips empty lines.
func (s *sheetRows) Read() ([]string, error) {
	for s.rows.Next() {
		s.row++
		cols, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileError(s.rd.lang, "xlsx_cell", cellRef(s.sheet, 0, s.row), err.Error())
		}
		s.percents(cols)
		// Counted once filled: a merged range over a whole sheet is cells too.
		cols = s.fill(cols)
		if s.cells += len(cols) + 1; s.cells > maxWorkbookCells {
			return nil, fileError(s.rd.lang, "xlsx_cells", quoteSheet(s.sheet), maxWorkbookCells)
		}
		for len(cols) > 0 && strings.TrimSpace(cols[len(cols)-1]) == "" {
			cols = cols[:len(cols)-1]
		}
		if len(cols) > 0 {
			s.rd.pctCols = s.pctCols
			return cols, nil
		}
	}
	s.rd.pctCols = nil
	if err := s.rows.Error(); err != nil {
		return nil, fileError(s.rd.lang, "xlsx_broken", err.Error())
	}
	return nil, io.EOF
}

// percents writes the numbers of the row's percent cells as they are
// shown, with their sign, as a CSV would have them: 0.0049 as "0.49%"
// (the reader then takes 0.49, and checks that the indicator's unit is
// percent). It marks them in pctCols. It must see every row, empty ones
// too, to keep in step with the sheet.
func (s *sheetRows) percents(cols []string) {
	s.pctCols = s.pctCols[:0]
	if s.pct == nil {
		return
	}
	for _, c := range s.pct.row(s.row) {
		i := c.col - 1
		if i >= len(cols) || !plainNumber(cols[i]) || !c.style.shows(cols[i]) {
			continue
		}
		v, ok := timesHundred(cols[i])
		if !ok {
			continue
		}
		cols[i] = v + "%"
		s.markPct(i)
	}
}

// isPct reports whether cell i of the row read is a percent cell.
func (s *sheetRows) isPct(i int) bool { return i < len(s.pctCols) && s.pctCols[i] }

func (s *sheetRows) markPct(i int) {
	for len(s.pctCols) <= i {
		s.pctCols = append(s.pctCols, false)
	}
	s.pctCols[i] = true
}

// fill writes each merged range's value into the cells it covers, as
// Excel shows them: "Persentase Penduduk Miskin" over every year of a BPS
// table, "Kecamatan" beside the years below it.
func (s *sheetRows) fill(cols []string) []string {
	for s.next < len(s.merges) && s.merges[s.next].r1 <= s.row {
		s.active = append(s.active, &s.merges[s.next])
		s.next++
	}
	kept := s.active[:0]
	for _, m := range s.active {
		if m.r2 < s.row {
			continue
		}
		kept = append(kept, m)
		if m.r1 == s.row && m.c1 <= len(cols) {
			m.val, m.pct = cols[m.c1-1], s.isPct(m.c1-1)
		}
		if m.val == "" {
			continue
		}
		for len(cols) < m.c2 {
			cols = append(cols, "")
		}
		for c := m.c1 - 1; c < m.c2; c++ {
			if cols[c] == "" {
				cols[c] = m.val
				if m.pct {
					s.markPct(c)
				}
			}
		}
	}
	s.active = kept
	return cols
}

// padRow extends a workbook row to the header's width with empty cells.
func padRow(rec []string, width int) []string {
	for len(rec) < width {
		rec = append(rec, "")
	}
	return rec
}

// cellRef names a cell as Excel does: Tabel!D7, 'Data 2023'!D7, or the
// whole row (field 0) Tabel!7:7.
func cellRef(sheet string, field, row int) string {
	if field <= 0 {
		return quoteSheet(sheet) + "!" + strconv.Itoa(row) + ":" + strconv.Itoa(row)
	}
	name, err := excelize.CoordinatesToCellName(field, row)
	if err != nil {
		name = strconv.Itoa(row)
	}
	return quoteSheet(sheet) + "!" + name
}

// quoteSheet quotes a sheet name as a formula would ('Data 2023').
func quoteSheet(s string) string {
	if strings.ContainsAny(s, " -'!()") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

// plainNumber reports whether a cell holds a number as a workbook stores
// it: digits, one point, an exponent, no grouping ("9.58", "-0.5",
// "8.5002E-2"). Text cells such as "9,58" go through the detection of the
// decimal convention instead.
func plainNumber(s string) bool {
	if s == "" || !(isDigit(s[0]) || s[0] == '-' && len(s) > 1 && isDigit(s[1])) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c), c == '.', c == 'e', c == 'E', c == '-', c == '+':
		default:
			return false
		}
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// runWorkbook reads an .xlsx: the sheets chosen (chooseSheets), each with
// its own header, into one report, as if they were one file.
func (rd *reader) runWorkbook(r io.Reader) (*Report, error) {
	rep := rd.rep
	wb, err := rd.openWorkbook(r)
	if err != nil {
		return rep, err
	}
	defer wb.close()
	rep.Dialect.Format, rep.Dialect.Encoding = "xlsx", ""
	sheets, err := rd.chooseSheets(wb)
	if err != nil {
		return rep, err
	}
	for i, sheet := range sheets {
		src, err := wb.rows(rd, sheet)
		if err != nil {
			return rep, err
		}
		rd.sheet, rd.sch = sheet, nil
		rep.Dialect.Sheets = append(rep.Dialect.Sheets, sheet)
		err = rd.readSheet(src, i == 0)
		src.close()
		if err != nil {
			return rep, err
		}
		if rd.stopped {
			break
		}
	}
	rd.finish()
	return rep, rd.emitErr
}

// readSheet reads one sheet: its header, what it says about the file (for
// the first sheet; later ones only their own header), its rows.
func (rd *reader) readSheet(src *sheetRows, first bool) error {
	rep := rd.rep
	headerLine := rep.Dialect.HeaderLine
	if err := rd.readHeader(src); err != nil {
		return rd.inSheet(err)
	}
	cols := rep.Dialect.Columns
	if err := rd.setup(); err != nil {
		return rd.inSheet(err)
	}
	if !first {
		rep.Dialect.Columns, rep.Dialect.HeaderLine = cols, headerLine
	}
	return rd.readRows(src)
}

// inSheet prefixes a file-level error with the sheet it is about.
func (rd *reader) inSheet(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && !errors.Is(err, ErrEmpty) {
		return &domain.Error{Kind: de.Kind, Message: quoteSheet(rd.sheet) + ": " + de.Message}
	}
	return err
}

// chooseSheets is the sheet named in Options.Sheet, else the sheets that
// hold a table the reader understands: the only one, or all of them when
// each names its indicator in a column (a template of several indicators,
// one per sheet). Otherwise the uploader must name one, and is told the
// sheets by name.
func (rd *reader) chooseSheets(wb *workbook) ([]string, error) {
	list := strings.Join(quoteAll(wb.sheets), ", ")
	if want := strings.TrimSpace(rd.opts.Sheet); want != "" {
		for _, s := range wb.sheets {
			if strings.EqualFold(s, want) {
				return []string{s}, nil
			}
		}
		return nil, fileError(rd.lang, "xlsx_no_sheet", want, list)
	}
	var tables, filled []string
	perRow := true
	for _, sheet := range wb.sheets {
		sch, any := rd.probeSheet(wb, sheet)
		if any {
			filled = append(filled, sheet)
		}
		if sch != nil {
			tables = append(tables, sheet)
			perRow = perRow && sch.ind >= 0
		}
	}
	switch {
	case len(tables) == 1 || len(tables) > 1 && perRow:
		return tables, nil
	case len(tables) > 1:
		return nil, fileError(rd.lang, "xlsx_sheets", strings.Join(quoteAll(tables), ", "))
	case len(filled) == 1:
		return filled, nil // read, so that its header's problem is told
	case len(filled) == 0:
		return nil, fileError(rd.lang, "empty")
	}
	return nil, fileError(rd.lang, "xlsx_no_table", list)
}

// probeSheet reads the first rows of a sheet for a header; any says it has
// a non-empty cell at all.
func (rd *reader) probeSheet(wb *workbook, sheet string) (sch *schema, any bool) {
	src, err := wb.rows(rd, sheet)
	if err != nil {
		return nil, false
	}
	defer src.close()
	for tries := 0; tries < headerTries; {
		rec, err := src.Read()
		if err != nil {
			return nil, any
		}
		if blank(rec) {
			continue
		}
		any = true
		tries++
		if s, ok, _ := buildSchema(rec); ok {
			return s, true
		}
	}
	return nil, any
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strconv.Quote(s)
	}
	return out
}
