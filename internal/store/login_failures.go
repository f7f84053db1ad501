package store

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/jmoiron/sqlx"
)

// Failed logins are counted per account and source (login_failures): a
// stranger guessing at the administrator's password locks only their own
// address out of that account, for a time that doubles with each further
// failure (LockoutDelay), while the administrator, from anywhere else,
// still logs in. users.failed_logins keeps counting every failure since
// the last success, from any source, for the administrators' notice.

// loginSource is the source failures are counted for: the client's IPv4
// address, or the /64 of an IPv6 one (a single host may hold a whole /64
// and pick a new address for every attempt). An unparsable address counts
// as itself.
func loginSource(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// lockedOut reports whether source is locked out of the account now.
func (s *Store) lockedOut(ctx context.Context, userID int64, source string, now time.Time) (bool, error) {
	var until []time.Time
	if err := s.db.SelectContext(ctx, &until, s.db.Rebind(`SELECT locked_until FROM login_failures WHERE user_id = ? AND source = ? AND locked_until IS NOT NULL`),
		userID, source); err != nil {
		return false, fmt.Errorf("store: login: lockout: %w", err)
	}
	return len(until) > 0 && now.Before(until[0]), nil
}

// loginFailed counts a failure of source and, past the threshold, locks
// that source out of the account.
func (s *Store) loginFailed(ctx context.Context, userID int64, source string, now time.Time) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`INSERT INTO login_failures (user_id, source, failures, last_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (user_id, source) DO UPDATE SET failures = login_failures.failures + 1, last_at = excluded.last_at
			RETURNING failures`), userID, source, now); err != nil {
			return fmt.Errorf("store: login failed: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?`), userID); err != nil {
			return fmt.Errorf("store: login failed: %w", err)
		}
		if n < LockoutThreshold {
			return nil
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE login_failures SET locked_until = ? WHERE user_id = ? AND source = ?`),
			now.Add(LockoutDelay(n)), userID, source); err != nil {
			return fmt.Errorf("store: login failed: %w", err)
		}
		return nil
	})
}

// loginSucceeded clears the source's failures and records the login.
func (s *Store) loginSucceeded(ctx context.Context, userID int64, source string, now time.Time) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM login_failures WHERE user_id = ? AND source = ?`), userID, source); err != nil {
			return fmt.Errorf("store: login: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?`), now, userID); err != nil {
			return fmt.Errorf("store: login: %w", err)
		}
		return nil
	})
}

// clearLockouts lifts every lockout of an account (a new password).
func clearLockouts(ctx context.Context, tx *sqlx.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM login_failures WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("store: lift lockouts: %w", err)
	}
	return nil
}

// Lockout is a source locked out of an account, for the administrators'
// notice.
type Lockout struct {
	UserID      int64     `db:"user_id"`
	Email       string    `db:"email"`
	Source      string    `db:"source"`
	Failures    int       `db:"failures"`
	LockedUntil time.Time `db:"locked_until"`
}

// Lockouts lists the sources locked out of an account now, the latest
// lock first.
func (s *Store) Lockouts(ctx context.Context) ([]Lockout, error) {
	var all []Lockout
	if err := s.rdb.SelectContext(ctx, &all, `SELECT f.user_id, u.email, f.source, f.failures, f.locked_until
		FROM login_failures f JOIN users u ON u.id = f.user_id WHERE f.locked_until IS NOT NULL ORDER BY f.locked_until DESC`); err != nil {
		return nil, fmt.Errorf("store: lockouts: %w", err)
	}
	// Compared here, not in SQL: SQLite keeps times as text.
	now := s.now()
	out := all[:0]
	for _, l := range all {
		if now.Before(l.LockedUntil) {
			out = append(out, l)
		}
	}
	return out, nil
}
