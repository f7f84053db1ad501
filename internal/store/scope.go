package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// checkScope fails with a *domain.ScopeError naming every region and plan
// of scope that is not in the catalogue. The nation (domain.NationalCode)
// is always known: it covers every region whether or not it is listed.
func (s *Store) checkScope(ctx context.Context, q sqlx.QueryerContext, scope domain.Scope) error {
	var bad domain.ScopeError
	var err error
	regions := slices.DeleteFunc(slices.Clone(scope.Territory), func(c string) bool { return c == domain.NationalCode })
	if bad.Regions, err = s.missingCodes(ctx, q, "regions", regions); err != nil {
		return err
	}
	if bad.Plans, err = s.missingCodes(ctx, q, "plans", scope.Plans); err != nil {
		return err
	}
	if len(bad.Regions)+len(bad.Plans) > 0 {
		return &bad
	}
	return nil
}

// missingCodes returns the codes that table (regions or plans, whose key
// is code) lacks, in their order.
func (s *Store) missingCodes(ctx context.Context, q sqlx.QueryerContext, table string, codes []string) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	query, args, err := sqlx.In(`SELECT code FROM `+table+` WHERE code IN (?)`, codes)
	if err != nil {
		return nil, fmt.Errorf("store: scope %s: %w", table, err)
	}
	var found []string
	if err := sqlx.SelectContext(ctx, q, &found, s.db.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("store: scope %s: %w", table, err)
	}
	var missing []string
	for _, c := range codes {
		if !slices.Contains(found, c) {
			missing = append(missing, c)
		}
	}
	return missing, nil
}
