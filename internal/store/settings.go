package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Instance is the government an instance serves: its home region, which
// the home page, dashboards, embeds and name matching default to, and how
// the database was prepared.
type Instance struct {
	HomeRegion string    `json:"home_region" db:"home_region"`
	PreparedBy string    `json:"prepared_by" db:"prepared_by"`
	PreparedAt time.Time `json:"prepared_at" db:"prepared_at"`
}

// How a database was prepared.
const (
	PreparedByInit = "init"
	PreparedByDemo = "demo"
)

// Instance returns the instance's settings, or ErrNotFound for a database
// that was never prepared (neither `pantau init` nor the demo).
func (s *Store) Instance(ctx context.Context) (Instance, error) {
	var in Instance
	err := s.rdb.GetContext(ctx, &in, `SELECT home_region, prepared_by, prepared_at FROM instance_settings WHERE id = 1`)
	if err != nil {
		return in, notFound(err, "this database was never prepared: run pantau init --region CODE")
	}
	return in, nil
}

// HomeRegion returns the instance's home region, or ErrNotFound when the
// database was never prepared.
func (s *Store) HomeRegion(ctx context.Context) (string, error) {
	in, err := s.Instance(ctx)
	return in.HomeRegion, err
}

// SetInstance records the home region and how the database was prepared;
// the region must be stored. Setting the same values again changes
// nothing (not even the time).
func (s *Store) SetInstance(ctx context.Context, home, preparedBy string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT count(*) FROM regions WHERE code = ?`), home); err != nil {
			return wrap(err, "set instance")
		}
		if n == 0 {
			return domain.Errorf(domain.ErrNotFound, "home region %q is not in the catalogue", home)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO instance_settings (id, home_region, prepared_by, prepared_at) VALUES (1, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET home_region = excluded.home_region, prepared_by = excluded.prepared_by, prepared_at = excluded.prepared_at
			WHERE instance_settings.home_region <> excluded.home_region OR instance_settings.prepared_by <> excluded.prepared_by`),
			home, preparedBy, s.now())
		return wrap(err, "set instance")
	})
}
