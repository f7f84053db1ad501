package store

import (
	"context"
	"fmt"
	"strings"

	"pantau/internal/domain"
)

// SearchRegions finds up to limit regions whose name contains q (any
// case), or whose Kemendagri or current BPS code starts with it: what an
// administrator types to find a kecamatan among thousands. Shallower
// regions come first, then by code.
func (s *Store) SearchRegions(ctx context.Context, q string, limit int) ([]domain.Region, error) {
	q = strings.TrimSpace(q)
	out := []domain.Region{}
	if q == "" {
		return out, nil
	}
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q))
	// LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
	query := regionSelect + ` WHERE LOWER(r.name) LIKE ? ESCAPE '\' OR r.code LIKE ? ESCAPE '\' OR b.bps_code LIKE ? ESCAPE '\'
		ORDER BY LENGTH(r.code), r.code LIMIT ?`
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(query), true, "%"+esc+"%", esc+"%", esc+"%", limit); err != nil {
		return nil, fmt.Errorf("store: search regions %q: %w", q, err)
	}
	return out, nil
}
