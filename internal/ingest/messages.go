package ingest

import (
	"errors"
	"strconv"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Problem codes: the machine-readable kind of a RowError (its Code field),
// stable across languages so that clients and tests can match on them.
const (
	CodeMalformed          = "malformed_csv"
	CodeRagged             = "ragged_row"
	CodeInvalidText        = "invalid_text"
	CodeUnknownIndicator   = "unknown_indicator"
	CodeNoIndicator        = "no_indicator"
	CodeIndicatorConflict  = "indicator_conflict"
	CodeUnknownRegion      = "unknown_region"
	CodeAmbiguousRegion    = "ambiguous_region"
	CodeNoRegion           = "no_region"
	CodeBadYear            = "bad_year"
	CodeYearRange          = "year_out_of_range"
	CodeNotNumber          = "not_a_number"
	CodeWrongConvention    = "wrong_decimal_convention"
	CodeAmbiguousDecimal   = "ambiguous_decimal"
	CodeOutOfBounds        = "out_of_bounds"
	CodeDuplicate          = "duplicate"
	CodeUnitContradicts    = "unit_contradicts"
	CodeUnknownMark        = "unknown_mark"
	CodeMarkConflict       = "mark_conflicts_status"
	CodeBadStatus          = "bad_status"
	CodeBadBreak           = "bad_series_break"
	CodeBadDisaggregation  = "bad_disaggregation"
	CodeUnsupportedAction  = "unsupported_action"
	CodeUnsupportedPeriod  = "unsupported_period"
	CodeBadUnitMultiplier  = "bad_unit_multiplier"
	CodeUnknownPlan        = "unknown_plan"
	CodeNoPlan             = "no_plan"
	CodeBadRange           = "bad_range"
	CodeTargetYear         = "target_year_outside_plan"
	CodeImplausibleJump    = "implausible_jump"
	CodeNoRows             = "no_rows"
	CodeTooManyUndecidable = "too_many_ambiguous"
)

// text is a problem's message in lang. Row problems (the Code constants) and
// file-level problems share the catalogue's "ingest." ids.
func text(lang locale.Lang, code string, args ...any) string {
	return lang.Get("ingest."+code, args...)
}

// fileError is a file-level error of the kind ErrInvalid (or ErrEmpty for an
// empty file), with its message in the caller's language.
func fileError(lang locale.Lang, code string, args ...any) error {
	kind := domain.ErrInvalid
	if code == "empty" {
		kind = ErrEmpty
	}
	return &FileError{Code: code, err: &domain.Error{Kind: kind, Message: text(lang, code, clipArgs("", args)...)}}
}

// FileError is a refusal of the whole file rather than of rows in it (an
// empty file, a binary one, a workbook, no header, a wide table that does
// not name its indicator). Code is the refusal's catalogue id after
// "ingest." ("empty", "binary", "xlsx", "need_ind"…), so a page can say
// what to do about it in its own words; the message is domain.Message's.
type FileError struct {
	Code string
	err  *domain.Error
}

func (e *FileError) Error() string { return e.err.Message }

// Unwrap gives errors.Is the kind and domain.Message the message.
func (e *FileError) Unwrap() error { return e.err }

// FileProblem returns the Code of a file-level refusal in err's chain, or "".
func FileProblem(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Code
	}
	return ""
}

// formatNumber writes v for a message in the language's convention.
func formatNumber(lang locale.Lang, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang != locale.EN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func decimalName(lang locale.Lang, d Decimal) string {
	if d == DecimalComma {
		return lang.Get("ingest.decimal_comma")
	}
	return lang.Get("ingest.decimal_point")
}

// statusName is a status as the file's reader writes it; in Indonesian a
// status Pantau does not name is written as it is stored.
func statusName(lang locale.Lang, s domain.Status) string {
	switch s {
	case domain.StatusPreliminary, domain.StatusRevised:
		return lang.Get("ingest.status_" + string(s))
	case domain.StatusFinal:
		return lang.Get("ingest.status_final")
	}
	if lang == locale.EN {
		return lang.Get("ingest.status_final")
	}
	return string(s)
}

// levelName names a region level, as the candidates of an ambiguous name
// are listed; a level the catalogue does not name is written as stored.
func levelName(lang locale.Lang, l domain.Level) string {
	if id := "ingest.level." + string(l); lang.Has(id) {
		return lang.Get(id)
	}
	return string(l)
}
