package catalogfile

import (
	"strconv"
	"strings"

	"pantau/internal/locale"
)

// Problem codes: the kind of a Problem, the same in every language.
const (
	CodeSyntax         = "syntax"
	CodeUnknownField   = "unknown_field"
	CodeBadValue       = "bad_value"
	CodeUnknownList    = "unknown_list"
	CodeNotList        = "not_a_list"
	CodeNoCode         = "no_code"
	CodeBadCode        = "bad_code"
	CodeDuplicate      = "duplicate"
	CodeInvalid        = "invalid"
	CodePolarity       = "bad_polarity"
	CodeLevel          = "bad_level"
	CodeKind           = "bad_kind"
	CodeStatus         = "bad_status"
	CodeUnitChange     = "unit_change"
	CodeAmendsCycle    = "amends_cycle"
	CodeUnknownRef     = "unknown_reference"
	CodeRemoveUnknown  = "remove_unknown"
	CodeInUse          = "in_use"
	CodeTargetsOutside = "targets_outside_period"
	CodeUnknownFile    = "unknown_file"
	CodeNoFiles        = "no_files"
)

// text is a problem's message in lang, from the locale catalogue's
// "catalogfile." ids (the problem codes).
func text(lang locale.Lang, code string, args ...any) string {
	return lang.Get("catalogfile."+code, args...)
}

// KindName is the kind's name in lang ("indicator" / "indikator").
func KindName(lang locale.Lang, k Kind) string { return lang.Get("catalogfile.kind." + string(k)) }

func didYouMean(lang locale.Lang, cands []string) string {
	if len(cands) == 0 {
		return ""
	}
	q := make([]string, len(cands))
	for i, c := range cands {
		q[i] = strconv.Quote(c)
	}
	return lang.Get("ingest.did_you_mean", strings.Join(q, lang.Get("ingest.or")))
}

// closest returns up to two candidates within edit distance max(1, len/3) of q.
func closest(q string, cands []string) []string {
	limit := max(1, len(q)/3)
	best, out := limit+1, []string(nil)
	for _, c := range cands {
		d := distance(q, c)
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && len(out) < 2:
			out = append(out, c)
		}
	}
	return out
}

// distance is the Levenshtein distance of two short strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
