package store

import (
	"context"
	"fmt"

	"pantau/internal/domain"
)

// RegionsWithData lists the regions that have at least one observation of
// the indicator, by code: the choices of an indicator page's region selector.
func (s *Store) RegionsWithData(ctx context.Context, indicatorCode string) ([]domain.Region, error) {
	out := []domain.Region{}
	// OFFSET 0 keeps PostgreSQL from turning the EXISTS into a join with
	// observations, a view (the newest of each key's versions, migration
	// 00006) that a join cannot narrow: it would read every version of the
	// indicator. As a subquery per region it reads that region's index range.
	err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(regionSelect+`
		WHERE EXISTS (SELECT 1 FROM observations o WHERE o.region_code = r.code AND o.indicator_code = ? LIMIT 1 OFFSET 0) ORDER BY r.code`),
		true, indicatorCode)
	if err != nil {
		return nil, fmt.Errorf("store: regions with %s: %w", indicatorCode, err)
	}
	return out, nil
}
