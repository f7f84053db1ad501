package store

import (
	"context"
	"fmt"
	"time"

	"pantau/internal/domain"
)

// AuditEntry is one write: who (principal, with the user or token behind
// it), when, from where (IP, request id), what (action, object, detail)
// and how it ended (HTTP status; 0 for commands).
type AuditEntry struct {
	ID        int64     `json:"id" db:"id"`
	At        time.Time `json:"at" db:"at"`
	Principal string    `json:"principal" db:"principal"`
	UserID    *int64    `json:"user_id,omitempty" db:"user_id"`
	TokenID   *int64    `json:"token_id,omitempty" db:"token_id"`
	IP        string    `json:"ip" db:"ip"`
	RequestID string    `json:"request_id,omitempty" db:"request_id"`
	Method    string    `json:"method,omitempty" db:"method"`
	Route     string    `json:"route,omitempty" db:"route"`
	Status    int       `json:"status" db:"status"`
	Action    string    `json:"action" db:"action"`
	Object    string    `json:"object,omitempty" db:"object"`
	Detail    string    `json:"detail,omitempty" db:"detail"`
}

// AuditFor fills an entry's who from a principal.
func AuditFor(p domain.Principal) AuditEntry {
	e := AuditEntry{Principal: p.String()}
	if p.UserID != 0 {
		id := p.UserID
		e.UserID = &id
	}
	if p.TokenID != 0 {
		id := p.TokenID
		e.TokenID = &id
	}
	return e
}

// maxAuditDetail bounds the free text an entry keeps.
const maxAuditDetail = 2000

// Audit appends an entry to the audit log; its time is the store's clock.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	e.At = s.now()
	if len(e.Detail) > maxAuditDetail {
		e.Detail = e.Detail[:maxAuditDetail] + "…"
	}
	if _, err := s.db.NamedExecContext(ctx, `INSERT INTO audit_log (at, principal, user_id, token_id, ip, request_id, method, route, status, action, object, detail)
		VALUES (:at, :principal, :user_id, :token_id, :ip, :request_id, :method, :route, :status, :action, :object, :detail)`, e); err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditQuery selects audit entries, newest first: those with an id below
// Before (0: from the newest), at most Limit (0: all).
type AuditQuery struct {
	Before int64
	Limit  int
}

const auditColumns = `id, at, principal, user_id, token_id, ip, request_id, method, route, status, action, object, detail`

// AuditLog returns a page of the audit log, newest first.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	out := []AuditEntry{}
	err := s.EachAudit(ctx, q, func(e AuditEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// auditPage is how many entries EachAudit reads at a time.
const auditPage = 500

// EachAudit calls fn for each selected entry, newest first, a page at a
// time: no cursor stays open while fn writes to a slow client (it would
// hold a connection, and on SQLite a read snapshot that keeps the WAL from
// being checkpointed), and an export of the whole log holds one page.
func (s *Store) EachAudit(ctx context.Context, q AuditQuery, fn func(AuditEntry) error) error {
	left := q.Limit
	before := q.Before
	for {
		n := auditPage
		if q.Limit > 0 && left < n {
			n = left
		}
		if n == 0 {
			return nil
		}
		var page []AuditEntry
		if err := s.db.SelectContext(ctx, &page, s.db.Rebind(`SELECT `+auditColumns+` FROM audit_log WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`),
			before, before, n); err != nil {
			return fmt.Errorf("store: audit log: %w", err)
		}
		for _, e := range page {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(page) < n {
			return nil
		}
		before = page[len(page)-1].ID
		left -= len(page)
	}
}

// AuditHead returns the newest audit entry's id (0 when the log is
// empty): entries are only ever appended, so it names the log's state.
func (s *Store) AuditHead(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.GetContext(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM audit_log`); err != nil {
		return 0, fmt.Errorf("store: audit head: %w", err)
	}
	return id, nil
}
