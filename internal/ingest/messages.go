package ingest

import (
	"fmt"
	"strconv"
	"strings"

	"pantau/internal/domain"
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

// messages holds each text in English and Indonesian, as fmt formats.
var messages = map[string][2]string{
	CodeMalformed:         {"malformed CSV at character %d: %s", "CSV rusak pada karakter ke-%d: %s"},
	CodeRagged:            {"row has %d fields, the header has %d", "baris berisi %d kolom, header berisi %d"},
	CodeInvalidText:       {"text is not valid UTF-8: the file mixes encodings; save it again as CSV UTF-8", "teks bukan UTF-8 yang sah: berkas mencampur encoding; simpan ulang sebagai CSV UTF-8"},
	CodeUnknownIndicator:  {"unknown indicator %q%s", "indikator %q tidak dikenal%s"},
	CodeNoIndicator:       {"no indicator: the cell is empty and no indicator was named for the file", "indikator kosong dan berkas tidak menyebut indikatornya"},
	CodeIndicatorConflict: {"indicator %s contradicts the indicator named for the file (%s)", "indikator %s bertentangan dengan indikator yang disebut untuk berkas (%s)"},
	CodeUnknownRegion:     {"unknown region %q (Kemendagri code 16.07, BPS code 1607 or name)%s", "wilayah %q tidak dikenal (kode Kemendagri 16.07, kode BPS 1607 atau nama)%s"},
	CodeAmbiguousRegion:   {"region name %q is ambiguous: %s; write the code instead", "nama wilayah %q ambigu: %s; tulis kodenya"},
	CodeNoRegion:          {"region is empty", "wilayah kosong"},
	CodeBadYear:           {"year %q is not a whole number", "tahun %q bukan bilangan bulat"},
	CodeYearRange:         {"year %d outside %d–%d", "tahun %d di luar %d–%d"},
	CodeNotNumber:         {"%q is not a number", "%q bukan angka"},
	CodeWrongConvention:   {"%q is not a number with decimal %s, which this file uses (decided by line %d)", "%q bukan angka dengan desimal %s, yang dipakai berkas ini (ditentukan oleh baris %d)"},
	CodeAmbiguousDecimal: {"cannot tell whether . or , is the decimal mark: %q could be either and no value in the file decides; state it (--decimal comma|point, or the decimal field of the upload form)",
		"tidak dapat memastikan apakah . atau , tanda desimalnya: %q bisa keduanya dan tidak ada nilai di berkas yang memastikan; sebutkan (--decimal comma|point, atau isian desimal pada formulir unggah)"},
	CodeTooManyUndecidable: {"the first %d numbers could each be read with . or , as the decimal mark; state the convention (--decimal comma|point)",
		"%d angka pertama bisa dibaca dengan . maupun , sebagai tanda desimal; sebutkan konvensinya (--decimal comma|point)"},
	CodeOutOfBounds:       {"value %s outside %s–%s for %s (%s)", "nilai %s di luar %s–%s untuk %s (%s)"},
	CodeDuplicate:         {"duplicate of line %d (same indicator, region, year and disaggregation)", "duplikat baris %d (indikator, wilayah, tahun dan disagregasi sama)"},
	CodeUnitContradicts:   {"unit %q contradicts the unit of %s (%s)", "satuan %q bertentangan dengan satuan %s (%s)"},
	CodeUnknownMark:       {"unknown footnote mark %q after the number (known: * ** *** sementara, r revised)", "tanda catatan kaki %q setelah angka tidak dikenal (dikenal: * ** *** sementara, r revisi)"},
	CodeMarkConflict:      {"the mark %q says %s but the status column says %s", "tanda %q berarti %s tetapi kolom status berisi %s"},
	CodeBadStatus:         {"status %q: use final, sementara or revised", "status %q: gunakan final, sementara atau revisi"},
	CodeBadBreak:          {"series break %q: use ya or tidak", "putus seri %q: gunakan ya atau tidak"},
	CodeBadDisaggregation: {"disaggregation %s=%q is not valid", "disagregasi %s=%q tidak sah"},
	CodeUnsupportedAction: {"ACTION %q is not supported: a file adds or replaces values, it never deletes them", "ACTION %q tidak didukung: berkas hanya menambah atau mengganti nilai, tidak pernah menghapus"},
	CodeUnsupportedPeriod: {"period %q is not a year: only annual data is supported", "periode %q bukan tahun: hanya data tahunan yang didukung"},
	CodeBadUnitMultiplier: {"unit multiplier %q is not a power of ten (0, 3, 6…)", "pengali satuan %q bukan pangkat sepuluh (0, 3, 6…)"},
	CodeUnknownPlan:       {"unknown plan %q (give its code or exact name)%s", "rencana %q tidak dikenal (tulis kode atau nama persisnya)%s"},
	CodeNoPlan:            {"no plan: the cell is empty and no plan was named for the file", "rencana kosong dan berkas tidak menyebut rencananya"},
	CodeBadRange:          {"%q is not a number or a range such as 9,37–10,37", "%q bukan angka atau rentang seperti 9,37–10,37"},
	CodeTargetYear:        {"year %d outside plan %s (%d–%d)", "tahun %d di luar rencana %s (%d–%d)"},
	CodeImplausibleJump:   {"value %s differs from %s in %d by %s%% (more than 50%%); check it", "nilai %[1]s berbeda %[4]s%% dari %[2]s pada %[3]d (lebih dari 50%%); periksa kembali"},
	CodeNoRows:            {"the file has a header but no data rows", "berkas hanya berisi header tanpa baris data"},
}

// File-level problems, returned as errors rather than listed per row.
var fileMessages = map[string][2]string{
	"empty":                {"the file is empty", "berkas kosong"},
	"binary":               {"this is not a CSV file (it contains binary data)", "ini bukan berkas CSV (berisi data biner)"},
	"xlsx":                 {"this is an Excel workbook, not CSV; in Excel use Save As → CSV UTF-8", "ini buku kerja Excel, bukan CSV; di Excel pilih Save As → CSV UTF-8"},
	"no_header":            {"no header found in the first %d lines: expected kode_wilayah, tahun and nilai (long), years as columns (wide), Year…Value (Open SDG) or SDMX-CSV; the first line has %s", "header tidak ditemukan dalam %d baris pertama: diharapkan kode_wilayah, tahun dan nilai (memanjang), tahun sebagai kolom (melebar), Year…Value (Open SDG) atau SDMX-CSV; baris pertama berisi %s"},
	"repeat_column":        {"header: column %q repeats %s", "header: kolom %q mengulang %s"},
	"need_ind":             {"the file has no indicator column (kode_indikator, SERIES, INDICATOR): name the indicator (--indicator or the form field)", "berkas tidak memiliki kolom indikator (kode_indikator, SERIES, INDICATOR): sebutkan indikatornya (--indicator atau isian formulir)"},
	"need_plan":            {"the file has no plan column (rencana): name the plan", "berkas tidak memiliki kolom rencana: sebutkan rencananya"},
	"need_region":          {"the file has no region column (kode_wilayah, nama_wilayah, GeoCode, REF_AREA): name the region for the file", "berkas tidak memiliki kolom wilayah (kode_wilayah, nama_wilayah, GeoCode, REF_AREA): sebutkan wilayah berkas"},
	"opt_ind":              {"indicator %q is not in the catalogue%s", "indikator %q tidak ada di katalog%s"},
	"opt_region":           {"region %q is not in the catalogue%s", "wilayah %q tidak ada di katalog%s"},
	"opt_region_ambiguous": {"region name %q is ambiguous: %s; write the code instead", "nama wilayah %q ambigu: %s; tulis kodenya"},
	"territory":            {"the instance's home region %q is not in the catalogue", "wilayah kerja instans ini (%q) tidak ada di katalog"},
	"opt_plan":             {"plan %q is not in the catalogue%s", "rencana %q tidak ada di katalog%s"},
	"rejected":             {"file rejected: %d value(s) with errors, nothing was stored:", "berkas ditolak: %d nilai bermasalah, tidak ada yang disimpan:"},
	"duplicate_earlier":    {"duplicate of an earlier row (same indicator, region, year and disaggregation)", "duplikat baris sebelumnya (indikator, wilayah, tahun dan disagregasi sama)"},
	"more":                 {"… and %d more", "… dan %d lainnya"},
	"encoding":             {"unknown encoding %q (use utf-8 or windows-1252)", "encoding %q tidak dikenal (gunakan utf-8 atau windows-1252)"},
}

// langIndex returns 1 for Indonesian and 0 for English; Indonesian is the
// default, as on Pantau's pages.
func langIndex(lang string) int {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return 0
	}
	return 1
}

func text(lang, code string, args ...any) string {
	m, ok := messages[code]
	if !ok {
		m = fileMessages[code]
	}
	return fmt.Sprintf(m[langIndex(lang)], args...)
}

// fileError is a file-level error of the kind ErrInvalid (or ErrEmpty for an
// empty file), with its message in the caller's language.
func fileError(lang, code string, args ...any) error {
	kind := domain.ErrInvalid
	if code == "empty" {
		kind = ErrEmpty
	}
	return &domain.Error{Kind: kind, Message: text(lang, code, args...)}
}

// didYouMean formats suggestions as a message suffix.
func didYouMean(lang string, cands []string) string {
	if len(cands) == 0 {
		return ""
	}
	q := make([]string, len(cands))
	for i, c := range cands {
		q[i] = strconv.Quote(c)
	}
	if langIndex(lang) == 0 {
		return "; did you mean " + strings.Join(q, " or ") + "?"
	}
	return "; mungkin maksud Anda " + strings.Join(q, " atau ") + "?"
}

// formatNumber writes v for a message in the language's convention.
func formatNumber(lang string, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if langIndex(lang) == 1 {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func decimalName(lang string, d Decimal) string {
	switch {
	case d == DecimalComma && langIndex(lang) == 0:
		return "comma (0,56)"
	case d == DecimalComma:
		return "koma (0,56)"
	case langIndex(lang) == 0:
		return "point (0.56)"
	}
	return "titik (0.56)"
}

// levelNames name the region levels in English and Indonesian, as the
// candidates of an ambiguous name are listed.
var levelNames = map[domain.Level][2]string{
	domain.LevelNational: {"nation", "nasional"},
	domain.LevelProvince: {"province", "provinsi"},
	domain.LevelRegency:  {"regency/city", "kabupaten/kota"},
	domain.LevelDistrict: {"district", "kecamatan"},
	domain.LevelVillage:  {"village", "desa/kelurahan"},
}

func levelName(lang string, l domain.Level) string {
	n, ok := levelNames[l]
	if !ok {
		return string(l)
	}
	return n[langIndex(lang)]
}

func statusName(lang string, s domain.Status) string {
	if langIndex(lang) == 1 {
		if s == domain.StatusRevised {
			return "revisi"
		}
		return string(s)
	}
	switch s {
	case domain.StatusPreliminary:
		return "preliminary"
	case domain.StatusRevised:
		return "revised"
	}
	return "final"
}
