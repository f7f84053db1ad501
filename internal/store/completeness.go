package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Presence says that a region has a total (not disaggregated) value of an
// indicator for a year, and its status.
type Presence struct {
	IndicatorCode string        `db:"indicator_code"`
	RegionCode    string        `db:"region_code"`
	Year          int           `db:"year"`
	Status        domain.Status `db:"status"`
}

// Presences lists, for the given regions, every total value stored, all
// years: what the completeness matrix is built from.
func (s *Store) Presences(ctx context.Context, regionCodes []string) ([]Presence, error) {
	out := []Presence{}
	if len(regionCodes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT indicator_code, region_code, year, status FROM observations
		WHERE region_code IN (?) AND disagg = '' ORDER BY indicator_code, region_code, year`, regionCodes)
	if err != nil {
		return nil, fmt.Errorf("store: presences: %w", err)
	}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: presences: %w", err)
	}
	return out, nil
}

// TargetedSeries lists the (indicator, region) pairs of the given regions
// that some plan sets a target for.
func (s *Store) TargetedSeries(ctx context.Context, regionCodes []string) ([][2]string, error) {
	var out [][2]string
	if len(regionCodes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT DISTINCT indicator_code, region_code FROM targets WHERE region_code IN (?) ORDER BY indicator_code, region_code`, regionCodes)
	if err != nil {
		return nil, fmt.Errorf("store: targeted series: %w", err)
	}
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: targeted series: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, fmt.Errorf("store: targeted series: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
