package domain

import (
	"math"
	"time"

	"pantau/internal/locale"
)

// Status is how final a published value is.
type Status string

// Statuses, as BPS marks them.
const (
	StatusFinal       = Status("final")
	StatusPreliminary = Status("sementara")
	StatusRevised     = Status("revised")
)

// ParseStatus accepts the Indonesian and English words and BPS's footnote
// marks; an empty string means final.
func ParseStatus(s string) (Status, error) {
	switch normalizeToken(s) {
	case "", "final", "tetap", "f":
		return StatusFinal, nil
	case "sementara", "preliminary", "prelim", "provisional", "p", "*", "angka_sementara":
		return StatusPreliminary, nil
	case "revised", "revisi", "diperbaiki", "r", "perbaikan", "angka_perbaikan":
		return StatusRevised, nil
	}
	return "", Errorf(ErrInvalid, "status %q: use final, sementara or revised", s)
}

// Year limits Pantau accepts; anything outside is a typo.
const (
	MinYear = 1960
	MaxYear = 2100
)

// ObservationKey identifies one value of a series: indicator × region ×
// year × disaggregation (a series is the same without the year).
type ObservationKey struct {
	IndicatorCode string         `json:"indicator" db:"indicator_code"`
	RegionCode    string         `json:"region" db:"region_code"`
	Year          int            `json:"year" db:"year"`
	Disagg        Disaggregation `json:"disaggregation" db:"disagg"`
}

// YearSet is a set of years MinYear…MaxYear, a bit each: what a reader
// keeps per series to notice a year named twice.
type YearSet [(MaxYear - MinYear + 64) / 64]uint64

// Add puts y (MinYear…MaxYear) in the set and reports whether it was not
// there yet.
func (s *YearSet) Add(y int) bool {
	bit := y - MinYear
	if s[bit>>6]&(1<<(bit&63)) != 0 {
		return false
	}
	s[bit>>6] |= 1 << (bit & 63)
	return true
}

// CheckYear returns an ErrInvalid error for a year outside MinYear–MaxYear.
func CheckYear(y int) error {
	if y < MinYear || y > MaxYear {
		return Errorf(ErrInvalid, "year %d outside %d–%d", y, MinYear, MaxYear)
	}
	return nil
}

// Observation is one published value.
type Observation struct {
	ObservationKey
	Value float64 `json:"value" db:"value"`
	// Status is final, sementara (preliminary) or revised.
	Status Status `json:"status" db:"status"`
	// Break marks the first year of a new method or source: no trend spans it.
	Break    bool      `json:"series_break" db:"series_break"`
	Note     string    `json:"note,omitempty" db:"note"`
	UploadID int64     `json:"upload_id" db:"upload_id"`
	Updated  time.Time `json:"updated_at" db:"updated_at"`
	// Line is the line of the upload's file the value came from (0: not
	// from a file), so that a stored value can be traced to its source.
	Line int `json:"line,omitempty" db:"source_line"`
	// Absent marks the attributes the source file did not carry (no status,
	// break or note column): the stored ones are kept rather than reset.
	Absent Attr `json:"-" db:"-"`
}

// Attr is a set of an observation's optional attributes.
type Attr uint8

// The optional attributes of an observation.
const (
	AttrStatus Attr = 1 << iota
	AttrBreak
	AttrNote
	// AttrValue and AttrUnit complete what a change can touch (Differs):
	// the value, and the unit, which the indicator fixes (a file stating
	// another unit is refused), so a stored value never changes it.
	AttrValue
	AttrUnit
)

// attrOrder is the order attributes are named in, the value first.
var attrOrder = []struct {
	attr Attr
	name string
}{{AttrValue, "value"}, {AttrStatus, "status"}, {AttrBreak, "break"}, {AttrNote, "note"}, {AttrUnit, "unit"}}

// Differs returns the attributes in which storing o over old changes
// something: empty when SameAs.
func (o Observation) Differs(old Observation) Attr {
	var a Attr
	if o.Value != old.Value {
		a |= AttrValue
	}
	if o.Status != old.Status {
		a |= AttrStatus
	}
	if o.Break != old.Break {
		a |= AttrBreak
	}
	if o.Note != old.Note {
		a |= AttrNote
	}
	return a
}

// Names lists the attributes by their API names (value, status, break,
// note, unit), value first; nil for none.
func (a Attr) Names() []string {
	var out []string
	for _, x := range attrOrder {
		if a&x.attr != 0 {
			out = append(out, x.name)
		}
	}
	return out
}

// List names the attributes in words: "catatan dan status" / "note and
// status".
func (a Attr) List(l locale.Lang) string {
	names := a.Names()
	words := make([]string, len(names))
	for i, n := range names {
		words[i] = l.Get("changes.attr_" + n)
	}
	return l.And(words)
}

// Describe says in words what changed: "hanya catatan berubah" / "only the
// note changed" when the value did not, "nilai dan status berubah" / "the
// value and status changed" when it did; "" for nothing.
func (a Attr) Describe(l locale.Lang) string {
	if a == 0 {
		return ""
	}
	list := a.List(l)
	if a&AttrValue != 0 {
		return l.Get("changes.changed", list)
	}
	return l.Get("changes.only", list)
}

// Keep fills the attributes o's source did not carry from old, the stored
// observation it replaces.
func (o Observation) Keep(old Observation) Observation {
	if o.Absent&AttrStatus != 0 {
		o.Status = old.Status
	}
	if o.Absent&AttrBreak != 0 {
		o.Break = old.Break
	}
	if o.Absent&AttrNote != 0 {
		o.Note = old.Note
	}
	return o
}

// Validate checks the key and value against the indicator.
func (o Observation) Validate(ind Indicator) error {
	if o.IndicatorCode != ind.Code {
		return Errorf(ErrInvalid, "observation of %s checked against %s", o.IndicatorCode, ind.Code)
	}
	if err := CheckYear(o.Year); err != nil {
		return err
	}
	if _, err := ParseStatus(string(o.Status)); err != nil {
		return err
	}
	return ind.CheckValue(o.Value)
}

// SameAs reports whether storing o over old would change nothing.
func (o Observation) SameAs(old Observation) bool {
	return o.Value == old.Value && o.Status == old.Status && o.Break == old.Break && o.Note == old.Note
}

// Revision is the value an observation or target had before an upload
// changed it: who, when and which upload.
type Revision struct {
	ObservationKey
	PlanCode  string   `json:"plan,omitempty" db:"plan_code"`
	OldValue  float64  `json:"old_value" db:"old_value"`
	OldHigh   *float64 `json:"old_high,omitempty" db:"old_high"`
	OldStatus Status   `json:"old_status,omitempty" db:"old_status"`
	NewValue  float64  `json:"new_value" db:"new_value"`
	NewHigh   *float64 `json:"new_high,omitempty" db:"new_high"`
	// The other attributes, old and new (observations only; a revision
	// of a target changes its value or note). Changed lists the ones that
	// changed (Attr.Names), Attrs is the same as a set.
	NewStatus   Status    `json:"new_status,omitempty" db:"new_status"`
	OldNote     string    `json:"old_note" db:"old_note"`
	NewNote     string    `json:"new_note" db:"-"`
	OldBreak    bool      `json:"old_break" db:"old_break"`
	NewBreak    bool      `json:"new_break" db:"-"`
	Changed     []string  `json:"changed,omitempty" db:"-"`
	Attrs       Attr      `json:"-" db:"-"`
	OldUploadID int64     `json:"old_upload_id" db:"old_upload_id"`
	UploadID    int64     `json:"upload_id" db:"upload_id"`
	ChangedBy   string    `json:"changed_by" db:"changed_by"`
	ChangedAt   time.Time `json:"changed_at" db:"changed_at"`
}

// Round returns v rounded to the indicator's decimals, for display.
func (ind Indicator) Round(v float64) float64 {
	p := math.Pow(10, float64(ind.Decimals))
	return math.Round(v*p) / p
}
