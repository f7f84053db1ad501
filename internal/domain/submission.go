package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"pantau/internal/locale"
)

// SubmissionState is where an upload that needs review stands. Only a
// submitted upload moves, and it moves once: published by the data steward
// (walidata), returned to its agency with a reason, or withdrawn by the
// agency. A returned file is corrected and submitted again as a new one.
type SubmissionState string

// Submission states.
const (
	Submitted = SubmissionState("submitted")
	Published = SubmissionState("published")
	Returned  = SubmissionState("returned")
	Withdrawn = SubmissionState("withdrawn")
)

// ParseSubmissionState reads a state filter; "" means any state.
func ParseSubmissionState(s string) (SubmissionState, error) {
	switch st := SubmissionState(strings.ToLower(strings.TrimSpace(s))); st {
	case "", Submitted, Published, Returned, Withdrawn:
		return st, nil
	}
	return "", Errorf(ErrInvalid, "state %q: want submitted, published, returned or withdrawn", s)
}

// Submission is an upload waiting for (or past) review. Its file is kept;
// none of its values is public until it is published, which makes an
// ordinary upload (UploadID, the data version the public then sees).
type Submission struct {
	ID         int64      `json:"id" db:"id"`
	Kind       UploadKind `json:"kind" db:"kind"`
	AgencyCode string     `json:"agency,omitempty" db:"agency_code"`
	Filename   string     `json:"filename" db:"filename"`
	// SubmittedBy names the principal that sent it (see Principal.String).
	SubmittedBy string      `json:"submitted_by" db:"submitted_by"`
	SubmittedAt time.Time   `json:"submitted_at" db:"submitted_at"`
	SHA256      string      `json:"sha256" db:"sha256"`
	Size        int64       `json:"size" db:"size"`
	Lang        locale.Lang `json:"lang" db:"lang"`
	// Options is how the file is read (JSON), as it was checked.
	Options string `json:"-" db:"options"`
	// Counts are those of the check at submission; publishing counts again
	// against the data of that moment.
	Counts
	State      SubmissionState `json:"state" db:"state"`
	ReviewedBy string          `json:"reviewed_by,omitempty" db:"reviewed_by"`
	ReviewedAt *time.Time      `json:"reviewed_at,omitempty" db:"reviewed_at"`
	ReviewNote string          `json:"review_note,omitempty" db:"review_note"`
	UploadID   *int64          `json:"upload_id,omitempty" db:"upload_id"`
}

// Comment is one message about a submission.
type Comment struct {
	ID           int64     `json:"id" db:"id"`
	SubmissionID int64     `json:"submission_id" db:"submission_id"`
	At           time.Time `json:"at" db:"at"`
	Author       string    `json:"author" db:"author"`
	Body         string    `json:"body" db:"body"`
}

// MaxCommentLength bounds a comment (and a reason to return a file).
const MaxCommentLength = 4000

// ValidateComment checks a comment's (or a return reason's) text.
func ValidateComment(body string) error {
	switch {
	case !utf8.ValidString(body):
		return Errorf(ErrInvalid, "the text is not valid UTF-8")
	case strings.TrimSpace(body) == "":
		return Errorf(ErrInvalid, "the text is empty")
	case utf8.RuneCountInString(body) > MaxCommentLength:
		return Errorf(ErrInvalid, "the text is longer than %d characters", MaxCommentLength)
	}
	return nil
}

// NeedsReview reports whether an upload by p goes to the walidata first:
// when p asks for it, or when review is required and p is not a walidata
// (whose own uploads are published as they are stored).
func NeedsReview(p Principal, required, asked bool) bool {
	return asked || (required && !CanReview(p))
}

// CanReview reports whether p may publish a submitted upload or return it:
// the data steward (walidata), a role administrators hold.
func CanReview(p Principal) bool { return p.Role == RoleAdmin }

// CanSeeSubmission reports whether p may read a submission (and preview
// its values before they are public): reviewers and planners, and the
// agency that sent it.
func CanSeeSubmission(p Principal, sub Submission) bool {
	if p.CanPreview() {
		return true
	}
	return p.Role == RoleUploader && p.AgencyCode != "" && p.AgencyCode == sub.AgencyCode
}

// CanWithdraw reports whether p may take back a submission: the agency
// that sent it, or a reviewer.
func CanWithdraw(p Principal, sub Submission) bool {
	return CanReview(p) || (p.Role == RoleUploader && p.AgencyCode != "" && p.AgencyCode == sub.AgencyCode)
}

// CanComment reports whether p may comment on sub: people (not tokens)
// who may see it.
func CanComment(p Principal, sub Submission) bool {
	return p.LoggedIn() && CanSeeSubmission(p, sub)
}

// Move checks that sub may go to state next: only a submitted upload
// moves, and a return needs a reason the agency can act on.
func (sub Submission) Move(next SubmissionState, note string) error {
	if sub.State != Submitted {
		return Errorf(ErrConflict, "submission %d is %s already; only a submitted upload can be %s", sub.ID, sub.State, next)
	}
	switch next {
	case Published, Withdrawn:
		return nil
	case Returned:
		if err := ValidateComment(note); err != nil {
			return Errorf(ErrInvalid, "returning a submission needs a reason for the agency: %s", Message(err))
		}
		return nil
	}
	return Errorf(ErrInvalid, "a submission cannot be moved to %q", next)
}
