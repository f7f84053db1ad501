package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"pantau/internal/domain"
)

// Token is an agency's API credential. The secret itself is shown once, when
// it is created, and never stored.
type Token struct {
	ID         int64      `json:"id" db:"id"`
	AgencyCode string     `json:"agency" db:"agency_code"`
	Label      string     `json:"label,omitempty" db:"label"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" db:"last_used_at"`
	// Territory and Plans are the token's domain.Scope, as stored.
	Territory string `json:"territory,omitempty" db:"territory"`
	Plans     string `json:"plans,omitempty" db:"plans"`
}

// Scope is where the token may write.
func (t Token) Scope() domain.Scope { return domain.ScopeOf(t.Territory, t.Plans) }

const tokenColumns = `id, agency_code, label, created_at, last_used_at, territory, plans`

// tokenPrefix makes Pantau tokens recognisable (in logs, secret scanners).
const tokenPrefix = "pantau_"

// hashToken is what the tokens table keeps. A token carries 256 random
// bits, so a fast unsalted SHA-256 is enough: there is nothing to
// brute-force, unlike a password, and lookups by hash stay indexed. For the
// same reason comparing hashes needs no constant-time care.
func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// MaxTokenLabel bounds a token's label (what it is for: "import script").
const MaxTokenLabel = 200

// CreateToken makes a new token for an agency and returns its secret, which
// is not stored and cannot be shown again.
func (s *Store) CreateToken(ctx context.Context, agencyCode, label string) (string, Token, error) {
	return s.CreateScopedToken(ctx, agencyCode, label, domain.Scope{})
}

// CreateScopedToken is CreateToken for a token that writes only within
// scope (its regions, its plans).
func (s *Store) CreateScopedToken(ctx context.Context, agencyCode, label string, scope domain.Scope) (string, Token, error) {
	label = strings.TrimSpace(label)
	if utf8.RuneCountInString(label) > MaxTokenLabel || !utf8.ValidString(label) {
		return "", Token{}, domain.Errorf(domain.ErrInvalid, "the label may have at most %d characters of valid UTF-8", MaxTokenLabel)
	}
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT count(*) FROM agencies WHERE code = ?`), agencyCode); err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	if n == 0 {
		return "", Token{}, domain.Errorf(domain.ErrNotFound, "agency %q not found", agencyCode)
	}
	if err := s.checkScope(ctx, s.db, scope); err != nil {
		return "", Token{}, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t := Token{AgencyCode: agencyCode, Label: label, CreatedAt: s.now(), Territory: scope.TerritoryText(), Plans: scope.PlansText()}
	if err := s.db.GetContext(ctx, &t.ID, s.db.Rebind(`INSERT INTO tokens (agency_code, hash, label, created_at, territory, plans) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		agencyCode, hashToken(secret), label, t.CreatedAt, t.Territory, t.Plans); err != nil {
		return "", Token{}, fmt.Errorf("store: create token: %w", err)
	}
	return secret, t, nil
}

// TokenActive reports whether the token with this id exists and is not
// revoked.
func (s *Store) TokenActive(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT count(*) FROM tokens WHERE id = ? AND revoked_at IS NULL`), id); err != nil {
		return false, fmt.Errorf("store: token %d: %w", id, err)
	}
	return n == 1, nil
}

// tokenTouchInterval limits last_used_at writes to one a minute per token:
// every API call writing a row would queue behind imports on SQLite.
const tokenTouchInterval = time.Minute

// Authenticate returns the token whose secret this is, and notes its use.
// An unknown or malformed secret is ErrUnauthorized.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Token{}, domain.Errorf(domain.ErrUnauthorized, "invalid token")
	}
	var t Token
	err := s.db.GetContext(ctx, &t, s.db.Rebind(`SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`), hashToken(secret))
	if isNoRows(err) {
		return Token{}, domain.Errorf(domain.ErrUnauthorized, "invalid token")
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: authenticate: %w", err)
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchInterval {
		tctx, cancel := context.WithTimeout(ctx, touchTimeout)
		defer cancel()
		_, err := s.db.ExecContext(tctx, s.db.Rebind(`UPDATE tokens SET last_used_at = ? WHERE id = ?`), now, t.ID)
		switch {
		case err == nil:
			t.LastUsedAt = &now
		case !isFull(err):
			return t, fmt.Errorf("%w: token %d: %w", ErrTouch, t.ID, err)
		}
		// On a full database the touch is skipped (it is bookkeeping, tried
		// again on the next request): the token still works, and the
		// request's own write, if any, fails with ErrFull.
	}
	return t, nil
}

// Tokens lists an agency's tokens (never their secrets).
func (s *Store) Tokens(ctx context.Context, agencyCode string) ([]Token, error) {
	out := []Token{}
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT `+tokenColumns+` FROM tokens
		WHERE agency_code = ? ORDER BY id`), agencyCode); err != nil {
		return nil, fmt.Errorf("store: tokens of %s: %w", agencyCode, err)
	}
	return out, nil
}
