package ingest

import (
	"strconv"
	"strings"

	"pantau/internal/domain"
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
// value": it is skipped and counted, never stored as zero. s is trimmed.
func missing(s string) bool {
	if len(s) > 0 && (s[0] >= '0' && s[0] <= '9') {
		return false // the hot path: a number
	}
	switch strings.ToLower(s) {
	case "", "-", "–", "—", "--", "…", "...", "..", ".", "n.a", "n.a.", "na", "n/a", "nan", "null", "x",
		"t.a", "t.a.", "ta", "tt", "t.t", "tidak ada data", "tidak tersedia", "no data":
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

// readable reports whether the shape reads under d.
func (s numberShape) readable(d Decimal) bool {
	if d == DecimalComma {
		return s.comma
	}
	return s.point
}

// shapeOf classifies a numeric cell (trimmed, without its footnote mark)
// without parsing it. Groups of thousands must be well formed (1.234.567,
// never 1.23.4), so a malformed number reads under no convention.
func shapeOf(s string) numberShape {
	if sh, ok := quickShape(s); ok {
		return sh
	}
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	} else if strings.HasPrefix(s, "−") { // U+2212, from word processors
		s = s[len("−"):]
	}
	if strings.ContainsAny(s, " \u00a0\u202f") {
		s = dropSpaces(s) // 20 794 405,5: spaces group thousands in either convention
	}
	comma, point := validUnder(s, ',', '.'), validUnder(s, '.', ',')
	return numberShape{comma: comma, point: point, ambiguous: comma && point && strings.ContainsAny(s, ".,")}
}

// quickShape classifies the usual cells in one pass: digits with at most
// one '.' or ','. It reports ok=false for anything else.
func quickShape(s string) (numberShape, bool) {
	sep := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			continue
		}
		if (c == '.' || c == ',') && sep < 0 {
			sep = i
			continue
		}
		return numberShape{}, false
	}
	switch {
	case len(s) == 0:
		return numberShape{}, false
	case sep < 0:
		return numberShape{comma: true, point: true}, true
	case sep == len(s)-1:
		return numberShape{}, true // "5." or "5,": no convention reads it
	}
	// As the decimal mark it always reads; as a thousands mark only with
	// one to three digits before it and exactly three after.
	group := sep >= 1 && sep <= 3 && len(s)-sep-1 == 3
	if s[sep] == ',' {
		return numberShape{comma: true, point: group, ambiguous: group}, true
	}
	return numberShape{point: true, comma: group, ambiguous: group}, true
}

func dropSpaces(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", "")
	s = strings.ReplaceAll(s, "\u202f", "")
	return strings.ReplaceAll(s, " ", "")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// validUnder reports whether s (unsigned, without spaces) is a number with
// decimal mark dec and thousands mark group: digits in well-formed groups,
// an optional fraction and an optional exponent (Excel writes 1E-05).
func validUnder(s string, dec, group byte) bool {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp := s[i+1:]
		if exp != "" && (exp[0] == '-' || exp[0] == '+') {
			exp = exp[1:]
		}
		if exp == "" || !allDigits(exp) || strings.IndexByte(s[:i], group) >= 0 {
			return false
		}
		s = s[:i]
	}
	intPart, frac := s, ""
	hasDec := false
	if i := strings.IndexByte(s, dec); i >= 0 {
		intPart, frac, hasDec = s[:i], s[i+1:], true
		if frac == "" || !allDigits(frac) {
			return false
		}
	}
	if intPart == "" {
		return hasDec
	}
	first := true
	for {
		i := strings.IndexByte(intPart, group)
		g := intPart
		if i >= 0 {
			g = intPart[:i]
		}
		if g == "" || !allDigits(g) {
			return false
		}
		if first && i >= 0 && len(g) > 3 || !first && len(g) != 3 {
			return false
		}
		if i < 0 {
			return true
		}
		first = false
		intPart = intPart[i+1:]
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// parseNumber reads s, whose shape is readable under d, as a float: the
// decimal mark becomes '.', thousands marks and spaces are dropped. It does
// not allocate.
func parseNumber(s string, d Decimal) (float64, bool) {
	dec, group := byte('.'), byte(',')
	if d == DecimalComma {
		dec, group = ',', '.'
	}
	if v, ok := quickParse(s, dec, group); ok {
		return v, true
	}
	if d != DecimalComma && strings.IndexByte(s, group) < 0 && len(s) > 0 && s[0] != '+' && s[0] < 0x80 && !strings.Contains(s, " ") {
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	var buf [64]byte
	b := buf[:0]
	if strings.HasPrefix(s, "−") {
		b = append(b, '-')
		s = s[len("−"):]
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == group || c == ' ':
		case c == dec:
			b = append(b, '.')
		case c == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // NBSP
			i++
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0xAF: // narrow NBSP
			i += 2
		default:
			if len(b) == cap(b) {
				return 0, false
			}
			b = append(b, c)
		}
	}
	v, err := strconv.ParseFloat(string(b), 64)
	return v, err == nil
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// quickParse reads digits, thousands marks and one decimal mark with at
// most 15 significant digits exactly: the mantissa and the power of ten are
// both exact in a float64, so one division rounds correctly (the fast path
// of Clinger's algorithm, which strconv also uses).
func quickParse(s string, dec, group byte) (float64, bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	var m uint64
	digits, frac := 0, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			m = m*10 + uint64(c-'0')
			if digits++; digits > 15 {
				return 0, false
			}
			if frac >= 0 {
				frac++
			}
		case c == group && frac < 0:
		case c == dec && frac < 0:
			frac = 0
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	v := float64(m)
	if frac > 0 {
		v /= pow10[frac]
	}
	if neg {
		v = -v
	}
	return v, true
}

// splitMark separates a BPS footnote mark glued to a number ("9,58*",
// "5.14r", "1.234**)") and a trailing percent sign. mark is what follows the
// last digit, with a closing ')' and spaces removed.
func splitMark(s string) (num, mark string, percent bool) {
	if s == "" || isDigit(s[len(s)-1]) {
		return s, "", false // the hot path
	}
	end := len(s)
	for end > 0 && !isDigit(s[end-1]) {
		end--
	}
	if end == 0 {
		return s, "", false // no digit at all: not a number
	}
	num, mark = s[:end], strings.TrimSpace(s[end:])
	if m, ok := strings.CutSuffix(mark, "%"); ok {
		mark, percent = strings.TrimSpace(m), true
	} else if m, ok := strings.CutPrefix(mark, "%"); ok {
		mark, percent = strings.TrimSpace(m), true
	}
	mark = strings.TrimSpace(strings.TrimSuffix(mark, ")"))
	if mark == "" && !percent && strings.HasSuffix(s[end:], ")") {
		return s, "", false
	}
	return num, mark, percent
}

// markStatus reads a footnote mark. BPS writes * for angka sementara, ** for
// angka sangat sementara and *** for angka sangat sangat sementara (PDRB
// tables): all are preliminary to Pantau. r is angka revisi.
func markStatus(mark string) (domain.Status, bool) {
	switch mark {
	case "*", "**", "***":
		return domain.StatusPreliminary, true
	case "r", "R":
		return domain.StatusRevised, true
	}
	return "", false
}

// parseYear reads a 4-digit year (or any whole number) without allocating:
// the one way ingest reads a year, from a cell or a heading. Whether the
// year is one Pantau accepts is domain.CheckYear's rule, checked apart so
// that a row can say which of the two is wrong.
func parseYear(s string) (int, bool) {
	if len(s) == 4 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) {
		return int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0'), true
	}
	if strings.HasSuffix(s, ".0") { // Excel sometimes writes years as 2023.0
		s = s[:len(s)-2]
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseStatus is domain.ParseStatus with a fast path for the usual words.
func parseStatus(s string) (domain.Status, bool) {
	switch s {
	case "", "final", "Final", "tetap":
		return domain.StatusFinal, true
	case "sementara", "Sementara", "*":
		return domain.StatusPreliminary, true
	case "revised", "revisi", "r":
		return domain.StatusRevised, true
	}
	st, err := domain.ParseStatus(s)
	return st, err == nil
}

// ParseTyped reads a number a person typed into a form: "9,58" and "9.58"
// both mean nine point five eight; only when either mark could be the
// decimal one ("1.234") does prefer, the page language's convention,
// decide. Thousands marks and spaces are allowed; anything else is not a
// number.
func ParseTyped(s string, prefer Decimal) (float64, bool) {
	s = strings.TrimSpace(s)
	sh := shapeOf(s)
	d := prefer
	switch {
	case sh.ambiguous:
	case sh.comma:
		d = DecimalComma
	case sh.point:
		d = DecimalPoint
	default:
		return 0, false
	}
	return parseNumber(s, d)
}
