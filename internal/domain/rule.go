package domain

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Rule is a validation rule of the catalogue, after DHIS2's: a left side,
// an operator and a right side over the values of indicators in the same
// region, year and disaggregation, such as
//
//	kemiskinan_ekstrem <= kemiskinan
//
// Each side is a sum of terms, each an indicator code or a number
// ("a + b <= 100"). Every upload is checked against it, with the uploaded
// values where the file has them and the stored ones elsewhere; a rule
// whose terms are not all known for a region and year is not checked
// there. A broken rule is a warning the sender confirms, or, written with
// the prefix "error:", an error that rejects the file.
type Rule struct {
	Left, Right []Term
	Op          string
	Error       bool
}

// Term is one term of a side: an indicator's value, or a constant.
type Term struct {
	Indicator string
	Const     float64
}

// ruleOps are the operators, longest spelling first so that "<=" is not
// read as "<"; each maps to its canonical spelling.
var ruleOps = []struct{ spell, op string }{
	{"<=", "<="}, {"≤", "<="}, {">=", ">="}, {"≥", ">="}, {"==", "="}, {"<", "<"}, {">", ">"}, {"=", "="},
}

// ParseRule reads a rule as a catalogue file writes it.
func ParseRule(s string) (Rule, error) {
	var r Rule
	text := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(text, "error:"); ok {
		r.Error, text = true, strings.TrimSpace(rest)
	}
	at, op := -1, ""
	for _, o := range ruleOps {
		if i := strings.Index(text, o.spell); i >= 0 && (at < 0 || i < at) {
			at, op = i, o.spell
		}
	}
	if at < 0 {
		return r, Errorf(ErrInvalid, "rule %q: no operator (<, <=, =, >=, >)", s)
	}
	for _, o := range ruleOps {
		if o.spell == op {
			r.Op = o.op
		}
	}
	var err error
	if r.Left, err = parseSide(text[:at]); err == nil {
		r.Right, err = parseSide(text[at+len(op):])
	}
	if err != nil {
		return r, Errorf(ErrInvalid, "rule %q: %s", s, Message(err))
	}
	if len(r.Indicators()) == 0 {
		return r, Errorf(ErrInvalid, "rule %q names no indicator", s)
	}
	return r, nil
}

func parseSide(s string) ([]Term, error) {
	var out []Term
	for _, part := range strings.Split(s, "+") {
		part = strings.TrimSpace(part)
		if v, err := strconv.ParseFloat(part, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, Term{Const: v})
			continue
		}
		if !ValidCode(part) {
			return nil, Errorf(ErrInvalid, "%q is neither an indicator code nor a number", part)
		}
		out = append(out, Term{Indicator: part})
	}
	return out, nil
}

// String writes the rule back in its canonical form.
func (r Rule) String() string {
	side := func(ts []Term) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			parts[i] = t.Indicator
			if t.Indicator == "" {
				parts[i] = strconv.FormatFloat(t.Const, 'g', -1, 64)
			}
		}
		return strings.Join(parts, " + ")
	}
	s := side(r.Left) + " " + r.Op + " " + side(r.Right)
	if r.Error {
		s = "error: " + s
	}
	return s
}

// Indicators lists the indicators the rule names, each once, in order.
func (r Rule) Indicators() []string {
	var out []string
	for _, t := range append(append([]Term{}, r.Left...), r.Right...) {
		if t.Indicator != "" && !slices.Contains(out, t.Indicator) {
			out = append(out, t.Indicator)
		}
	}
	return out
}

// Sides evaluates both sides with the values value gives the indicators;
// ok is false when one of them has none.
func (r Rule) Sides(value func(indicator string) (float64, bool)) (left, right float64, ok bool) {
	sum := func(ts []Term) (float64, bool) {
		total := 0.0
		for _, t := range ts {
			if t.Indicator == "" {
				total += t.Const
				continue
			}
			v, ok := value(t.Indicator)
			if !ok {
				return 0, false
			}
			total += v
		}
		return total, true
	}
	var lok, rok bool
	left, lok = sum(r.Left)
	right, rok = sum(r.Right)
	return left, right, lok && rok
}

// Holds reports whether left Op right holds. Equality allows for the
// rounding of published figures (a relative 1e-9).
func (r Rule) Holds(left, right float64) bool {
	eq := math.Abs(left-right) <= 1e-9*math.Max(1, math.Max(math.Abs(left), math.Abs(right)))
	switch r.Op {
	case "<":
		return left < right && !eq
	case "<=":
		return left < right || eq
	case "=":
		return eq
	case ">=":
		return left > right || eq
	case ">":
		return left > right && !eq
	}
	return false
}
