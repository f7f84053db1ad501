package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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
	// File, when set, is the file the rows came from: kept with the upload
	// (see keepFile), in the same transaction. Not called on a dry run.
	File FileSource
	// Publishes, when set, is the submission this import publishes: it is
	// marked published, with the new upload, in the same transaction. If it
	// is no longer waiting for review the import fails with ErrConflict and
	// stores nothing.
	Publishes *Publication
}

// importLockKey serialises imports on PostgreSQL (pg_advisory_xact_lock):
// each import reads the values it replaces, and two concurrent imports of the
// same series would otherwise both record the same old value and lose the
// revision in between. SQLite's immediate transactions serialise writers.
const importLockKey = 0x70616e746175 // "pantau"

// ImportObservations stores an upload's observations all-or-nothing: new
// values are inserted, changed values are updated and their old value kept
// as a revision, identical values are left alone. Values the file does not
// mention are never deleted. A source naming a key twice is refused
// (ErrInvalid). It returns the upload with its id (the new data version) and
// counts.
func (s *Store) ImportObservations(ctx context.Context, up indicator.Upload, src ObservationSource, opts ImportOptions) (indicator.Upload, error) {
	up.Kind = indicator.UploadObservations
	src = distinctKeys(src)
	err := s.importTx(ctx, &up, opts, func(tx *sqlx.Tx) (indicator.Counts, error) {
		if s.dialect == Postgres {
			return s.copyObservations(ctx, tx, up, src)
		}
		return s.upsertObservations(ctx, tx, up, src)
	})
	return up, full(err)
}

// distinctKeys refuses a source that names a key twice, as invalid. Neither
// write path notices every second mention: SQLite's upsert stores the last
// value (and records the first as a revision when they differ); PostgreSQL's
// merge does the same for a stored key and fails with a bare unique
// violation for a new one. The CSV reader refuses such files itself; this
// holds for any source. It runs in the source's goroutine (see pipeline),
// beside the writes.
func distinctKeys(src ObservationSource) ObservationSource {
	return func(emit func(indicator.Observation) error) (indicator.Counts, error) {
		var seen keySet
		return src(func(o indicator.Observation) error {
			if !seen.add(o.SeriesKey) {
				return indicator.Errorf(indicator.ErrInvalid, "the upload names %s/%s/%d/%q twice", o.IndicatorCode, o.RegionCode, o.Year, o.Disagg)
			}
			return emit(o)
		})
	}
}

// keySet is a set of observation keys whose memory grows with the number
// of series, not of rows: per series a bit per year MinYear…MaxYear, as
// the CSV reader keeps them; the rare year outside has a map of its own.
type keySet struct {
	series   map[seriesID]*yearBits
	last     seriesID
	lastBits *yearBits
	other    map[indicator.SeriesKey]bool
}

type seriesID struct {
	indicator, region string
	disagg            indicator.Disaggregation
}

type yearBits [(indicator.MaxYear - indicator.MinYear + 64) / 64]uint64

// add puts k in the set and reports whether it was not there yet.
func (s *keySet) add(k indicator.SeriesKey) bool {
	if k.Year < indicator.MinYear || k.Year > indicator.MaxYear {
		if s.other == nil {
			s.other = map[indicator.SeriesKey]bool{}
		}
		if s.other[k] {
			return false
		}
		s.other[k] = true
		return true
	}
	id := seriesID{k.IndicatorCode, k.RegionCode, k.Disagg}
	if s.lastBits == nil || id != s.last {
		if s.series == nil {
			s.series = map[seriesID]*yearBits{}
		}
		bits := s.series[id]
		if bits == nil {
			bits = new(yearBits)
			s.series[id] = bits
		}
		s.last, s.lastBits = id, bits
	}
	bit := k.Year - indicator.MinYear
	if s.lastBits[bit>>6]&(1<<(bit&63)) != 0 {
		return false
	}
	s.lastBits[bit>>6] |= 1 << (bit & 63)
	return true
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
	if opts.Publishes != nil {
		if err := markPublished(ctx, tx, *opts.Publishes, *up); err != nil {
			return err
		}
	}
	if opts.File != nil {
		if err := s.keepFile(ctx, tx, *up, opts.File); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: import: commit: %w", err)
	}
	return nil
}

// copyObservations is PostgreSQL's fast path. The file is read in its own
// goroutine while this one writes. First, optimistically, the rows are
// COPYed straight into observations inside a savepoint, and spooled to a
// temporary file: when none of the keys exists yet (a first load, the big
// imports) that is the whole import. A unique violation means some rows
// exist: the savepoint is rolled back, the spooled rows are COPYed into a
// staging table, and two set-based statements apply them: one updates
// changed rows and records their old values as revisions, one inserts the
// new rows in key order.
func (s *Store) copyObservations(ctx context.Context, tx *sqlx.Tx, up indicator.Upload, src ObservationSource) (indicator.Counts, error) {
	sp, err := newSpool()
	if err != nil {
		return indicator.Counts{}, err
	}
	defer sp.close()
	if _, err := tx.ExecContext(ctx, `SAVEPOINT direct_copy`); err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: savepoint: %w", err)
	}
	// lib/pq 1.12 deprecates pq.CopyIn; a prepared COPY … FROM STDIN is the same protocol.
	direct, err := tx.PrepareContext(ctx, `COPY observations (indicator_code, region_code, disagg, year, value, status, series_break,
		note, upload_id, updated_at, source_line) FROM STDIN`)
	if err != nil {
		return indicator.Counts{}, fmt.Errorf("store: import: copy: %w", err)
	}
	var directErr error
	counts, err := pipeline(src, func(o indicator.Observation) error {
		if err := sp.write(o); err != nil {
			return fmt.Errorf("store: import: spool: %w", err)
		}
		if directErr != nil {
			return nil // keep spooling; the rows go through staging
		}
		o = o.Keep(indicator.Observation{Status: indicator.StatusFinal})
		_, directErr = direct.ExecContext(ctx, o.IndicatorCode, o.RegionCode, string(o.Disagg), o.Year, o.Value, string(o.Status), o.Break,
			o.Note, up.ID, up.CreatedAt, lineArg(o.Line))
		return nil
	})
	if err != nil {
		direct.Close()
		return counts, err
	}
	if directErr == nil {
		_, directErr = direct.ExecContext(ctx) // ends the COPY: constraint errors surface here at the latest
	}
	if cerr := direct.Close(); directErr == nil {
		directErr = cerr
	}
	if directErr == nil {
		counts.New = sp.n
		return counts, nil
	}
	var pqErr *pq.Error
	if !errors.As(directErr, &pqErr) || pqErr.Code != "23505" { // unique_violation
		return counts, fmt.Errorf("store: import: copy: %w", directErr)
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT direct_copy`); err != nil {
		return counts, fmt.Errorf("store: import: rollback to savepoint: %w", err)
	}

	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE stage_observations (
		indicator_code TEXT COLLATE "C" NOT NULL, region_code TEXT COLLATE "C" NOT NULL, disagg TEXT COLLATE "C" NOT NULL,
		year INTEGER NOT NULL, value DOUBLE PRECISION NOT NULL, status TEXT, series_break BOOLEAN, note TEXT, source_line INTEGER
	) ON COMMIT DROP`); err != nil {
		return counts, fmt.Errorf("store: import: staging table: %w", err)
	}
	stage, err := tx.PrepareContext(ctx, `COPY stage_observations (indicator_code, region_code, disagg, year, value, status, series_break, note,
		source_line) FROM STDIN`)
	if err != nil {
		return counts, fmt.Errorf("store: import: copy: %w", err)
	}
	defer stage.Close()
	if err := sp.replay(func(o indicator.Observation) error {
		if _, err := stage.ExecContext(ctx, stageArgs(o)...); err != nil {
			return fmt.Errorf("store: import: copy row: %w", err)
		}
		return nil
	}); err != nil {
		return counts, err
	}
	if _, err := stage.ExecContext(ctx); err != nil {
		return counts, fmt.Errorf("store: import: copy: %w", err)
	}
	if err := stage.Close(); err != nil {
		return counts, fmt.Errorf("store: import: copy: %w", err)
	}
	staged := sp.n
	// A temporary table has no statistics until analysed; without them the
	// planner may probe the primary key a million times instead of hashing.
	if _, err := tx.ExecContext(ctx, `ANALYZE stage_observations`); err != nil {
		return counts, fmt.Errorf("store: import: analyze: %w", err)
	}
	// Sorting and hashing a million staged rows in memory rather than in
	// temporary files; imports are serialised, so this is one allocation.
	if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '256MB'`); err != nil {
		return counts, fmt.Errorf("store: import: work_mem: %w", err)
	}
	// Existing rows first: "matched" pairs each staged row with the stored
	// one; attributes the file did not carry keep their stored value. Data-
	// modifying CTEs see the snapshot taken before the statement, so
	// "revisions" records exactly the values "updated" replaces. The CTE's
	// size is unknown to the planner, which would then probe the primary key
	// once per row; hash joins are far cheaper for big uploads.
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_nestloop = off`); err != nil {
		return counts, fmt.Errorf("store: import: planner setting: %w", err)
	}
	const update = `WITH matched AS (
		SELECT s.indicator_code, s.region_code, s.disagg, s.year, s.value,
			COALESCE(s.status, o.status) AS status, COALESCE(s.series_break, o.series_break) AS series_break,
			COALESCE(s.note, o.note) AS note, s.source_line,
			o.value AS old_value, o.status AS old_status, o.series_break AS old_break, o.note AS old_note, o.upload_id AS old_upload_id,
			o.source_line AS old_source_line,
			(o.value, o.status, o.series_break, o.note)
				IS DISTINCT FROM (s.value, COALESCE(s.status, o.status), COALESCE(s.series_break, o.series_break), COALESCE(s.note, o.note)) AS differs
		FROM stage_observations s
		JOIN observations o USING (indicator_code, region_code, disagg, year)
	), revisions AS (
		INSERT INTO observation_revisions (indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note,
			old_upload_id, old_source_line, new_value, new_status, upload_id, changed_at)
		SELECT indicator_code, region_code, disagg, year, old_value, old_status, old_break, old_note, old_upload_id, old_source_line,
			value, status, $1, $2
		FROM matched WHERE differs
	), updated AS (
		UPDATE observations o SET value = m.value, status = m.status, series_break = m.series_break, note = m.note,
			upload_id = $1, updated_at = $2, source_line = m.source_line
		FROM matched m
		WHERE m.differs AND o.indicator_code = m.indicator_code AND o.region_code = m.region_code AND o.disagg = m.disagg AND o.year = m.year
	)
	SELECT count(*) AS matched, count(*) FILTER (WHERE differs) AS changed FROM matched`
	var got struct {
		Matched int `db:"matched"`
		Changed int `db:"changed"`
	}
	if err := tx.GetContext(ctx, &got, update, up.ID, up.CreatedAt); err != nil {
		return counts, fmt.Errorf("store: import: update changed: %w", err)
	}
	counts.Changed, counts.Unchanged = got.Changed, got.Matched-got.Changed
	if got.Matched == staged {
		return counts, nil // nothing new
	}
	// New rows in key order: the primary key's B-tree then grows at its
	// right edge instead of splitting pages all over. Imports hold
	// importLockKey, so no other writer can insert the same key meanwhile.
	res, err := tx.ExecContext(ctx, `INSERT INTO observations (indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id,
		updated_at, source_line)
		SELECT s.indicator_code, s.region_code, s.disagg, s.year, s.value, COALESCE(s.status, 'final'), COALESCE(s.series_break, FALSE),
			COALESCE(s.note, ''), $1, $2, s.source_line
		FROM stage_observations s
		WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.indicator_code = s.indicator_code AND o.region_code = s.region_code
			AND o.disagg = s.disagg AND o.year = s.year)
		ORDER BY s.indicator_code, s.region_code, s.disagg, s.year`, up.ID, up.CreatedAt)
	if err != nil {
		return counts, fmt.Errorf("store: import: insert new: %w", err)
	}
	n, _ := res.RowsAffected()
	counts.New = int(n)
	return counts, nil
}

// pipeline runs src in its own goroutine and calls write for every row in
// this one, in order, so that parsing overlaps with sending rows to the
// database. Batches keep channel overhead off the per-row path.
func pipeline(src ObservationSource, write func(indicator.Observation) error) (indicator.Counts, error) {
	const batchSize = 1024
	batches := make(chan []indicator.Observation, 8)
	stop := make(chan struct{})
	type result struct {
		counts indicator.Counts
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer close(batches)
		batch := make([]indicator.Observation, 0, batchSize)
		counts, err := src(func(o indicator.Observation) error {
			batch = append(batch, o)
			if len(batch) < batchSize {
				return nil
			}
			select {
			case batches <- batch:
			case <-stop:
				return errStopped
			}
			batch = make([]indicator.Observation, 0, batchSize)
			return nil
		})
		if err == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-stop:
			}
		}
		done <- result{counts, err}
	}()
	var writeErr error
	for batch := range batches {
		for _, o := range batch {
			if writeErr = write(o); writeErr != nil {
				close(stop)
				break
			}
		}
		if writeErr != nil {
			break
		}
	}
	if writeErr != nil {
		for range batches { // let the reader finish
		}
	}
	r := <-done
	if writeErr != nil {
		return r.counts, writeErr
	}
	return r.counts, r.err
}

var errStopped = errors.New("store: import stopped")

// upsertObservations is SQLite's path: rows are upserted in file order, a
// batch of consecutive rows per statement, inside the import's transaction.
// A new key is inserted; a stored key is updated only when something
// differs, and the trigger observation_revision (migration 00006) records
// its old value within the same statement; an identical row writes nothing.
// SQLite runs statements in-process, so the cost is the work per row plus
// the work per statement: no staging, and one statement per batch rather
// than per row.
//
// Attributes the file did not carry (status, break, note) are left out of
// the statement: a new row takes the column default, a stored row keeps
// its attribute. Rows of a batch share which attributes they carry.
func (s *Store) upsertObservations(ctx context.Context, tx *sqlx.Tx, up indicator.Upload, src ObservationSource) (indicator.Counts, error) {
	// total_changes() counts rows written by triggers too: an inserted row
	// adds one, a changed row two (itself and its revision), an identical
	// row none. With the rows the statements report (one for an insert or
	// an update), that tells new from changed without a query per row.
	before, err := totalChanges(ctx, tx)
	if err != nil {
		return indicator.Counts{}, err
	}
	b := upsertBatch{ctx: ctx, tx: tx, up: up, stmts: map[upsertShape]*sql.Stmt{}}
	defer b.close()
	counts, err := pipeline(src, b.add)
	if err == nil {
		err = b.flush()
	}
	if err != nil {
		return counts, err
	}
	after, err := totalChanges(ctx, tx)
	if err != nil {
		return counts, err
	}
	counts.Changed = int(after-before) - b.written
	counts.New = b.written - counts.Changed
	counts.Unchanged = b.rows - b.written
	return counts, nil
}

// upsertBatchRows is how many rows one upsert statement carries: enough to
// make the statement's own cost small per row, few enough for SQLite's
// limits on a VALUES list and its parameters.
const upsertBatchRows = 64

// upsertShape is what an upsert statement is compiled for: which
// attributes its rows carry and how many rows.
type upsertShape struct {
	absent indicator.Attr
	rows   int
}

// upsertBatch collects rows of the same shape and writes them with one
// statement.
type upsertBatch struct {
	ctx   context.Context
	tx    *sqlx.Tx
	up    indicator.Upload
	stmts map[upsertShape]*sql.Stmt

	absent  indicator.Attr
	pending []indicator.Observation
	args    []any
	// rows seen, rows the statements wrote (inserted or updated).
	rows, written int
}

func (b *upsertBatch) add(o indicator.Observation) error {
	if len(b.pending) > 0 && o.Absent != b.absent {
		if err := b.flush(); err != nil {
			return err
		}
	}
	b.absent = o.Absent
	b.pending = append(b.pending, o)
	if len(b.pending) == upsertBatchRows {
		return b.flush()
	}
	return nil
}

func (b *upsertBatch) flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	shape := upsertShape{b.absent, len(b.pending)}
	stmt := b.stmts[shape]
	if stmt == nil {
		var err error
		if stmt, err = b.tx.PrepareContext(b.ctx, upsertSQL(shape)); err != nil {
			return fmt.Errorf("store: import: prepare: %w", err)
		}
		b.stmts[shape] = stmt
	}
	b.args = append(b.args[:0], b.up.ID, b.up.CreatedAt)
	for _, o := range b.pending {
		b.args = append(b.args, o.IndicatorCode, o.RegionCode, string(o.Disagg), o.Year, o.Value, lineArg(o.Line))
		if o.Absent&indicator.AttrStatus == 0 {
			b.args = append(b.args, string(o.Status))
		}
		if o.Absent&indicator.AttrBreak == 0 {
			b.args = append(b.args, o.Break)
		}
		if o.Absent&indicator.AttrNote == 0 {
			b.args = append(b.args, o.Note)
		}
	}
	res, err := stmt.ExecContext(b.ctx, b.args...)
	if err != nil {
		return fmt.Errorf("store: import: line %d: %w", b.pending[0].Line, err)
	}
	n, _ := res.RowsAffected()
	b.rows += len(b.pending)
	b.written += int(n)
	b.pending = b.pending[:0]
	return nil
}

func (b *upsertBatch) close() {
	for _, stmt := range b.stmts {
		stmt.Close()
	}
}

// upsertSQL is the statement for one shape: the upload id and time come
// first, then each row's key, value, source line and carried attributes.
func upsertSQL(shape upsertShape) string {
	cols := []string{"indicator_code", "region_code", "disagg", "year", "value", "source_line"}
	compare := []string{"value"}
	for _, a := range []struct {
		attr indicator.Attr
		col  string
	}{{indicator.AttrStatus, "status"}, {indicator.AttrBreak, "series_break"}, {indicator.AttrNote, "note"}} {
		if shape.absent&a.attr == 0 {
			cols = append(cols, a.col)
			compare = append(compare, a.col)
		}
	}
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	var q strings.Builder
	q.WriteString("INSERT INTO observations (" + strings.Join(cols, ", ") + ", upload_id, updated_at)\n")
	q.WriteString("SELECT v.*, ?, ? FROM (VALUES " + row + strings.Repeat(", "+row, shape.rows-1) + ") AS v WHERE true\n")
	q.WriteString("ON CONFLICT (indicator_code, region_code, disagg, year) DO UPDATE SET ")
	var set, differs []string
	for _, c := range append(compare, "source_line", "upload_id", "updated_at") {
		set = append(set, c+" = excluded."+c)
	}
	for _, c := range compare {
		differs = append(differs, c+" IS NOT excluded."+c)
	}
	q.WriteString(strings.Join(set, ", ") + "\nWHERE " + strings.Join(differs, " OR "))
	return q.String()
}

// totalChanges is SQLite's count of rows written on this connection, by
// statements and their triggers.
func totalChanges(ctx context.Context, tx *sqlx.Tx) (int64, error) {
	var n int64
	if err := tx.GetContext(ctx, &n, `SELECT total_changes()`); err != nil {
		return 0, fmt.Errorf("store: import: total_changes: %w", err)
	}
	return n, nil
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
	if err := s.rdb.SelectContext(ctx, &out.Observations, s.rdb.Rebind(`SELECT indicator_code, region_code, disagg, year, value, status,
		series_break, note, upload_id, updated_at, COALESCE(source_line, 0) AS source_line FROM observations WHERE indicator_code = ? AND region_code = ? ORDER BY disagg, year`),
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
	if err := s.rdb.SelectContext(ctx, &out.Targets, s.rdb.Rebind(q), args...); err != nil {
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
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q+` ORDER BY r.year, r.disagg, r.upload_id`), args...); err != nil {
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

// lineArg is the source_line of a row: NULL when it did not come from a file.
func lineArg(line int) any {
	if line <= 0 {
		return nil
	}
	return line
}

// stageArgs are a staged row's columns, in the staging tables' order. NULL
// stands for an attribute the file did not carry: the merge keeps the
// stored one.
func stageArgs(o indicator.Observation) []any {
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
	return []any{o.IndicatorCode, o.RegionCode, string(o.Disagg), o.Year, o.Value, status, brk, note, lineArg(o.Line)}
}
