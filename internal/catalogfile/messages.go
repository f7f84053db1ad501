package catalogfile

import (
	"fmt"
	"strconv"
	"strings"
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

// messages holds each text in English and Indonesian, as fmt formats, in
// the style of internal/ingest's messages.
var messages = map[string][2]string{
	CodeSyntax:         {"not valid YAML: %s", "bukan YAML yang sah: %s"},
	CodeUnknownField:   {"unknown field %q%s", "isian %q tidak dikenal%s"},
	CodeBadValue:       {"%q is not a valid %s", "%q bukan %s yang sah"},
	CodeUnknownList:    {"unknown list %q (want agencies, regions, indicators, plans)", "daftar %q tidak dikenal (gunakan agencies, regions, indicators, plans)"},
	CodeNotList:        {"%s must be a list of items", "%s harus berupa daftar"},
	CodeNoCode:         {"the item has no code", "butir tidak memiliki kode"},
	CodeBadCode:        {"code %q: use lower-case letters, digits, _ . - (at most 64)", "kode %q: gunakan huruf kecil, angka, _ . - (paling banyak 64)"},
	CodeDuplicate:      {"%s %s is declared twice (first at %s)", "%s %s dideklarasikan dua kali (pertama di %s)"},
	CodeInvalid:        {"%s", "%s"},
	CodePolarity:       {"polarity %q: use higher, lower, band or neutral", "polaritas %q: gunakan higher, lower, band atau neutral"},
	CodeLevel:          {"level %q: use %s", "tingkat %q: gunakan %s"},
	CodeKind:           {"kind %q: use RPJMN, RPJMD, RKPD or Renstra", "jenis %q: gunakan RPJMN, RPJMD, RKPD atau Renstra"},
	CodeStatus:         {"status %q: use draft or final", "status %q: gunakan draft atau final"},
	CodeUnitChange:     {"indicator %s already has unit %q; a different unit (%q) is a different indicator: give it a new code", "indikator %s sudah bersatuan %q; satuan lain (%q) berarti indikator lain: beri kode baru"},
	CodeAmendsCycle:    {"plan amendments form a cycle: %s", "perubahan rencana membentuk lingkaran: %s"},
	CodeUnknownRef:     {"%s %q is not in the catalogue or the file", "%s %q tidak ada di katalog maupun di berkas"},
	CodeRemoveUnknown:  {"cannot remove %s %s: it is not in the catalogue", "tidak dapat menghapus %s %s: tidak ada di katalog"},
	CodeInUse:          {"cannot remove %s %s: used by %s", "tidak dapat menghapus %s %s: dipakai oleh %s"},
	CodeTargetsOutside: {"plan %s would run %d–%d but has targets for %s", "rencana %s akan berlaku %d–%d tetapi memiliki target untuk %s"},
	CodeUnknownFile:    {"%s is not a catalogue file (want .yaml, .yml or agencies/regions/indicators/plans .csv)", "%s bukan berkas katalog (gunakan .yaml, .yml atau agencies/regions/indicators/plans .csv)"},
	CodeNoFiles:        {"%s holds no catalogue files (.yaml, .yml, .csv)", "%s tidak berisi berkas katalog (.yaml, .yml, .csv)"},
}

// kindNames names the kinds of entry in each language.
var kindNames = map[Kind][2]string{
	Agencies:   {"agency", "instansi"},
	Regions:    {"region", "wilayah"},
	Indicators: {"indicator", "indikator"},
	Plans:      {"plan", "rencana"},
}

// langIndex returns 1 for Indonesian and 0 for English; Indonesian is the
// default, as on Pantau's pages and in ingest.
func langIndex(lang string) int {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return 0
	}
	return 1
}

func text(lang, code string, args ...any) string {
	return fmt.Sprintf(messages[code][langIndex(lang)], args...)
}

// KindName is the kind's name in lang ("indicator" / "indikator").
func KindName(lang string, k Kind) string { return kindNames[k][langIndex(lang)] }

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
