package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// TargetSource streams validated targets into emit; see ObservationSource.
type TargetSource func(emit func(domain.Target) error) (domain.Counts, error)

// ImportTargets stores plan targets with the same rules as observations: a
// changed target (a plan amendment) keeps its old value as a revision, an
// identical one writes nothing. Plans have tens of targets, not millions, so
// both engines take the row-by-row path.
func (s *Store) ImportTargets(ctx context.Context, up domain.Upload, src TargetSource, opts ImportOptions) (domain.Upload, error) {
	up.Kind = domain.UploadTargets
	err := s.importTx(ctx, &up, opts, func(tx *sqlx.Tx, _ *sql.Conn) (domain.Counts, error) {
		return s.upsertTargets(ctx, tx, up, src)
	})
	return up, full(err)
}

func (s *Store) upsertTargets(ctx context.Context, tx *sqlx.Tx, up domain.Upload, src TargetSource) (domain.Counts, error) {
	var c domain.Counts
	at := up.CreatedAt
	got, err := src(func(t domain.Target) error {
		var old domain.Target
		err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT low, high, note, upload_id FROM targets
			WHERE plan_code = ? AND indicator_code = ? AND region_code = ? AND disagg = ? AND year = ?`),
			t.PlanCode, t.IndicatorCode, t.RegionCode, string(t.Disagg), t.Year)
		switch {
		case isNoRows(err):
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO targets (plan_code, indicator_code, region_code, disagg, year, low, high,
				note, upload_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				t.PlanCode, t.IndicatorCode, t.RegionCode, string(t.Disagg), t.Year, t.Low, t.High, t.Note, up.ID, at); err != nil {
				return fmt.Errorf("store: import target: insert: %w", err)
			}
			c.New++
		case err != nil:
			return fmt.Errorf("store: import target: read old value: %w", err)
		case old.Low == t.Low && old.High == t.High && old.Note == t.Note:
			c.Unchanged++
		default:
			if old.UploadID == up.ID {
				return domain.Errorf(domain.ErrInvalid, "the upload names target %s/%s/%s/%d twice", t.PlanCode, t.IndicatorCode, t.RegionCode, t.Year)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO target_revisions (plan_code, indicator_code, region_code, disagg, year,
				old_low, old_high, old_note, old_upload_id, new_low, new_high, upload_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				t.PlanCode, t.IndicatorCode, t.RegionCode, string(t.Disagg), t.Year, old.Low, old.High, old.Note, old.UploadID,
				t.Low, t.High, up.ID, at); err != nil {
				return fmt.Errorf("store: import target: revision: %w", err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE targets SET low = ?, high = ?, note = ?, upload_id = ?, updated_at = ?
				WHERE plan_code = ? AND indicator_code = ? AND region_code = ? AND disagg = ? AND year = ?`),
				t.Low, t.High, t.Note, up.ID, at, t.PlanCode, t.IndicatorCode, t.RegionCode, string(t.Disagg), t.Year); err != nil {
				return fmt.Errorf("store: import target: update: %w", err)
			}
			c.Changed++
		}
		return nil
	})
	got.New, got.Changed, got.Unchanged = c.New, c.Changed, c.Unchanged
	return got, err
}

// TargetRevisions lists the amendments of one plan's targets for a series, oldest first.
func (s *Store) TargetRevisions(ctx context.Context, planCode, indicatorCode, regionCode string) ([]domain.Revision, error) {
	out := []domain.Revision{}
	err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(`SELECT r.plan_code, r.indicator_code, r.region_code, r.disagg, r.year,
		r.old_low AS old_value, r.old_high AS old_high, r.new_low AS new_value, r.new_high AS new_high, r.old_upload_id, r.upload_id,
		COALESCE(u.created_by, '') AS changed_by, r.changed_at
		FROM target_revisions r LEFT JOIN uploads u ON u.id = r.upload_id
		WHERE r.plan_code = ? AND r.indicator_code = ? AND r.region_code = ? ORDER BY r.id`), planCode, indicatorCode, regionCode)
	if err != nil {
		return nil, fmt.Errorf("store: target revisions %s/%s/%s: %w", planCode, indicatorCode, regionCode, err)
	}
	return out, nil
}

// StoredTargets looks up stored targets during a dry run (a preview of
// what a targets file would change). Targets files hold tens of rows, so
// each lookup is one query; the first error is kept and lookups then
// answer "not stored".
type StoredTargets struct {
	s   *Store
	ctx context.Context
	err error
}

// StoredTargets returns a lookup over the store's targets.
func (s *Store) StoredTargets(ctx context.Context) *StoredTargets {
	return &StoredTargets{s: s, ctx: ctx}
}

// Get returns the stored target of t's plan and key.
func (v *StoredTargets) Get(t domain.Target) (domain.Target, bool) {
	if v.err != nil {
		return domain.Target{}, false
	}
	var old domain.Target
	err := v.s.db.GetContext(v.ctx, &old, v.s.db.Rebind(`SELECT low, high, note, upload_id FROM targets
		WHERE plan_code = ? AND indicator_code = ? AND region_code = ? AND disagg = ? AND year = ?`),
		t.PlanCode, t.IndicatorCode, t.RegionCode, string(t.Disagg), t.Year)
	if isNoRows(err) {
		return old, false
	}
	if err != nil {
		v.err = fmt.Errorf("store: stored target %s/%s/%s/%d: %w", t.PlanCode, t.IndicatorCode, t.RegionCode, t.Year, err)
		return old, false
	}
	return old, true
}

// Err returns the first error a lookup met.
func (v *StoredTargets) Err() error { return v.err }

// TargetsIn returns every target set for the given regions.
func (s *Store) TargetsIn(ctx context.Context, regionCodes []string) ([]domain.Target, error) {
	q, args, err := sqlx.In(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets WHERE region_code IN (?) ORDER BY indicator_code, plan_code, disagg, year`, regionCodes)
	if err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
	}
	out := []domain.Target{}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
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
	return s.pairs(ctx, "targeted series", q, args)
}

// TargetShape is ObservationShape for plan targets.
func (s *Store) TargetShape(ctx context.Context, sel Selection) (ExportShape, error) {
	return s.shape(ctx, "targets", sel)
}

// ExportTargets calls fn for every selected target in key order (plan,
// indicator, region, disaggregation, year), from a database cursor.
func (s *Store) ExportTargets(ctx context.Context, sel Selection, fn func(domain.Target) error) error {
	where, args, err := sel.where()
	if err != nil {
		return err
	}
	rows, err := s.rdb.QueryxContext(ctx, s.rdb.Rebind(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets`+where+` ORDER BY plan_code, indicator_code, region_code, disagg, year`), args...)
	if err != nil {
		return fmt.Errorf("store: export targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t domain.Target
		if err := rows.StructScan(&t); err != nil {
			return fmt.Errorf("store: export targets: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export targets: %w", err)
	}
	return nil
}
