package domain

import (
	"strings"
	"time"
)

// Agency is an organisation that sends data (an OPD, the BPS office).
type Agency struct {
	Code string `json:"code" db:"code"`
	Name string `json:"name" db:"name"`
}

// Validate checks the agency.
func (a Agency) Validate() error {
	if !ValidCode(a.Code) {
		return Errorf(ErrInvalid, "agency code %q: use lower-case letters, digits, _ . -", a.Code)
	}
	if strings.TrimSpace(a.Name) == "" {
		return Errorf(ErrInvalid, "agency %s: name is empty", a.Code)
	}
	return nil
}

// UploadKind says what an upload carried.
type UploadKind string

// Upload kinds.
const (
	UploadObservations = UploadKind("observations")
	UploadTargets      = UploadKind("targets")
)

// Counts is what an upload did, row by row.
type Counts struct {
	New       int `json:"new" db:"rows_new"`
	Changed   int `json:"changed" db:"rows_changed"`
	Unchanged int `json:"unchanged" db:"rows_unchanged"`
	Missing   int `json:"missing" db:"rows_missing"`
	Rejected  int `json:"rejected" db:"rows_rejected"`
}

// Total is the number of rows that carried a value.
func (c Counts) Total() int { return c.New + c.Changed + c.Unchanged }

// Upload is one accepted file. Its ID is also the data version: every
// accepted upload advances it.
type Upload struct {
	ID         int64      `json:"id" db:"id"`
	Kind       UploadKind `json:"kind" db:"kind"`
	AgencyCode string     `json:"agency,omitempty" db:"agency_code"`
	Filename   string     `json:"filename" db:"filename"`
	CreatedBy  string     `json:"created_by" db:"created_by"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	Counts
}
