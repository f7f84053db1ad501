package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// upsertObservations is SQLite's path: rows are upserted in file order, a
// batch of consecutive rows per statement, inside the import's transaction.
// A new key is inserted; a stored key is updated only when something
// differs, and the trigger observation_revision (migrations 00006, 00007)
// records its old value within the same statement; an identical row writes
// nothing. Rows are keyed by series id (sqliteSeries) and year.
// SQLite runs statements in-process, so the cost is the work per row plus
// the work per statement: no staging, and one statement per batch rather
// than per row.
//
// Attributes the file did not carry (status, break, note) are left out of
// the statement: a new row takes the column default, a stored row keeps
// its attribute. Rows of a batch share which attributes they carry.
func (s *Store) upsertObservations(ctx context.Context, tx *sqlx.Tx, up domain.Upload, src ObservationSource) (domain.Counts, error) {
	// total_changes() counts rows written by triggers too: an inserted row
	// adds one, a changed row two (itself and its revision), an identical
	// row none. With the rows the statements report (one for an insert or
	// an update), that tells new from changed without a query per row.
	before, err := totalChanges(ctx, tx)
	if err != nil {
		return domain.Counts{}, err
	}
	series, err := newSQLiteSeries(ctx, tx)
	if err != nil {
		return domain.Counts{}, err
	}
	defer series.close()
	b := upsertBatch{ctx: ctx, tx: tx, up: up, stmts: map[upsertShape]*sql.Stmt{}, series: series}
	defer b.close()
	counts, err := pipeline(src, func(domain.Observation) {}, func(batch []domain.Observation) error {
		for _, o := range batch {
			if err := b.add(o); err != nil {
				return err
			}
		}
		return nil
	})
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
	// New series count among the changes too.
	counts.Changed = int(after-before) - series.created - b.written
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
	absent domain.Attr
	rows   int
}

// upsertBatch collects rows of the same shape and writes them with one
// statement.
type upsertBatch struct {
	ctx   context.Context
	tx    *sqlx.Tx
	up    domain.Upload
	stmts map[upsertShape]*sql.Stmt

	series  *sqliteSeries
	absent  domain.Attr
	pending []domain.Observation
	ids     []int64 // the pending rows' series
	args    []any
	// rows seen, rows the statements wrote (inserted or updated).
	rows, written int
}

func (b *upsertBatch) add(o domain.Observation) error {
	if len(b.pending) > 0 && o.Absent != b.absent {
		if err := b.flush(); err != nil {
			return err
		}
	}
	id, err := b.series.id(o.ObservationKey)
	if err != nil {
		return err
	}
	b.absent = o.Absent
	b.pending, b.ids = append(b.pending, o), append(b.ids, id)
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
	b.args = append(b.args[:0], b.up.ID)
	for i, o := range b.pending {
		b.args = append(b.args, b.ids[i], o.Year, o.Value, lineArg(o.Line))
		if o.Absent&domain.AttrStatus == 0 {
			b.args = append(b.args, string(o.Status))
		}
		if o.Absent&domain.AttrBreak == 0 {
			b.args = append(b.args, o.Break)
		}
		if o.Absent&domain.AttrNote == 0 {
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
	b.pending, b.ids = b.pending[:0], b.ids[:0]
	return nil
}

func (b *upsertBatch) close() {
	for _, stmt := range b.stmts {
		stmt.Close()
	}
}

// upsertSQL is the statement for one shape: the upload id comes first,
// then each row's series, year, value, source line and carried attributes.
func upsertSQL(shape upsertShape) string {
	cols := []string{"series_id", "year", "value", "source_line"}
	compare := []string{"value"}
	for _, a := range []struct {
		attr domain.Attr
		col  string
	}{{domain.AttrStatus, "status"}, {domain.AttrBreak, "series_break"}, {domain.AttrNote, "note"}} {
		if shape.absent&a.attr == 0 {
			cols = append(cols, a.col)
			compare = append(compare, a.col)
		}
	}
	row := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	var q strings.Builder
	q.WriteString("INSERT INTO observation_values (" + strings.Join(cols, ", ") + ", upload_id)\n")
	q.WriteString("SELECT v.*, ? FROM (VALUES " + row + strings.Repeat(", "+row, shape.rows-1) + ") AS v WHERE true\n")
	q.WriteString("ON CONFLICT (series_id, year) DO UPDATE SET ")
	var set, differs []string
	for _, c := range append(compare, "source_line", "upload_id") {
		set = append(set, c+" = excluded."+c)
	}
	for _, c := range compare {
		differs = append(differs, c+" IS NOT excluded."+c)
	}
	q.WriteString(strings.Join(set, ", ") + "\nWHERE " + strings.Join(differs, " OR "))
	return q.String()
}

// sqliteSeries gives the rows of a SQLite import their series ids: the
// stored series of an indicator are read on its first row; a series not
// stored is inserted with the next id (see greatestSeriesID).
type sqliteSeries struct {
	ctx    context.Context
	tx     *sqlx.Tx
	insert *sql.Stmt
	ids    map[seriesKey]int64
	loaded map[string]bool
	// stored is the greatest id stored before the import; created counts
	// the series it inserted, with ids stored+1 … stored+created.
	stored  int64
	created int
	// The previous row's series: rows of a series usually come together.
	prev   seriesKey
	prevID int64
}

// maxSQLiteSeries bounds the ids an import keeps (about 100 bytes each);
// past it they are dropped and read again as needed.
const maxSQLiteSeries = 1 << 20

func newSQLiteSeries(ctx context.Context, tx *sqlx.Tx) (*sqliteSeries, error) {
	r := &sqliteSeries{ctx: ctx, tx: tx, ids: map[seriesKey]int64{}, loaded: map[string]bool{}}
	var err error
	if r.stored, err = greatestSeriesID(ctx, tx); err != nil {
		return nil, err
	}
	if r.insert, err = tx.PrepareContext(ctx, `INSERT INTO series (id, indicator_code, region_code, disagg) VALUES (?, ?, ?, ?)`); err != nil {
		return nil, fmt.Errorf("store: import: series: %w", err)
	}
	return r, nil
}

func (r *sqliteSeries) close() { r.insert.Close() }

// id returns the id of k's series, inserting the series if it is new.
func (r *sqliteSeries) id(k domain.ObservationKey) (int64, error) {
	sk := seriesOf(k)
	if r.prevID != 0 && sk == r.prev {
		return r.prevID, nil
	}
	if !r.loaded[sk.indicator] {
		if len(r.ids) > maxSQLiteSeries {
			clear(r.ids)
			clear(r.loaded)
		}
		if err := r.load(sk.indicator); err != nil {
			return 0, err
		}
	}
	id, ok := r.ids[sk]
	if !ok {
		id = r.stored + int64(r.created) + 1
		if _, err := r.insert.ExecContext(r.ctx, id, sk.indicator, sk.region, string(sk.disagg)); err != nil {
			return 0, fmt.Errorf("store: import: series: %w", err)
		}
		r.ids[sk] = id
		r.created++
	}
	r.prev, r.prevID = sk, id
	return id, nil
}

// load reads the stored series of an indicator.
func (r *sqliteSeries) load(code string) error {
	rows, err := r.tx.QueryContext(r.ctx, `SELECT id, region_code, disagg FROM series WHERE indicator_code = ?`, code)
	if err != nil {
		return fmt.Errorf("store: import: series of %s: %w", code, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var region, disagg string
		if err := rows.Scan(&id, &region, &disagg); err != nil {
			return fmt.Errorf("store: import: series of %s: %w", code, err)
		}
		r.ids[seriesKey{code, region, domain.Disaggregation(disagg)}] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: import: series of %s: %w", code, err)
	}
	r.loaded[code] = true
	return nil
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

// checkpointRows is how many rows an import writes before its WAL is
// checkpointed and truncated at once (checkpointWAL).
const checkpointRows = 10000

// checkpointWAL copies the WAL into the database and truncates it, after a
// large import: one transaction's WAL grows with all of its rows (216 MB
// seen), and SQLite's automatic checkpoints reuse the file but never
// shrink it. A reader still on an older snapshot makes the checkpoint wait
// at most a second and then give up: the next large import, or the
// automatic checkpoints, finish the work, and journal_size_limit (parseURL)
// bounds what is left meanwhile. It is housekeeping, after the commit: its
// failure is not the import's.
func (s *Store) checkpointWAL(ctx context.Context) {
	conn, err := s.db.Conn(context.WithoutCancel(ctx))
	if err != nil {
		return
	}
	defer conn.Close()
	ctx = context.WithoutCancel(ctx)
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 1000`); err != nil {
		return
	}
	defer conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, sqliteBusyTimeout.Milliseconds()))
	conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
}
