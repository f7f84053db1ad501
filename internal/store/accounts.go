package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"pantau/internal/domain"
)

// Session lifetimes: a session ends 12 hours after login, or after two
// hours without a request, whichever comes first.
const (
	SessionLifetime = 12 * time.Hour
	SessionIdle     = 2 * time.Hour
)

// Lockout: after LockoutThreshold consecutive failed logins from one source
// (login_failures.go) the account refuses further attempts from that
// source for LockoutBase, doubling with every further failure up to
// LockoutMax. A successful login from the source resets its count.
const (
	LockoutThreshold = 5
	LockoutBase      = time.Minute
	LockoutMax       = time.Hour
)

// sessionTouchInterval limits last_seen_at writes to one a minute per
// session, as for tokens.
const sessionTouchInterval = time.Minute

// bcryptCost is the work factor of password hashes.
var bcryptCost = bcrypt.DefaultCost

// dummyHash is compared against when an address has no account, so that a
// failed login takes as long whether or not the account exists.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("pantau-no-such-account"), bcrypt.DefaultCost)

// errBadLogin is the one answer to a failed login: it does not say whether
// the address exists, the password was wrong or the account is locked.
var errBadLogin = domain.Errorf(domain.ErrUnauthorized, "wrong email or password, or the account is locked for a while after repeated failures")

// ErrBadLogin reports whether err is a refused login (as opposed to a
// database failure).
func ErrBadLogin(err error) bool { return errors.Is(err, errBadLogin) }

const userColumns = `id, email, name, role, COALESCE(agency_code, '') AS agency_code, created_at, disabled, last_login_at, territory, plans`

// CreateUser stores a new account with a bcrypt hash of password.
// ErrConflict when the address is taken, ErrNotFound for an unknown agency.
func (s *Store) CreateUser(ctx context.Context, u domain.User, password string) (domain.User, error) {
	u.Email = domain.NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	scope, err := domain.ParseScope(u.Territory, u.Plans)
	if err != nil {
		return u, err
	}
	u.Territory, u.Plans = scope.TerritoryText(), scope.PlansText()
	if err := u.Validate(); err != nil {
		return u, err
	}
	if err := domain.ValidatePassword(password); err != nil {
		return u, err
	}
	if err := s.checkScope(ctx, s.db, scope); err != nil {
		return u, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return u, fmt.Errorf("store: create user: hash: %w", err)
	}
	agency, err := s.userAgency(ctx, s.db, u)
	if err != nil {
		return u, err
	}
	var taken int
	if err := s.db.GetContext(ctx, &taken, s.db.Rebind(`SELECT count(*) FROM users WHERE email = ?`), u.Email); err != nil {
		return u, fmt.Errorf("store: create user: %w", err)
	}
	if taken > 0 {
		return u, domain.Errorf(domain.ErrConflict, "an account for %s exists already", u.Email)
	}
	u.CreatedAt = s.now()
	err = s.db.GetContext(ctx, &u.ID, s.db.Rebind(`INSERT INTO users (email, name, role, agency_code, password_hash, created_at, password_changed_at, territory, plans)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), u.Email, u.Name, u.Role, agency, string(hash), u.CreatedAt, u.CreatedAt, u.Territory, u.Plans)
	if err != nil {
		// Two creations racing on one address: the unique index decides.
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return u, domain.Errorf(domain.ErrConflict, "an account for %s exists already", u.Email)
		}
		return u, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// User returns one account.
func (s *Store) User(ctx context.Context, id int64) (domain.User, error) {
	var u domain.User
	err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id)
	if err != nil {
		return u, notFound(err, "user %d not found", id)
	}
	return u, nil
}

// Users lists every account, oldest first.
func (s *Store) Users(ctx context.Context) ([]domain.User, error) {
	out := []domain.User{}
	if err := s.db.SelectContext(ctx, &out, `SELECT `+userColumns+` FROM users ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// Session is a logged-in browser. The secret in its cookie is not kept.
type Session struct {
	IDHash     string    `db:"id_hash"`
	UserID     int64     `db:"user_id"`
	CSRF       string    `db:"csrf"`
	CreatedAt  time.Time `db:"created_at"`
	ExpiresAt  time.Time `db:"expires_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	IP         string    `db:"ip"`
}

// randomSecret returns 32 random bytes, URL-safe base64 encoded.
func randomSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashSecret is what the sessions table keeps of a cookie: like a token,
// it carries 256 random bits, so a plain SHA-256 suffices.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Login checks an address and password and opens a session. Every refusal
// is the same ErrUnauthorized (see ErrBadLogin); repeated failures lock the
// account for a growing time, during which even the right password fails.
func (s *Store) Login(ctx context.Context, email, password, ip string) (string, Session, domain.User, error) {
	email = domain.NormalizeEmail(email)
	var row struct {
		domain.User
		Hash string `db:"password_hash"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`), email)
	if isNoRows(err) {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", Session{}, domain.User{}, errBadLogin
	}
	if err != nil {
		return "", Session{}, domain.User{}, fmt.Errorf("store: login: %w", err)
	}
	now := s.now()
	source := loginSource(ip)
	locked, err := s.lockedOut(ctx, row.ID, source, now)
	if err != nil {
		return "", Session{}, domain.User{}, err
	}
	if locked {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", Session{}, domain.User{}, errBadLogin
	}
	if bcrypt.CompareHashAndPassword([]byte(row.Hash), []byte(password)) != nil || row.Disabled {
		if err := s.loginFailed(ctx, row.ID, source, now); err != nil {
			return "", Session{}, domain.User{}, err
		}
		return "", Session{}, domain.User{}, errBadLogin
	}
	if err := s.loginSucceeded(ctx, row.ID, source, now); err != nil {
		return "", Session{}, domain.User{}, err
	}
	row.User.LastLoginAt = &now
	secret, sess, err := s.CreateSession(ctx, row.ID, ip)
	return secret, sess, row.User, err
}

// LockoutDelay is how long a source stays locked out of an account after n
// consecutive failures (0 below the threshold).
func LockoutDelay(n int) time.Duration {
	if n < LockoutThreshold {
		return 0
	}
	d := LockoutBase
	for i := LockoutThreshold; i < n && d < LockoutMax; i++ {
		d *= 2
	}
	return min(d, LockoutMax)
}

// CreateSession opens a session for a user and returns the cookie secret,
// which is not stored.
func (s *Store) CreateSession(ctx context.Context, userID int64, ip string) (string, Session, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	csrf, err := randomSecret()
	if err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	now := s.now()
	sess := Session{IDHash: hashSecret(secret), UserID: userID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime), LastSeenAt: now, IP: ip}
	if _, err := s.db.NamedExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, last_seen_at, ip)
		VALUES (:id_hash, :user_id, :csrf, :created_at, :expires_at, :last_seen_at, :ip)`, sess); err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	// Expired sessions are swept as new ones are made: no background job.
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE user_id = ? AND id_hash <> ? AND (expires_at < ? OR last_seen_at < ?)`),
		userID, sess.IDHash, now, now.Add(-SessionIdle)); err != nil {
		return "", Session{}, fmt.Errorf("store: create session: sweep: %w", err)
	}
	return secret, sess, nil
}

// SessionUser returns the live session a cookie secret opens, with its
// user. An unknown, expired or idle session, or a disabled account, is
// ErrUnauthorized.
func (s *Store) SessionUser(ctx context.Context, secret string) (Session, domain.User, error) {
	var sess Session
	err := s.db.GetContext(ctx, &sess, s.db.Rebind(`SELECT id_hash, user_id, csrf, created_at, expires_at, last_seen_at, ip FROM sessions WHERE id_hash = ?`), hashSecret(secret))
	if isNoRows(err) {
		return sess, domain.User{}, domain.Errorf(domain.ErrUnauthorized, "not logged in")
	}
	if err != nil {
		return sess, domain.User{}, fmt.Errorf("store: session: %w", err)
	}
	// Compared here, not in SQL: SQLite keeps times as text.
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= SessionIdle {
		return sess, domain.User{}, domain.Errorf(domain.ErrUnauthorized, "the session has expired; log in again")
	}
	u, err := s.User(ctx, sess.UserID)
	if err != nil {
		return sess, u, err
	}
	if u.Disabled {
		return sess, u, domain.Errorf(domain.ErrUnauthorized, "the account is disabled")
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchInterval {
		tctx, cancel := context.WithTimeout(ctx, touchTimeout)
		defer cancel()
		_, err := s.db.ExecContext(tctx, s.db.Rebind(`UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`), now, sess.IDHash)
		switch {
		case err == nil:
			sess.LastSeenAt = now
		case !isFull(err):
			// A busy or failing database must not make a read fail: the
			// session is good, the caller logs the touch.
			return sess, u, fmt.Errorf("%w: session: %w", ErrTouch, err)
		}
		// A full database must not log people out of reading: the touch
		// is skipped and tried again on the next request.
	}
	return sess, u, nil
}

// DeleteSession ends the session a cookie secret opens (logout). Ending an
// unknown session is not an error.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE id_hash = ?`), hashSecret(secret)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// ChangePassword replaces a user's password after checking the current one,
// and ends all of the user's sessions: whoever knew the old password is
// logged out everywhere. The caller opens a fresh session.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	var hash string
	if err := s.db.GetContext(ctx, &hash, s.db.Rebind(`SELECT password_hash FROM users WHERE id = ?`), userID); err != nil {
		return notFound(err, "user %d not found", userID)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return domain.Errorf(domain.ErrForbidden, "the current password is wrong")
	}
	if err := domain.ValidatePassword(next); err != nil {
		return err
	}
	if current == next {
		return domain.Errorf(domain.ErrInvalid, "the new password is the same as the current one")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(next), bcryptCost)
	if err != nil {
		return fmt.Errorf("store: change password: hash: %w", err)
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?`),
			string(h), s.now(), userID); err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("store: change password: end sessions: %w", err)
		}
		if err := clearLockouts(ctx, tx, userID); err != nil {
			return err
		}
		return nil
	})
}

// TokenStatus is a token as administrators see it: with its last use and,
// once revoked, when and by whom.
type TokenStatus struct {
	Token
	RevokedAt *time.Time `json:"revoked_at,omitempty" db:"revoked_at"`
	RevokedBy string     `json:"revoked_by,omitempty" db:"revoked_by"`
}

// AllTokens lists every token (never a secret), of one agency when agency
// is set, newest first.
func (s *Store) AllTokens(ctx context.Context, agency string) ([]TokenStatus, error) {
	out := []TokenStatus{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT `+tokenColumns+`, revoked_at, revoked_by
		FROM tokens WHERE (? = '' OR agency_code = ?) ORDER BY id DESC`), agency, agency)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return out, nil
}

// RevokeToken makes a token unusable at once. Its hash is replaced, so the
// secret matches nothing any more (Authenticate needs no change); the row
// stays, with who revoked it. Revoking twice is not an error.
func (s *Store) RevokeToken(ctx context.Context, id int64, by string) (TokenStatus, error) {
	var t TokenStatus
	get := func() error {
		return s.db.GetContext(ctx, &t, s.db.Rebind(`SELECT `+tokenColumns+`, revoked_at, revoked_by FROM tokens WHERE id = ?`), id)
	}
	if err := get(); err != nil {
		return t, notFound(err, "token %d not found", id)
	}
	if t.RevokedAt != nil {
		return t, nil
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE tokens SET hash = ?, revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL`),
		"revoked:"+strconv.FormatInt(id, 10), s.now(), by, id); err != nil {
		return t, fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if err := get(); err != nil {
		return t, fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	return t, nil
}

// userAgency checks that an uploader's agency exists and returns the value
// for the agency_code column (NULL for the other roles).
func (s *Store) userAgency(ctx context.Context, q sqlx.QueryerContext, u domain.User) (*string, error) {
	if u.AgencyCode == "" {
		return nil, nil
	}
	var n int
	if err := sqlx.GetContext(ctx, q, &n, s.db.Rebind(`SELECT count(*) FROM agencies WHERE code = ?`), u.AgencyCode); err != nil {
		return nil, fmt.Errorf("store: agency %s: %w", u.AgencyCode, err)
	}
	if n == 0 {
		return nil, domain.Errorf(domain.ErrNotFound, "agency %q not found", u.AgencyCode)
	}
	return &u.AgencyCode, nil
}

// errLastAdmin refuses a change that would leave Pantau without an active
// administrator: nobody could manage accounts from the web any more.
var errLastAdmin = domain.Errorf(domain.ErrConflict, "this is the last active administrator: make another account administrator first")

// ErrLastAdmin reports whether err is UpdateUser's refusal to leave no
// active administrator (as opposed to another conflict).
func ErrLastAdmin(err error) bool { return errors.Is(err, errLastAdmin) }

// keepAnAdmin fails with errLastAdmin unless an active administrator other
// than the account id remains. On PostgreSQL the active administrators'
// rows are locked first, all of them, so that two administrators demoting
// each other at the same moment cannot both succeed; SQLite runs one write
// transaction at a time (immediate transactions) and needs no lock.
func (s *Store) keepAnAdmin(ctx context.Context, tx *sqlx.Tx, id int64) error {
	q := `SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id`
	if s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, q); err != nil {
		return fmt.Errorf("store: active administrators: %w", err)
	}
	for _, other := range ids {
		if other != id {
			return nil
		}
	}
	return errLastAdmin
}

// UpdateUser applies an administrator's change to an account and returns
// the account before and after it. Disabling an account ends its sessions
// at once. A change that would leave no active administrator is
// ErrConflict; a scope naming a region or plan the catalogue lacks is a
// *domain.ScopeError. A changed scope holds from the account's next
// request: each request reads the account afresh.
func (s *Store) UpdateUser(ctx context.Context, id int64, ch domain.UserChange) (before, after domain.User, err error) {
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &before, tx.Rebind(`SELECT `+userColumns+` FROM users WHERE id = ?`), id); err != nil {
			return notFound(err, "user %d not found", id)
		}
		after, err = before.Apply(ch)
		if err != nil {
			return err
		}
		if before.ActiveAdmin() && !after.ActiveAdmin() {
			if err := s.keepAnAdmin(ctx, tx, id); err != nil {
				return err
			}
		}
		agency, err := s.userAgency(ctx, tx, after)
		if err != nil {
			return err
		}
		if err := s.checkScope(ctx, tx, domain.ScopeOf(after.Territory, after.Plans)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET name = ?, role = ?, agency_code = ?, disabled = ?, territory = ?, plans = ? WHERE id = ?`),
			after.Name, after.Role, agency, after.Disabled, after.Territory, after.Plans, id); err != nil {
			return fmt.Errorf("store: update user %d: %w", id, err)
		}
		if after.Disabled && !before.Disabled {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE user_id = ?`), id); err != nil {
				return fmt.Errorf("store: update user %d: end sessions: %w", id, err)
			}
		}
		return nil
	})
	return before, after, err
}

// SetPassword is an administrator's reset: the account gets password (the
// current one is not asked for), its lockout is lifted, and every session
// of it ends, so whoever held the old password is logged out.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := domain.ValidatePassword(password); err != nil {
		return err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("store: set password: hash: %w", err)
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?`),
			string(h), s.now(), userID)
		if err != nil {
			return fmt.Errorf("store: set password: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: set password: %w", err)
		} else if n == 0 {
			return domain.Errorf(domain.ErrNotFound, "user %d not found", userID)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("store: set password: end sessions: %w", err)
		}
		if err := clearLockouts(ctx, tx, userID); err != nil {
			return err
		}
		return nil
	})
}
