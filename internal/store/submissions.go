package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Publication names the submission an import publishes and who publishes it.
type Publication struct {
	SubmissionID int64
	By           string
}

// submissionColumns are a submission's columns, in domain.Submission's names.
const submissionColumns = `id, kind, agency_code, filename, submitted_by, submitted_at, sha256, size, lang, options,
	rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected, state, reviewed_by, reviewed_at, review_note, upload_id`

// CreateSubmission keeps a checked upload for review: its file (stored once
// per content, like an upload's) and the submission row, in one
// transaction. Nothing reaches the public tables.
func (s *Store) CreateSubmission(ctx context.Context, sub domain.Submission, file FileSource) (domain.Submission, error) {
	sub, err := s.createSubmission(ctx, sub, file)
	return sub, full(err)
}

func (s *Store) createSubmission(ctx context.Context, sub domain.Submission, file FileSource) (domain.Submission, error) {
	f, err := file()
	if err != nil {
		return sub, err
	}
	sub.SHA256, sub.Size, sub.State = f.SHA256, f.Size, domain.Submitted
	sub.SubmittedAt = s.now()
	if sub.Options == "" {
		sub.Options = "{}"
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return sub, fmt.Errorf("store: submission: begin: %w", err)
	}
	defer tx.Rollback()
	// The same file of the same agency waits once.
	var waiting []int64
	if err := tx.SelectContext(ctx, &waiting, tx.Rebind(`SELECT id FROM submissions WHERE sha256 = ? AND agency_code = ? AND kind = ? AND state = ?`),
		f.SHA256, sub.AgencyCode, sub.Kind, domain.Submitted); err != nil {
		return sub, fmt.Errorf("store: submission: %w", err)
	}
	if len(waiting) > 0 {
		return sub, domain.Errorf(domain.ErrConflict, "this file already waits for review as submission %d", waiting[0])
	}
	if err := storeFile(ctx, tx, f, sub.SubmittedAt); err != nil {
		return sub, err
	}
	if err := tx.GetContext(ctx, &sub.ID, tx.Rebind(`INSERT INTO submissions (kind, agency_code, filename, submitted_by, submitted_at,
		sha256, size, lang, options, rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		sub.Kind, sub.AgencyCode, sub.Filename, sub.SubmittedBy, sub.SubmittedAt, sub.SHA256, sub.Size, sub.Lang, sub.Options,
		sub.New, sub.Changed, sub.Unchanged, sub.Missing, sub.Rejected); err != nil {
		return sub, fmt.Errorf("store: submission: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return sub, fmt.Errorf("store: submission: commit: %w", err)
	}
	return sub, nil
}

// Submission returns one submission; ErrNotFound when there is none.
func (s *Store) Submission(ctx context.Context, id int64) (domain.Submission, error) {
	var sub domain.Submission
	err := s.db.GetContext(ctx, &sub, s.db.Rebind(`SELECT `+submissionColumns+` FROM submissions WHERE id = ?`), id)
	if err != nil {
		return sub, notFound(err, "submission %d not found", id)
	}
	return sub, nil
}

// SubmissionQuery selects submissions: of one state and one agency when
// given, newest first, at most Limit (default 100).
type SubmissionQuery struct {
	State  domain.SubmissionState
	Agency string
	Limit  int
}

// Submissions lists submissions, newest first.
func (s *Store) Submissions(ctx context.Context, q SubmissionQuery) ([]domain.Submission, error) {
	where, args := `1 = 1`, []any{}
	if q.State != "" {
		where, args = where+` AND state = ?`, append(args, q.State)
	}
	if q.Agency != "" {
		where, args = where+` AND agency_code = ?`, append(args, q.Agency)
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	out := []domain.Submission{}
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT `+submissionColumns+` FROM submissions WHERE `+where+
		` ORDER BY id DESC LIMIT ?`), append(args, q.Limit)...); err != nil {
		return nil, fmt.Errorf("store: submissions: %w", err)
	}
	return out, nil
}

// PendingSubmissions counts the submissions waiting for review, of one
// agency when agency is not "".
func (s *Store) PendingSubmissions(ctx context.Context, agency string) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT count(*) FROM submissions WHERE state = ? AND (? = '' OR agency_code = ?)`),
		domain.Submitted, agency, agency); err != nil {
		return 0, fmt.Errorf("store: pending submissions: %w", err)
	}
	return n, nil
}

// CloseSubmission returns a submission to its agency or withdraws it. Only
// a submitted one moves; a submission another request has moved meanwhile
// gives ErrConflict.
func (s *Store) CloseSubmission(ctx context.Context, id int64, next domain.SubmissionState, by, note string) (domain.Submission, error) {
	sub, err := s.Submission(ctx, id)
	if err != nil {
		return sub, err
	}
	if next == domain.Published {
		return sub, domain.Errorf(domain.ErrInvalid, "a submission is published by importing it (importer.Publish)")
	}
	if err := sub.Move(next, note); err != nil {
		return sub, err
	}
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE submissions SET state = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?
		WHERE id = ? AND state = ?`), next, by, s.now(), note, id, domain.Submitted)
	if err != nil {
		return sub, full(fmt.Errorf("store: submission %d: %w", id, err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return sub, domain.Errorf(domain.ErrConflict, "submission %d was reviewed meanwhile; reload it", id)
	}
	return s.Submission(ctx, id)
}

// markPublished records, inside the import that publishes it, that a
// submission is published as upload up.
func markPublished(ctx context.Context, tx *sqlx.Tx, p Publication, up domain.Upload) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE submissions SET state = ?, reviewed_by = ?, reviewed_at = ?, upload_id = ?
		WHERE id = ? AND state = ?`), domain.Published, p.By, up.CreatedAt, up.ID, p.SubmissionID, domain.Submitted)
	if err != nil {
		return fmt.Errorf("store: publish submission %d: %w", p.SubmissionID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ErrConflict, "submission %d is no longer waiting for review", p.SubmissionID)
	}
	return nil
}

// AddComment adds a comment to a submission.
func (s *Store) AddComment(ctx context.Context, c domain.Comment) (domain.Comment, error) {
	if err := domain.ValidateComment(c.Body); err != nil {
		return c, err
	}
	if _, err := s.Submission(ctx, c.SubmissionID); err != nil {
		return c, err
	}
	c.At = s.now()
	if err := s.db.GetContext(ctx, &c.ID, s.db.Rebind(`INSERT INTO submission_comments (submission_id, at, author, body)
		VALUES (?, ?, ?, ?) RETURNING id`), c.SubmissionID, c.At, c.Author, c.Body); err != nil {
		return c, full(fmt.Errorf("store: comment: %w", err))
	}
	return c, nil
}

// Comments lists a submission's comments, oldest first.
func (s *Store) Comments(ctx context.Context, submissionID int64) ([]domain.Comment, error) {
	out := []domain.Comment{}
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT id, submission_id, at, author, body FROM submission_comments
		WHERE submission_id = ? ORDER BY id`), submissionID); err != nil {
		return nil, fmt.Errorf("store: comments of %d: %w", submissionID, err)
	}
	return out, nil
}

// ImportLockKey is the advisory lock every import holds on PostgreSQL, for
// tests that play an import in progress.
const ImportLockKey = importLockKey
