package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Data versions. Every accepted upload is a data version (its id). The
// current tables hold the newest value of every key and the upload that set
// it; the revision tables hold every value an upload replaced, with the
// upload that had set it (old_upload_id) and the upload that replaced it
// (upload_id). So the value of a key at version v is a query, not a copy:
//
//   - the current row, when its upload_id ≤ v (nothing replaced it since);
//   - otherwise the old value of the key's first revision after v (the one
//     with the smallest upload_id > v), when that old value was set at or
//     before v (old_upload_id ≤ v);
//   - otherwise nothing: the key did not exist yet at v.
//
// Uploads never delete values, so no other case exists. The two branches
// never both match one key: a current row with upload_id ≤ v has no
// revision after v, because every revision moved the current row's
// upload_id to its own.

// obsAtSQL selects the observations matching pred (written against alias
// k, over columns both tables share) as they were at a version. Its
// arguments are: pred's, v, pred's, v, v.
const obsAtSQL = `SELECT k.indicator_code, k.region_code, k.disagg, k.year, k.value, k.status, k.series_break, k.note,
	k.upload_id, k.updated_at, COALESCE(k.source_line, 0) AS source_line
FROM observations k WHERE %[1]s AND k.upload_id <= ?
UNION ALL
SELECT k.indicator_code, k.region_code, k.disagg, k.year, k.old_value, k.old_status, k.old_break, k.old_note,
	k.old_upload_id, COALESCE(u.created_at, k.changed_at), COALESCE(k.old_source_line, 0)
FROM observation_revisions k LEFT JOIN uploads u ON u.id = k.old_upload_id
WHERE %[1]s AND k.old_upload_id <= ?
	AND k.upload_id = (SELECT MIN(r.upload_id) FROM observation_revisions r
		WHERE r.indicator_code = k.indicator_code AND r.region_code = k.region_code AND r.disagg = k.disagg
		AND r.year = k.year AND r.upload_id > ?)`

// targetsAtSQL is obsAtSQL for plan targets (revisions keyed the same way,
// plus the plan). Its arguments are: pred's, v, pred's, v, v.
const targetsAtSQL = `SELECT k.plan_code, k.indicator_code, k.region_code, k.disagg, k.year, k.low, k.high, k.note, k.upload_id
FROM targets k WHERE %[1]s AND k.upload_id <= ?
UNION ALL
SELECT k.plan_code, k.indicator_code, k.region_code, k.disagg, k.year, k.old_low, k.old_high, k.old_note, k.old_upload_id
FROM target_revisions k
WHERE %[1]s AND k.old_upload_id <= ?
	AND k.upload_id = (SELECT MIN(r.upload_id) FROM target_revisions r
		WHERE r.plan_code = k.plan_code AND r.indicator_code = k.indicator_code AND r.region_code = k.region_code
		AND r.disagg = k.disagg AND r.year = k.year AND r.upload_id > ?)`

// atArgs repeats a predicate's arguments for both branches of a version query.
func atArgs(v int64, pred ...any) []any {
	args := append([]any{}, pred...)
	args = append(args, v)
	args = append(args, pred...)
	return append(args, v, v)
}

// ObservationsAt returns the observations of one indicator in one region
// (every disaggregation) as they stood at data version v, ordered by
// disaggregation and year. Each keeps the upload that had set its value.
func (s *Store) ObservationsAt(ctx context.Context, indicatorCode, regionCode string, v int64) ([]domain.Observation, error) {
	out := []domain.Observation{}
	q := fmt.Sprintf(obsAtSQL, `k.indicator_code = ? AND k.region_code = ?`) + ` ORDER BY 3, 4`
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), atArgs(v, indicatorCode, regionCode)...); err != nil {
		return nil, fmt.Errorf("store: observations %s/%s at version %d: %w", indicatorCode, regionCode, v, err)
	}
	return out, nil
}

// SeriesAt is Series as it stood at data version v: observations and
// targets through their history. The catalogue (names, units, plans) is
// not versioned and is today's. A v at or after the current version gives
// the current series.
func (s *Store) SeriesAt(ctx context.Context, indicatorCode, regionCode string, v int64) (Series, error) {
	cur, err := s.DataVersion(ctx)
	if err != nil {
		return Series{}, err
	}
	if v <= 0 || v >= cur {
		return s.Series(ctx, indicatorCode, regionCode)
	}
	var out Series
	if out.Indicator, err = s.Indicator(ctx, indicatorCode); err != nil {
		return out, err
	}
	if out.Region, err = s.Region(ctx, regionCode); err != nil {
		return out, err
	}
	if out.Observations, err = s.ObservationsAt(ctx, indicatorCode, regionCode, v); err != nil {
		return out, err
	}
	regions := domain.AncestryOfCode(regionCode)
	pred, predArgs, err := sqlx.In(`k.indicator_code = ? AND k.region_code IN (?)`, indicatorCode, regions)
	if err != nil {
		return out, fmt.Errorf("store: series targets at version: %w", err)
	}
	out.Targets = []domain.Target{}
	q := fmt.Sprintf(targetsAtSQL, pred) + ` ORDER BY 1, 4, 5`
	if err := s.rdb.SelectContext(ctx, &out.Targets, s.rdb.Rebind(q), atArgs(v, predArgs...)...); err != nil {
		return out, fmt.Errorf("store: series targets %s/%s at version %d: %w", indicatorCode, regionCode, v, err)
	}
	out.Plans, err = s.plansOf(ctx, out.Targets)
	return out, err
}

// ChildObservationsAt is ChildObservations as it stood at data version v;
// v ≤ 0, or a v at or after the current version, means now.
func (s *Store) ChildObservationsAt(ctx context.Context, indicatorCode, parent string, v int64) ([]domain.Observation, error) {
	if v <= 0 {
		return s.ChildObservations(ctx, indicatorCode, parent)
	}
	if cur, err := s.DataVersion(ctx); err != nil {
		return nil, err
	} else if v >= cur {
		return s.ChildObservations(ctx, indicatorCode, parent)
	}
	out := []domain.Observation{}
	children, err := s.childCodes(ctx, parent)
	if err != nil || len(children) == 0 {
		return out, err
	}
	pred, predArgs, err := sqlx.In(`k.indicator_code = ? AND k.disagg = '' AND k.region_code IN (?)`, indicatorCode, children)
	if err != nil {
		return nil, fmt.Errorf("store: child observations at version: %w", err)
	}
	q := fmt.Sprintf(obsAtSQL, pred) + ` ORDER BY 4, 2`
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), atArgs(v, predArgs...)...); err != nil {
		return nil, fmt.Errorf("store: child observations %s/%s at version %d: %w", indicatorCode, parent, v, err)
	}
	return out, nil
}

// VersionTime is when data version v was made: the time of the newest
// upload with an id ≤ v. ErrNotFound when no upload is that old.
func (s *Store) VersionTime(ctx context.Context, v int64) (time.Time, error) {
	var t time.Time
	err := s.rdb.GetContext(ctx, &t, s.rdb.Rebind(`SELECT created_at FROM uploads WHERE id <= ? ORDER BY id DESC LIMIT 1`), v)
	if err != nil {
		if isNoRows(err) {
			return t, domain.Errorf(domain.ErrNotFound, "no data version %d", v)
		}
		return t, fmt.Errorf("store: version time %d: %w", v, err)
	}
	return t.UTC(), nil
}

// DataVersion is the id of the latest accepted upload (0 when none).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.GetContext(ctx, &v, `SELECT COALESCE(MAX(id), 0) FROM uploads`); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}
