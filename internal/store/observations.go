package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"pantau/internal/indicator"
)

// ObservationSource streams validated observations into emit, in file order.
// It returns the counts only it knows (missing, rejected); a non-nil error
// aborts the upload and nothing is written.
type ObservationSource func(emit func(indicator.Observation) error) (indicator.Counts, error)

// ImportOptions tune an import.
type ImportOptions struct {
	// DryRun computes the counts exactly as a real import would, then rolls
	// everything back.
	DryRun bool
}

// importLockKey serialises imports on PostgreSQL (pg_advisory_xact_lock):
// each import reads the values it replaces, and two concurrent imports of the
// same series would otherwise both record the same old value and lose the
// revision in between. SQLite's immediate transactions serialise writers.
const importLockKey = 0x70616e746175 // "pantau"

// ImportObservations stores an upload's observations all-or-nothing: new
// values are inserted, changed values are updated and their old value kept
// as a revision, identical values are left alone. Values the file does not
// mention are never deleted. It returns the upload with its id (the new data
// version) and counts.
func (s *Store) ImportObservations(ctx context.Context, up indicator.Upload, src ObservationSource, opts ImportOptions) (indicator.Upload, error) {
	up.Kind = indicator.UploadObservations
	err := s.importTx(ctx, &up, opts, func(tx *sqlx.Tx) (indicator.Counts, error) {
		if s.dialect == Postgres {
			return s.copyObservations(ctx, tx, up, src)
		}
		return s.upsertObservations(ctx, tx, up, src)
	})
	return up, err
}

// importTx runs one import: lock, upload row, the rows, the counts, then
// commit or (dry run, error) roll back.
func (s *Store) importTx(ctx context.Context, up *indicator.Upload, opts ImportOptions, write func(tx *sqlx.Tx) (indicator.Counts, error)) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: import: begin: %w", err)
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, importLockKey); err != nil {
			return fmt.Errorf("store: import: lock: %w", err)
		}
	}
	up.CreatedAt = s.now()
	if err := tx.GetContext(ctx, &up.ID, tx.Rebind(`INSERT INTO uploads (kind, agency_code, filename, created_by, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), up.Kind, up.AgencyCode, up.Filename, up.CreatedBy, up.CreatedAt); err != nil {
		return fmt.Errorf("store: import: upload row: %w", err)
	}
	counts, err := write(tx)
	up.Counts = counts
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET rows_new = ?, rows_changed = ?, rows_unchanged = ?, rows_missing = ?, rows_rejected = ?
		WHERE id = ?`), counts.New, counts.Changed, counts.Unchanged, counts.Missing, counts.Rejected, up.ID); err != nil {
		return fmt.Errorf("store: import: counts: %w", err)
	}
	if opts.DryRun {
		return nil // the deferred rollback undoes everything
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: import: commit: %w", err)
	}
	return nil
}

// copyObservations is PostgreSQL's fast path: COPY the rows into a temporary
// staging table, then one statement records revisions of changed values and
// upserts everything, skipping identical rows.
func (s *Store) copyObservations(ctx context.Context, tx *sqlx.Tx, up indicator.Upload, src ObservationSource) (indicator.Counts, error) {
	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE stage_observations (
		indicator_code TEXT NOT NULL, region_code TEXT NOT NULL, disagg TEXT NOT NULL, year INTEGER NOT NULL,
		value DOUBLE PRECISION NOT NULL, status TEXT, series_break BOOLEAN, note TEXT
	) ON COMMIT DROP`); err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: staging table: %w", err)
	}
	// lib/pq 1.12 deprecates pq.CopyIn; a prepared COPY … FROM STDIN is the same protocol.
	stmt, err := tx.PrepareContext(ctx, `COPY stage_observations (indicator_code, region_code, disagg, year, value, status, series_break, note) FROM STDIN`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: copy: %w", err)
	}
	defer stmt.Close()
	staged := 0
	counts, err := src(func(o indicator.Observation) error {
		staged++
		// NULL stands for an attribute the file did not carry; the merge keeps the stored one.
		var status, brk, note any = string(o.Status), o.Break, o.Note
		if o.Absent&indicator.AttrStatus != 0 {
			status = nil
		}
		if o.Absent&indicator.AttrBreak != 0 {
			brk = nil
		}
		if o.Absent&indicator.AttrNote != 0 {
			note = nil
		}
		if _, err := stmt.ExecContext(ctx, o.IndicatorCode, o.RegionCode, string(o.Disagg), o.Year, o.Value, status, brk, note); err != nil {
			return fmt.Errorf("store: import: copy row: %w", err)
		}
		return nil
	})
	if err != nil {
		return counts, err
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return counts, fmt.Errorf("store: import: copy: %w", err)
	}
	if err := stmt.Close(); err != nil {
		return counts, fmt.Errorf("store: import: copy: %w", err)
	}
	// One join of the staged rows with what is stored gives each row's final
	// attributes (absent ones kept) and its old value. Data-modifying CTEs
	// all see the snapshot taken before the statement and always run to
	// completion, so "revisions" records the values "upserted" replaces.
	const merge = `WITH merged AS (
		SELECT s.indicator_code, s.region_code, s.disagg, s.year, s.value,
			COALESCE(s.status, o.status, 'final') AS status, COALESCE(s.series_break, o.series_break, FALSE) AS series_break,
			COALESCE(s.note, o.note, '') AS note,
			o.year IS NOT NULL AS existed, o.value AS old_value, o.status AS old_status, o.series_break AS old_break,
			o.note AS old_note, o.upload_id AS old_upload_id
		FROM stage_observations s
		LEFT JOIN observations o USING (indicator_code, region_code, disagg, year)
	), writes AS (
		SELECT * FROM merged
		WHERE NOT existed OR (old_value, old_status, old_break, old_note) IS DISTINCT FROM (value, status, series_break, note)
	), revisions AS (
		INSERT INTO observation_revisions (indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note,
			old_upload_id, new_value, new_status, upload_id, changed_at)
		SELECT indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note, old_upload_id, value, status, $1, $2
		FROM writes WHERE existed
	), upserted AS (
		INSERT INTO observations (indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at)
		SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, $1, $2
		FROM writes
		ON CONFLICT (indicator_code, region_code, disagg, year) DO UPDATE SET
			value = excluded.value, status = excluded.status, series_break = excluded.series_break, note = excluded.note,
			upload_id = excluded.upload_id, updated_at = excluded.updated_at
	)
	SELECT count(*) FILTER (WHERE NOT existed) AS rows_new, count(*) FILTER (WHERE existed) AS rows_changed FROM writes`
	var got struct {
		New     int `db:"rows_new"`
		Changed int `db:"rows_changed"`
	}
	if err := tx.GetContext(ctx, &got, merge, up.ID, up.CreatedAt); err != nil {
		if strings.Contains(err.Error(), "cannot affect row a second time") {
			return counts, indicator.Errorf(indicator.ErrInvalid, "the upload names the same indicator, region, year and disaggregation twice")
		}
		return counts, fmt.Errorf("store: import: merge: %w", err)
	}
	counts.New, counts.Changed, counts.Unchanged = got.New, got.Changed, staged-got.New-got.Changed
	return counts, nil
}

// upsertObservations is SQLite's path: in-process statements are cheap, so
// each row is read, compared and written through prepared statements inside
// the one transaction.
func (s *Store) upsertObservations(ctx context.Context, tx *sqlx.Tx, up indicator.Upload, src ObservationSource) (indicator.Counts, error) {
	prepare := func(q string) (*sqlx.Stmt, error) { return tx.PreparexContext(ctx, q) }
	sel, err := prepare(`SELECT value, status, series_break, note, upload_id FROM observations
		WHERE indicator_code = ? AND region_code = ? AND disagg = ? AND year = ?`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: prepare: %w", err)
	}
	defer sel.Close()
	ins, err := prepare(`INSERT INTO observations (indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: prepare: %w", err)
	}
	defer ins.Close()
	upd, err := prepare(`UPDATE observations SET value = ?, status = ?, series_break = ?, note = ?, upload_id = ?, updated_at = ?
		WHERE indicator_code = ? AND region_code = ? AND disagg = ? AND year = ?`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: prepare: %w", err)
	}
	defer upd.Close()
	rev, err := prepare(`INSERT INTO observation_revisions (indicator_code, region_code, disagg, year, old_value, old_status, old_break,
		old_note, old_upload_id, new_value, new_status, upload_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: prepare: %w", err)
	}
	defer rev.Close()

	var c indicator.Counts
	at := up.CreatedAt
	src2 := func(o indicator.Observation) error {
		k := o.SeriesKey
		var old indicator.Observation
		err := sel.QueryRowContext(ctx, k.IndicatorCode, k.RegionCode, string(k.Disagg), k.Year).
			Scan(&old.Value, &old.Status, &old.Break, &old.Note, &old.UploadID)
		switch {
		case err == nil && o.Keep(old).SameAs(old):
			c.Unchanged++
			return nil
		case err == nil:
			o = o.Keep(old)
			if old.UploadID == up.ID {
				return indicator.Errorf(indicator.ErrInvalid, "the upload names %s/%s/%d/%q twice", k.IndicatorCode, k.RegionCode, k.Year, k.Disagg)
			}
			if _, err := rev.ExecContext(ctx, k.IndicatorCode, k.RegionCode, string(k.Disagg), k.Year, old.Value, string(old.Status), old.Break,
				old.Note, old.UploadID, o.Value, string(o.Status), up.ID, at); err != nil {
				return fmt.Errorf("store: import: revision: %w", err)
			}
			if _, err := upd.ExecContext(ctx, o.Value, string(o.Status), o.Break, o.Note, up.ID, at,
				k.IndicatorCode, k.RegionCode, string(k.Disagg), k.Year); err != nil {
				return fmt.Errorf("store: import: update: %w", err)
			}
			c.Changed++
			return nil
		case isNoRows(err):
			if _, err := ins.ExecContext(ctx, k.IndicatorCode, k.RegionCode, string(k.Disagg), k.Year, o.Value, string(o.Status), o.Break,
				o.Note, up.ID, at); err != nil {
				return fmt.Errorf("store: import: insert: %w", err)
			}
			c.New++
			return nil
		default:
			return fmt.Errorf("store: import: read old value: %w", err)
		}
	}
	got, err := src(src2)
	got.New, got.Changed, got.Unchanged = c.New, c.Changed, c.Unchanged
	return got, err
}

// Series is everything stored about one indicator in one region: every
// observation (all disaggregations) and the targets of every plan.
type Series struct {
	Indicator    indicator.Indicator     `json:"indicator"`
	Region       indicator.Region        `json:"region"`
	Observations []indicator.Observation `json:"observations"`
	Targets      []indicator.Target      `json:"targets"`
	Plans        []indicator.Plan        `json:"plans"`
}

// Series returns one indicator's observations and targets in one region,
// ordered by disaggregation and year. Unknown codes give ErrNotFound.
func (s *Store) Series(ctx context.Context, indicatorCode, regionCode string) (Series, error) {
	var out Series
	var err error
	if out.Indicator, err = s.Indicator(ctx, indicatorCode); err != nil {
		return out, err
	}
	if out.Region, err = s.Region(ctx, regionCode); err != nil {
		return out, err
	}
	out.Observations = []indicator.Observation{}
	if err := s.db.SelectContext(ctx, &out.Observations, s.db.Rebind(`SELECT indicator_code, region_code, disagg, year, value, status,
		series_break, note, upload_id, updated_at FROM observations WHERE indicator_code = ? AND region_code = ? ORDER BY disagg, year`),
		indicatorCode, regionCode); err != nil {
		return out, fmt.Errorf("store: series %s/%s: %w", indicatorCode, regionCode, err)
	}
	// A region is measured against its own plans and those of every level
	// above it (the regency against its RPJMD, the province's RKPD, the RPJMN).
	regions := []string{regionCode}
	for c := indicator.ParentOfCode(regionCode); c != ""; c = indicator.ParentOfCode(c) {
		regions = append(regions, c)
	}
	q, args, err := sqlx.In(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets WHERE indicator_code = ? AND region_code IN (?) ORDER BY plan_code, disagg, year`, indicatorCode, regions)
	if err != nil {
		return out, fmt.Errorf("store: series targets: %w", err)
	}
	out.Targets = []indicator.Target{}
	if err := s.db.SelectContext(ctx, &out.Targets, s.db.Rebind(q), args...); err != nil {
		return out, fmt.Errorf("store: series targets %s/%s: %w", indicatorCode, regionCode, err)
	}
	codes := map[string]bool{}
	for _, t := range out.Targets {
		codes[t.PlanCode] = true
	}
	out.Plans = []indicator.Plan{}
	if len(codes) == 0 {
		return out, nil
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range plans {
		if codes[p.Code] {
			out.Plans = append(out.Plans, p)
		}
	}
	return out, nil
}

// ObservationRevisions lists the history of one series, oldest first; year 0
// means every year.
func (s *Store) ObservationRevisions(ctx context.Context, indicatorCode, regionCode string, year int) ([]indicator.Revision, error) {
	q := `SELECT r.indicator_code, r.region_code, r.disagg, r.year, r.old_value, r.old_status, r.new_value, r.old_upload_id,
		r.upload_id, COALESCE(u.created_by, '') AS changed_by, r.changed_at
		FROM observation_revisions r LEFT JOIN uploads u ON u.id = r.upload_id
		WHERE r.indicator_code = ? AND r.region_code = ?`
	args := []any{indicatorCode, regionCode}
	if year != 0 {
		q, args = q+` AND r.year = ?`, append(args, year)
	}
	out := []indicator.Revision{}
	if err := s.db.SelectContext(ctx, &out, s.db.Rebind(q+` ORDER BY r.id`), args...); err != nil {
		return nil, fmt.Errorf("store: revisions %s/%s: %w", indicatorCode, regionCode, err)
	}
	return out, nil
}

// Upload returns one upload by id.
func (s *Store) Upload(ctx context.Context, id int64) (indicator.Upload, error) {
	var u indicator.Upload
	err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT id, kind, agency_code, filename, created_by, created_at, rows_new, rows_changed,
		rows_unchanged, rows_missing, rows_rejected FROM uploads WHERE id = ?`), id)
	if err != nil {
		return u, notFound(err, "upload %d not found", id)
	}
	return u, nil
}

// DataVersion is the id of the latest accepted upload (0 when none).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.GetContext(ctx, &v, `SELECT COALESCE(MAX(id), 0) FROM uploads`); err != nil {
		return 0, fmt.Errorf("store: data version: %w", err)
	}
	return v, nil
}
