package web

import (
	"math"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
	"pantau/internal/progress"
)

// checkLine is one check every upload makes of an indicator's values, in
// the page's words: its valid range, the yearly jump a percentage is
// warned about, and the catalogue's validation rules (domain.Rule).
type checkLine struct {
	Text string
	// Rule is a validation rule as the catalogue writes it ("" for the
	// other checks): the administrator finds it there by this text. Of
	// names the indicator carrying it when that is another one.
	Rule, Of string
}

// indicatorChecks lists the checks of ind's values: its own rules and
// those of other indicators that name it, since a rule is checked on
// every upload of any indicator it names. all is the catalogue's
// indicators, for the names of those a rule compares.
func indicatorChecks(l locale.Lang, ind domain.Indicator, all []domain.Indicator) []checkLine {
	num := func(v float64) string { return progress.FormatNumberTrim(l, v, 6) }
	var out []checkLine
	lo, hi := ind.Bounds()
	switch {
	case !math.IsInf(lo, 0) && !math.IsInf(hi, 0):
		out = append(out, checkLine{Text: l.Get("katalog.checkBetween", num(lo), num(hi))})
	case !math.IsInf(lo, 0):
		out = append(out, checkLine{Text: l.Get("katalog.checkAtLeast", num(lo))})
	case !math.IsInf(hi, 0):
		out = append(out, checkLine{Text: l.Get("katalog.checkAtMost", num(hi))})
	}
	if limit, ok := importer.PercentJumpLimit(ind); ok {
		out = append(out, checkLine{Text: l.Get("katalog.checkJump", num(limit))})
	}
	names := make(map[string]string, len(all))
	for _, other := range all {
		names[other.Code] = other.Name(l)
	}
	add := func(carrier domain.Indicator) {
		for _, text := range carrier.Rules {
			r, err := domain.ParseRule(text)
			if err != nil {
				continue // the catalogue refuses bad rules; uploads skip one stored before
			}
			named := false
			for _, code := range r.Indicators() {
				named = named || code == ind.Code
			}
			if !named {
				continue
			}
			line := checkLine{Text: ruleWords(l, r, names), Rule: r.String()}
			if carrier.Code != ind.Code {
				line.Of = l.Get("katalog.ruleOf", carrier.Name(l))
			}
			out = append(out, line)
		}
	}
	add(ind)
	for _, other := range all {
		if other.Code != ind.Code {
			add(other)
		}
	}
	return out
}

// ruleOps name a rule's operators in the catalogue of words.
var ruleOps = map[string]string{"<": "lt", "<=": "le", "=": "eq", ">=": "ge", ">": "gt"}

// ruleWords says a rule as a sentence: each side's indicators by name (by
// code when the catalogue has none of that code), numbers in the page's
// language, and what breaking it does: a warning the sender confirms, or
// the file refused.
func ruleWords(l locale.Lang, r domain.Rule, names map[string]string) string {
	side := func(ts []domain.Term) string {
		parts := make([]string, len(ts))
		for i, t := range ts {
			switch {
			case t.Indicator == "":
				parts[i] = progress.FormatNumberTrim(l, t.Const, 6)
			case names[t.Indicator] != "":
				parts[i] = names[t.Indicator]
			default:
				parts[i] = t.Indicator
			}
		}
		return strings.Join(parts, l.Get("katalog.rulePlus"))
	}
	effect := l.Get("katalog.ruleWarning")
	if r.Error {
		effect = l.Get("katalog.ruleError")
	}
	return l.Get("katalog.rule_"+ruleOps[r.Op], side(r.Left), side(r.Right)) + "; " + effect
}
