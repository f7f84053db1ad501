package catalogfile

import (
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
