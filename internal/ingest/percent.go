package ingest

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A cell formatted as a percentage stores a fraction: Excel shows 0,49%
// for the 0.0049 it keeps. Staff read, type and mean 0.49 (the indicator's
// unit is percent), so such a cell is read as it is shown, the way a CSV
// cell "0,49%" is read. Excel keeps the format as the index of a cell
// style (the cell's s="…"), whose number format is a built-in one (9 is
// 0%, 10 is 0.00%) or a code in styles.xml.

// pctStyle says for which values a cell style shows a percentage: a format
// has a section for positive numbers and zero, and may have another for
// negative ones ("0.0%;[Red]-0.0%").
type pctStyle uint8

const (
	pctPositive pctStyle = 1 << iota
	pctNegative
)

// shows reports whether the style shows the number s as a percentage.
func (p pctStyle) shows(s string) bool {
	if strings.HasPrefix(s, "-") {
		return p&pctNegative != 0
	}
	return p&pctPositive != 0
}

// percentStyles reads which of the workbook's cell styles (by index, as in
// s="…") show numbers as percentages; nil when none does, the usual case,
// so that a sheet is then read once only. A style sheet that does not
// decode has none: excelize reads the cells' values without it.
func (wb *workbook) percentStyles() []pctStyle {
	var ss struct {
		NumFmts []struct {
			ID   string `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmt string `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	// excelize reads its styles from this part whatever the relationships say.
	if err := wb.decodePart("xl/styles.xml", &ss); err != nil {
		return nil
	}
	// A code written in the file wins over a built-in format of the same id,
	// as excelize and Excel take it.
	codes := map[string]string{"9": "0%", "10": "0.00%"}
	for _, nf := range ss.NumFmts {
		codes[strings.TrimSpace(nf.ID)] = nf.Code
	}
	var out []pctStyle
	for i, xf := range ss.Xfs {
		code, ok := codes[strings.TrimSpace(xf.NumFmt)]
		if !ok {
			continue
		}
		if p := percentFormat(code); p != 0 {
			if out == nil {
				out = make([]pctStyle, len(ss.Xfs))
			}
			out[i] = p
		}
	}
	return out
}

// percentFormat reads a number format code: which of its sections show a
// percentage. A % counts as Excel counts it: not quoted ("%"), escaped
// (\%), in brackets ([Red], [$-421]) or after _ (a space as wide as it)
// or * (a fill character).
func percentFormat(code string) pctStyle {
	var sections []bool
	pct, quoted, bracket := false, false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quoted:
			quoted = c != '"'
		case bracket:
			bracket = c != ']'
		case c == '"':
			quoted = true
		case c == '[':
			bracket = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == ';':
			sections = append(sections, pct)
			pct = false
		case c == '%':
			pct = true
		}
	}
	sections = append(sections, pct)
	var p pctStyle
	if sections[0] {
		p |= pctPositive
	}
	// One section serves every number; with two or more the second is for
	// negative numbers (the third, for zero, needs no scaling).
	if len(sections) > 1 && sections[1] || len(sections) == 1 && sections[0] {
		p |= pctNegative
	}
	return p
}

// timesHundred is a stored number as a percent cell shows it: the stored
// 0.0049 is 0.49. The decimal point moves in the number's shortest decimal
// digits, at most the 15 significant ones Excel keeps, so 0.0049 (stored
// as 4.8999999999999998E-3) becomes exactly 0.49, never the
// 0.49000000000000005 of a multiplication in floating point. ok is false
// when s is no number.
func timesHundred(s string) (string, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "", false
	}
	digits := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(digits, "e")
	if len(strings.Trim(mant, "-.")) > 16 { // more than 15 digits and the point
		digits = strconv.FormatFloat(f, 'e', 14, 64)
		mant, exp, _ = strings.Cut(digits, "e")
	}
	e, _ := strconv.Atoi(exp)
	shifted := mant + "e" + strconv.Itoa(e+2)
	v, err := strconv.ParseFloat(shifted, 64)
	if err != nil {
		// Beyond a float64: left as digits, which the reader then refuses as
		// it refuses the same number in a CSV.
		return shifted, true
	}
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return strconv.FormatFloat(v, 'f', -1, 64), true
}

// pctCell is a cell of a row in a percent style that holds a number (by
// its type: text, a date, a boolean is shown as it is).
type pctCell struct {
	col   int // 1-based
	style pctStyle
}

// percentCells follows a sheet's part beside excelize's row iterator (which
// gives values but not styles) and tells, row by row, the cells in a
// percent style. It scans the XML as bytes, tag by tag, as merges does:
// decoding it again would double the cost of reading the sheet. It
// numbers rows and cells as excelize does (a row's r, else one more than
// the last; a cell's r, else the next column), so that the two agree.
type percentCells struct {
	styles  []pctStyle
	rc      io.ReadCloser
	br      *bufio.Reader
	cur     int  // the row number of the last row start read
	started bool // that row start is read, its cells are not
	cells   []pctCell
}

func (wb *workbook) percentCells(sheet string) *percentCells {
	if wb.pct == nil {
		return nil
	}
	rc := wb.openSheet(sheet)
	if rc == nil {
		return nil
	}
	return &percentCells{styles: wb.pct, rc: rc, br: bufio.NewReaderSize(rc, 64<<10)}
}

func (p *percentCells) close() {
	if p != nil {
		p.rc.Close()
	}
}

// row returns the percent cells of sheet row n, called for n = 1, 2, … as
// excelize's Rows.Next and Columns go: a row not yet reached has none, and
// (in a broken sheet) a row numbered below n is read as part of row n, as
// excelize reads it.
func (p *percentCells) row(n int) []pctCell {
	p.cells = p.cells[:0]
	if !p.started && !p.toRow() {
		return nil
	}
	if p.cur > n {
		return nil
	}
	p.started = false
	col := 0
	for {
		name, tag, ok := p.nextTag()
		switch {
		case !ok, bytes.Equal(name, []byte("/sheetData")):
			return p.cells
		case bytes.Equal(name, []byte("row")):
			p.cur = rowNumber(tag, p.cur)
			if p.cur > n {
				p.started = true
				return p.cells
			}
		case bytes.Equal(name, []byte("c")):
			col++
			r, s, t := cellAttrs(tag)
			if c, _, err := excelize.CellNameToCoordinates(string(r)); err == nil {
				col = c
			}
			if len(s) == 0 {
				continue
			}
			switch string(t) {
			case "b", "d", "s", "str", "inlineStr":
				continue
			}
			if i, err := strconv.Atoi(string(s)); err == nil && i >= 0 && i < len(p.styles) && p.styles[i] != 0 {
				p.cells = append(p.cells, pctCell{col: col, style: p.styles[i]})
			}
		}
	}
}

// toRow reads up to the next row start, as Rows.Next does.
func (p *percentCells) toRow() bool {
	for {
		name, tag, ok := p.nextTag()
		switch {
		case !ok, bytes.Equal(name, []byte("/sheetData")):
			return false
		case bytes.Equal(name, []byte("row")):
			p.cur, p.started = rowNumber(tag, p.cur), true
			return true
		}
	}
}

func rowNumber(tag []byte, last int) int {
	if r, err := strconv.Atoi(string(attr(tag, "r"))); err == nil && r != 0 {
		return r
	}
	return last + 1
}

// nextTag reads the next element tag: its local name ("row", "c",
// "/sheetData": an end tag keeps its slash) and the tag's bytes, valid
// until the next read. Comments, CDATA and processing instructions are
// skipped; a tag longer than the buffer is skipped too (no cell's is).
func (p *percentCells) nextTag() (name, tag []byte, ok bool) {
	for {
		if !p.skipPast("<") {
			return nil, nil, false
		}
		head, _ := p.br.Peek(8)
		switch {
		case bytes.HasPrefix(head, []byte("!--")):
			if !p.skipPast("-->") {
				return nil, nil, false
			}
			continue
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			if !p.skipPast("]]>") {
				return nil, nil, false
			}
			continue
		}
		b, err := p.br.ReadSlice('>')
		if err == bufio.ErrBufferFull {
			if !p.skipPast(">") {
				return nil, nil, false
			}
			continue
		}
		if err != nil {
			return nil, nil, false
		}
		if len(b) > 0 && (b[0] == '?' || b[0] == '!') {
			continue
		}
		end := bytes.IndexAny(b, " \t\r\n/>")
		if end == 0 && b[0] == '/' { // an end tag
			end = 1 + bytes.IndexAny(b[1:], " \t\r\n>")
		}
		if end < 0 {
			end = len(b)
		}
		name = b[:end]
		if i := bytes.LastIndexByte(name, ':'); i >= 0 {
			if name[0] == '/' {
				name = append([]byte{'/'}, name[i+1:]...)
			} else {
				name = name[i+1:]
			}
		}
		return name, b[end:], true
	}
}

// skipPast reads past the next occurrence of seq.
func (p *percentCells) skipPast(seq string) bool {
	last := seq[len(seq)-1]
	for {
		b, err := p.br.ReadSlice(last)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil:
			return false
		case len(seq) == 1:
			return true
		}
		// A longer sequence: its earlier bytes come just before.
		if bytes.HasSuffix(b, []byte(seq)) {
			return true
		}
	}
}

// cellAttrs reads a cell tag's r, s and t.
func cellAttrs(tag []byte) (r, s, t []byte) {
	return attr(tag, "r"), attr(tag, "s"), attr(tag, "t")
}

// attr is the value of the attribute named name (of any prefix) in a tag's
// bytes after its name, or nil.
func attr(tag []byte, name string) []byte {
	for len(tag) > 0 {
		i := bytes.IndexByte(tag, '=')
		if i < 0 {
			return nil
		}
		key := bytes.TrimSpace(tag[:i])
		if j := bytes.LastIndexAny(key, " \t\r\n:"); j >= 0 {
			key = key[j+1:]
		}
		rest := bytes.TrimLeft(tag[i+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return nil
		}
		q := rest[0]
		k := bytes.IndexByte(rest[1:], q)
		if k < 0 {
			return nil
		}
		if string(key) == name {
			return rest[1 : 1+k]
		}
		tag = rest[2+k:]
	}
	return nil
}
