package ingest

import (
	"strconv"
	"strings"
)

// Decimal is a file's number convention.
type Decimal string

// Conventions. DecimalUnknown asks the reader to detect it.
const (
	DecimalUnknown = Decimal("")
	// DecimalComma is Indonesian: 20.794.405,5 and 0,49.
	DecimalComma = Decimal("comma")
	// DecimalPoint is international: 20,794,405.5 and 0.49.
	DecimalPoint = Decimal("point")
)

// ParseDecimal reads a --decimal flag or form value.
func ParseDecimal(s string) (Decimal, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return DecimalUnknown, true
	case "comma", "koma", ",":
		return DecimalComma, true
	case "point", "dot", "titik", ".":
		return DecimalPoint, true
	}
	return DecimalUnknown, false
}

// missing reports whether a cell is one of the markers agencies use for "no
// value": it is skipped and counted, never stored as zero.
func missing(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "-", "–", "—", "…", "...", "..", "n.a", "n.a.", "na", "n/a", "nan", "null", "x":
		return true
	}
	return false
}

// numberShape says what a cell can mean: which conventions read it, and
// whether it is ambiguous (1.234 or 1,234: a thousands group or a decimal).
type numberShape struct {
	comma, point bool // readable under the convention
	ambiguous    bool
}

// shapeOf classifies a numeric cell without parsing it.
func shapeOf(s string) numberShape {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots == 0 && commas == 0:
		return numberShape{comma: true, point: true}
	case dots > 0 && commas > 0:
		// Whichever comes last is the decimal mark.
		if strings.LastIndexByte(s, ',') > strings.LastIndexByte(s, '.') {
			return numberShape{comma: true}
		}
		return numberShape{point: true}
	case dots > 1:
		return numberShape{comma: true} // 20.794.405: dots group thousands
	case commas > 1:
		return numberShape{point: true}
	}
	// One separator: a group of exactly three digits after it, with one to
	// three before, could be either.
	mark := byte('.')
	if commas == 1 {
		mark = ','
	}
	i := strings.IndexByte(s, mark)
	if len(s)-i-1 == 3 && i >= 1 && i <= 3 && s[0] != '0' {
		return numberShape{comma: true, point: true, ambiguous: true}
	}
	if mark == ',' {
		return numberShape{comma: true}
	}
	return numberShape{point: true}
}

// parseNumber reads s under the convention: the decimal mark becomes '.',
// the thousands mark is dropped. It does not allocate for short cells.
func parseNumber(s string, d Decimal) (float64, bool) {
	s = strings.TrimSpace(s)
	dec, group := byte('.'), byte(',')
	if d == DecimalComma {
		dec, group = ',', '.'
	}
	var buf [64]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == group:
			continue
		case c == dec:
			b = append(b, '.')
		case c == ' ' || c == '\u00a0':
			continue
		default:
			b = append(b, c)
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	return v, err == nil
}
