package domain

import (
	"regexp"
	"strings"
)

// Level is a region's place in the administrative hierarchy.
type Level string

// The levels, from the top. Kemendagri codes encode the level by their
// number of dot-separated parts; the nation has the code NationalCode.
const (
	LevelNational = Level("nasional")
	LevelProvince = Level("provinsi")
	LevelRegency  = Level("kabupaten_kota")
	LevelDistrict = Level("kecamatan")
	LevelVillage  = Level("desa")
)

// Depth is the level's place from the top: 0 for the nation, 4 for a
// village (and for a level it does not know).
func (l Level) Depth() int {
	for i, x := range [...]Level{LevelNational, LevelProvince, LevelRegency, LevelDistrict} {
		if x == l {
			return i
		}
	}
	return 4
}

// NationalCode is the code Pantau gives Indonesia as a whole; Kemendagri has
// none for the nation.
const NationalCode = "ID"

// Region is a wilayah. Code is the Kemendagri code (primary); BPSCode is the
// BPS code stored beside it through the bridge table, never derived from Code
// (in South Sumatra BPS 1608 is Kemendagri 16.09).
type Region struct {
	Code       string `json:"code" db:"code"`
	BPSCode    string `json:"bps_code,omitempty" db:"bps_code"`
	Name       string `json:"name" db:"name"`
	Level      Level  `json:"level" db:"level"`
	ParentCode string `json:"parent_code,omitempty" db:"parent_code"`
	// ValidFrom and ValidTo are the years a region existed, for pemekaran
	// (a split or merge); 0 means open-ended.
	ValidFrom int `json:"valid_from,omitempty" db:"valid_from"`
	ValidTo   int `json:"valid_to,omitempty" db:"valid_to"`
	// Successors are the regions it was split into or merged into.
	Successors []string `json:"successors,omitempty" db:"-"`
}

var (
	kemendagriCode = regexp.MustCompile(`^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$`)
	bpsCode        = regexp.MustCompile(`^\d{2}(\d{2}(\d{3}(\d{3})?)?)?$`)
)

// LevelOfCode returns the level a Kemendagri code denotes.
func LevelOfCode(code string) (Level, error) {
	if code == NationalCode {
		return LevelNational, nil
	}
	if !kemendagriCode.MatchString(code) {
		return "", Errorf(ErrInvalid, "region code %q is not a Kemendagri code (16, 16.07, 16.07.01, 16.07.01.2001)", code)
	}
	return [...]Level{LevelProvince, LevelRegency, LevelDistrict, LevelVillage}[strings.Count(code, ".")], nil
}

// ParentOfCode returns the code of the region directly above code.
func ParentOfCode(code string) string {
	if code == NationalCode {
		return ""
	}
	i := strings.LastIndexByte(code, '.')
	if i < 0 {
		return NationalCode
	}
	return code[:i]
}

// AncestryOfCode returns code and the code of every region above it,
// nearest first, ending with the nation: the regions whose plans a region is
// measured against (a regency's RPJMD, its province's RKPD, the RPJMN).
func AncestryOfCode(code string) []string {
	out := []string{code}
	for c := ParentOfCode(code); c != ""; c = ParentOfCode(c) {
		out = append(out, c)
	}
	return out
}

// IsBPSCode reports whether s has the shape of a BPS region code (16, 1607,
// 1607010, 1607010001).
func IsBPSCode(s string) bool { return bpsCode.MatchString(s) }

// Validate checks a region's code, level, parent and BPS code.
func (r Region) Validate() error {
	level, err := LevelOfCode(r.Code)
	if err != nil {
		return err
	}
	if r.Level == "" {
		r.Level = level
	}
	if r.Level != level {
		return Errorf(ErrInvalid, "region %s: level %q does not match its code (%s)", r.Code, r.Level, level)
	}
	if strings.TrimSpace(r.Name) == "" {
		return Errorf(ErrInvalid, "region %s: name is empty", r.Code)
	}
	if want := ParentOfCode(r.Code); r.ParentCode != want {
		return Errorf(ErrInvalid, "region %s: parent %q, want %q", r.Code, r.ParentCode, want)
	}
	if r.BPSCode != "" && !IsBPSCode(r.BPSCode) {
		return Errorf(ErrInvalid, "region %s: BPS code %q is not numeric (16, 1607, 1607010)", r.Code, r.BPSCode)
	}
	for _, y := range []int{r.ValidFrom, r.ValidTo} {
		if y != 0 && CheckYear(y) != nil {
			return Errorf(ErrInvalid, "region %s: validity year %d outside %d–%d", r.Code, y, MinYear, MaxYear)
		}
	}
	if r.ValidFrom != 0 && r.ValidTo != 0 && r.ValidTo < r.ValidFrom {
		return Errorf(ErrInvalid, "region %s: valid_to %d before valid_from %d", r.Code, r.ValidTo, r.ValidFrom)
	}
	for _, s := range r.Successors {
		if s == r.Code {
			return Errorf(ErrInvalid, "region %s names itself as its successor", r.Code)
		}
		if _, err := LevelOfCode(s); err != nil {
			return Errorf(ErrInvalid, "region %s: successor %q is not a Kemendagri code", r.Code, s)
		}
	}
	return nil
}

// NewRegion fills Level and ParentCode from the code.
func NewRegion(code, bps, name string) (Region, error) {
	level, err := LevelOfCode(code)
	if err != nil {
		return Region{}, err
	}
	r := Region{Code: code, BPSCode: bps, Name: name, Level: level, ParentCode: ParentOfCode(code)}
	return r, r.Validate()
}
