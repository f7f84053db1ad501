package export

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"pantau/internal/locale"
	"strconv"
	"strings"
)

// csvOut writes CSV records field by field into one reused buffer: no
// per-row allocation, so memory stays flat however many rows pass.
type csvOut struct {
	w     *bufio.Writer
	delim byte
	// comma is the decimal convention: a decimal comma (Indonesian) or point.
	comma bool
	row   []byte
	n     int // fields written in the current row
}

func newCSVOut(w *bufio.Writer, delim byte, comma bool) *csvOut {
	return &csvOut{w: w, delim: delim, comma: comma, row: make([]byte, 0, 256)}
}

func (c *csvOut) sep() {
	if c.n > 0 {
		c.row = append(c.row, c.delim)
	}
	c.n++
}

// text writes a text cell. A cell a spreadsheet would read as a formula
// (starting with = + - @, a tab or a carriage return) gets a leading
// apostrophe: CSV injection (OWASP). Numbers never pass through here, so
// -2.5 stays a number.
func (c *csvOut) text(s string) {
	c.sep()
	if s == "" {
		return
	}
	neutral := false
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		neutral = true
	}
	quote := strings.IndexByte(s, c.delim) >= 0 || strings.ContainsAny(s, "\"\r\n")
	if quote {
		c.row = append(c.row, '"')
	}
	if neutral {
		c.row = append(c.row, '\'')
	}
	if quote {
		for i := 0; i < len(s); i++ {
			if s[i] == '"' {
				c.row = append(c.row, '"')
			}
			c.row = append(c.row, s[i])
		}
		c.row = append(c.row, '"')
		return
	}
	c.row = append(c.row, s...)
}

// num writes a number cell in the file's convention.
func (c *csvOut) num(v float64) {
	c.sep()
	c.row = appendNumber(c.row, v, c.comma)
}

// numMark writes a number followed by a footnote mark (BPS's "9,58*").
func (c *csvOut) numMark(v float64, mark string) {
	c.num(v)
	c.row = append(c.row, mark...)
}

// rangeCell writes a target: one number, or a range "low–high".
func (c *csvOut) rangeCell(lo, hi float64) {
	c.num(lo)
	if hi != lo {
		c.row = append(c.row, "–"...)
		c.row = appendNumber(c.row, hi, c.comma)
	}
}

func (c *csvOut) integer(i int) {
	c.sep()
	c.row = strconv.AppendInt(c.row, int64(i), 10)
}

func (c *csvOut) empty() { c.sep() }

// end finishes the record and hands it to the buffered writer.
func (c *csvOut) end() error {
	c.row = append(c.row, '\n')
	_, err := c.w.Write(c.row)
	c.row, c.n = c.row[:0], 0
	return err
}

// header writes a header record.
func (c *csvOut) header(cols []string) error {
	for _, h := range cols {
		c.text(h)
	}
	return c.end()
}

// appendNumber writes v in full (the shortest text that reads back as the
// same float64), without thousands marks. A number with one to three
// digits before the mark and exactly three after (0.338, 1,234) reads two
// ways to a reader that detects the convention, Pantau's included; a
// trailing zero (0.3380) makes it unambiguous without changing its value.
func appendNumber(b []byte, v float64, comma bool) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, v, 'f', -1, 64)
	dot := bytes.IndexByte(b[start:], '.')
	if dot < 0 {
		return b
	}
	dot += start
	digits := dot - start
	if b[start] == '-' {
		digits--
	}
	if digits >= 1 && digits <= 3 && len(b)-dot-1 == 3 {
		b = append(b, '0')
	}
	if comma {
		b[dot] = ','
	}
	return b
}

// Table writes a small CSV table (a report, not a data export) in a
// locale's conventions with the same formula-injection safety.
type Table struct {
	bw  *bufio.Writer
	out *csvOut
}

// NewTable starts a table on w.
func NewTable(w io.Writer, l locale.Lang) *Table {
	bw := bufio.NewWriter(w)
	return &Table{bw: bw, out: Options{Locale: l}.csvOut(bw)}
}

// Row writes one record: strings as text cells, ints and floats as numbers.
func (t *Table) Row(cells ...any) error {
	for _, c := range cells {
		switch v := c.(type) {
		case int:
			t.out.integer(v)
		case float64:
			t.out.num(v)
		case string:
			t.out.text(v)
		default:
			t.out.text(fmt.Sprint(v))
		}
	}
	return t.out.end()
}

// Flush writes what is buffered.
func (t *Table) Flush() error { return t.bw.Flush() }
