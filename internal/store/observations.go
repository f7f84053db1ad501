package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"pantau/internal/domain"
)

// ObservationSource streams validated observations into emit, in file order.
// It returns the counts only it knows (missing, rejected); a non-nil error
// aborts the upload and nothing is written.
type ObservationSource func(emit func(domain.Observation) error) (domain.Counts, error)

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
	// KeysDistinct says the source refuses, itself, rows that name a key
	// twice (the CSV reader does: a duplicate row is an error of the file),
	// so the store does not check again; for any other source it checks
	// (distinctKeys). The check cost 0.08 s of a 3 s re-import of 1M rows.
	KeysDistinct bool
}

// importLockKey serialises imports on PostgreSQL (pg_advisory_xact_lock):
// each import compares its rows with the committed current values, and two
// concurrent imports of the same series would otherwise both compare with
// the same value (miscounting, and skipping a value equal to the one the
// other writes); it also keeps upload ids in the order their versions are
// written. SQLite's immediate transactions serialise writers.
const importLockKey = 0x70616e746175 // "pantau"

// ImportObservations stores an upload's observations all-or-nothing: new
// values are inserted, changed values are updated and their old value kept
// as a revision, identical values are left alone. Values the file does not
// mention are never deleted. A source naming a key twice is refused
// (ErrInvalid). It returns the upload with its id (the new data version) and
// counts.
func (s *Store) ImportObservations(ctx context.Context, up domain.Upload, src ObservationSource, opts ImportOptions) (domain.Upload, error) {
	up.Kind = domain.UploadObservations
	if !opts.KeysDistinct {
		src = distinctKeys(src)
	}
	err := s.importTx(ctx, &up, opts, func(tx *sqlx.Tx, conn *sql.Conn) (domain.Counts, error) {
		if s.dialect == Postgres {
			return s.copyVersions(ctx, tx, conn, up, src)
		}
		return s.upsertObservations(ctx, tx, up, src)
	})
	return up, full(err)
}

// distinctKeys refuses a source that names a key twice, as invalid. Neither
// write path notices every second mention: SQLite's upsert stores the last
// value (and records the first as a revision when they differ);
// PostgreSQL's versions fail with a unique violation only when both
// mentions are written, not when one of them equals the stored value. The
// CSV reader refuses such files itself; this holds for any source. It runs in the source's goroutine (see pipeline),
// beside the writes.
func distinctKeys(src ObservationSource) ObservationSource {
	return func(emit func(domain.Observation) error) (domain.Counts, error) {
		var seen keySet
		return src(func(o domain.Observation) error {
			if !seen.add(o.SeriesKey) {
				return domain.Errorf(domain.ErrInvalid, "the upload names %s/%s/%d/%q twice", o.IndicatorCode, o.RegionCode, o.Year, o.Disagg)
			}
			return emit(o)
		})
	}
}

// keySet is a set of observation keys whose memory grows with the number
// of series, not of rows: per series a YearSet, as the CSV reader keeps
// them; the rare year outside has a map of its own.
type keySet struct {
	series   map[seriesID]*domain.YearSet
	last     seriesID
	lastBits *domain.YearSet
	other    map[domain.SeriesKey]bool
}

type seriesID struct {
	indicator, region string
	disagg            domain.Disaggregation
}

// add puts k in the set and reports whether it was not there yet.
func (s *keySet) add(k domain.SeriesKey) bool {
	if k.Year < domain.MinYear || k.Year > domain.MaxYear {
		if s.other == nil {
			s.other = map[domain.SeriesKey]bool{}
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
			s.series = map[seriesID]*domain.YearSet{}
		}
		bits := s.series[id]
		if bits == nil {
			bits = new(domain.YearSet)
			s.series[id] = bits
		}
		s.last, s.lastBits = id, bits
	}
	return s.lastBits.Add(k.Year)
}

// importTx runs one import: lock, upload row, the rows, the counts, then
// commit or (dry run, error) roll back.
func (s *Store) importTx(ctx context.Context, up *domain.Upload, opts ImportOptions, write func(tx *sqlx.Tx, conn *sql.Conn) (domain.Counts, error)) (err error) {
	// A cancelled import fails with whatever the driver makes of the
	// cancellation (lib/pq: "canceling statement due to user request");
	// callers ask errors.Is(err, context.Canceled).
	defer func() {
		if cause := ctx.Err(); err != nil && cause != nil && !errors.Is(err, cause) {
			err = fmt.Errorf("%w: %w", cause, err)
		}
	}()
	// The transaction's connection is held apart, for writes that go to
	// the driver directly (copyVersions).
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("store: import: connection: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
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
	counts, err := write(tx, conn.Conn)
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

// versionsTable names the columns an import writes, in order.
const versionsTable = `observation_versions (series_id, year, upload_id, value, series_break, source_line, status, note)`

// copyVersions is PostgreSQL's path: an upload's rows become new versions
// of their keys (observation_versions, migrations 00006 and 00008). Each
// row is compared with its key's current value (priorValues) and only new
// and changed values are written, with the attributes the file did not
// carry taken from the stored value; an identical value writes nothing. A
// changed value does not touch the one it replaces: the newer version makes
// it a revision, so a re-import costs one COPY of its changed rows, not an
// update and a revision row each. The series the upload creates are written
// after the versions, with a second COPY. The file is read in its own
// goroutine while this one classifies and writes.
func (s *Store) copyVersions(ctx context.Context, tx *sqlx.Tx, conn *sql.Conn, up domain.Upload, src ObservationSource) (domain.Counts, error) {
	stored, err := greatestSeriesID(ctx, tx)
	if err != nil {
		return domain.Counts{}, err
	}
	prior := newPriorValues(ctx, s, int32(stored))
	defer prior.close()
	// The COPY goes through the driver's own CopyData with rows formatted
	// here: through database/sql every row would cost eleven argument
	// conversions, a third of the import's CPU time. The import's
	// transaction is on this connection; nothing else uses it meanwhile.
	var counts domain.Counts
	err = conn.Raw(func(dc any) error {
		var line []byte
		err := copyIn(ctx, dc, versionsTable, versionErr, func(send func(string) error) error {
			var err error
			counts, err = s.classify(ctx, prior, src, func(o domain.Observation, series int32) error {
				line = appendCopyRow(line[:0], o, series, up.ID)
				// CopyData copies the line at once: no string of its own.
				return send(unsafe.String(unsafe.SliceData(line), len(line)))
			})
			return err
		})
		if err != nil || len(prior.fresh) == 0 {
			return err
		}
		seriesErr := func(err error) error { return fmt.Errorf("store: import: series: %w", err) }
		return copyIn(ctx, dc, `series (id, indicator_code, region_code, disagg)`, seriesErr, func(send func(string) error) error {
			for i, k := range prior.fresh {
				line = strconv.AppendInt(line[:0], stored+int64(i)+1, 10)
				line = append(line, '\t')
				line = appendCopyText(line, k.indicator)
				line = append(line, '\t')
				line = appendCopyText(line, k.region)
				line = append(line, '\t')
				line = appendCopyText(line, string(k.disagg))
				if err := send(string(line)); err != nil {
					return err
				}
			}
			return nil
		})
	})
	return counts, err
}

// greatestSeriesID is the greatest series id stored, after which an import
// gives the series it creates their ids. Imports hold the write lock
// (importLockKey on PostgreSQL, SQLite's immediate transaction), so no one
// else gives ids meanwhile; the transaction reads at READ COMMITTED (the
// default), so it sees every series committed before the lock was granted.
func greatestSeriesID(ctx context.Context, tx *sqlx.Tx) (int64, error) {
	var id int64
	if err := tx.GetContext(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM series`); err != nil {
		return 0, fmt.Errorf("store: import: series: %w", err)
	}
	return id, nil
}

// copyIn copies rows into table with COPY … FROM STDIN on the driver
// connection dc: rows calls send with each row in COPY's text format. The
// COPY's own errors go through wrap; rows' other errors are returned as
// they are.
//
// Every copySegment rows the COPY is ended and a new one begun, which waits
// for the server to store what it was sent. Without that wait the server
// falls behind the client by what the sockets hold (tens of megabytes on
// loopback, close to a second of work), and that backlog is worked off
// alone at the end while nothing else runs beside it.
func copyIn(ctx context.Context, dc any, table string, wrap func(error) error, rows func(send func(string) error) error) error {
	prep, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return wrap(fmt.Errorf("driver %T cannot prepare", dc))
	}
	type copier interface {
		driver.Stmt
		CopyData(ctx context.Context, line string) (driver.Result, error)
	}
	var st copier
	start := func() error {
		s, err := prep.PrepareContext(ctx, `COPY `+table+` FROM STDIN`)
		if err != nil {
			return wrap(err)
		}
		var ok bool
		if st, ok = s.(copier); !ok {
			s.Close()
			return wrap(fmt.Errorf("driver statement %T has no CopyData", s))
		}
		return nil
	}
	end := func() error {
		defer func() { st.Close(); st = nil }()
		// An empty Exec ends the COPY; constraint errors surface here at the latest.
		if _, err := st.Exec(nil); err != nil { //nolint:staticcheck // lib/pq's COPY statement implements only Exec
			return wrap(err)
		}
		return nil
	}
	if err := start(); err != nil {
		return err
	}
	sent := 0
	if err := rows(func(line string) error {
		// Not ctx: lib/pq watches a cancellable context with a goroutine
		// per call. The caller checks ctx once per batch.
		if _, err := st.CopyData(context.Background(), line); err != nil {
			return wrap(err)
		}
		if sent++; sent%copySegment == 0 {
			if err := end(); err != nil {
				return err
			}
			return start()
		}
		return nil
	}); err != nil {
		if st != nil {
			st.Close()
		}
		return err
	}
	return end()
}

// copySegment is how many rows one COPY of copyIn carries.
const copySegment = 1 << 16

// classify runs the import's pipeline: every row is compared with its key's
// current value, and write is called with each new or changed row, its
// attributes completed, and its series id.
func (s *Store) classify(ctx context.Context, prior *priorValues, src ObservationSource, write func(domain.Observation, int32) error) (domain.Counts, error) {
	var n domain.Counts
	old, found, ids := make([]domain.Observation, pipelineBatch), make([]bool, pipelineBatch), make([]int32, pipelineBatch)
	counts, err := pipeline(src, prior.ahead, func(batch []domain.Observation) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		old, found, ids := old[:len(batch)], found[:len(batch)], ids[:len(batch)]
		if err := prior.classify(batch, old, found, ids); err != nil {
			return err
		}
		for i, o := range batch {
			if found[i] {
				o = o.Keep(old[i])
				if o.SameAs(old[i]) {
					n.Unchanged++
					continue
				}
				n.Changed++
			} else {
				o = o.Keep(domain.Observation{Status: domain.StatusFinal})
				n.New++
			}
			if err := write(o, ids[i]); err != nil {
				return err
			}
		}
		return nil
	})
	counts.New, counts.Changed, counts.Unchanged = n.New, n.Changed, n.Unchanged
	return counts, err
}

// appendCopyRow appends o, of the given series, as a line of COPY's text
// format, in the order of versionsTable.
func appendCopyRow(b []byte, o domain.Observation, series int32, upload int64) []byte {
	b = strconv.AppendInt(b, int64(series), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(o.Year), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, upload, 10)
	b = append(b, '\t')
	// As lib/pq formats a float8: the shortest text that reads back exactly.
	b = strconv.AppendFloat(b, o.Value, 'f', -1, 64)
	b = append(b, '\t')
	if o.Break {
		b = append(b, 't')
	} else {
		b = append(b, 'f')
	}
	b = append(b, '\t')
	if o.Line > 0 {
		b = strconv.AppendInt(b, int64(o.Line), 10)
	} else {
		b = append(b, `\N`...)
	}
	b = append(b, '\t')
	b = appendCopyText(b, string(o.Status))
	b = append(b, '\t')
	return appendCopyText(b, o.Note)
}

// appendCopyText appends s escaped for COPY's text format: a backslash
// and the characters that separate fields and rows are backslash escapes.
func appendCopyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// versionErr reports a write of a version that already exists: the upload
// names a key twice (distinctKeys refuses that first; this is the last
// line of defence).
func versionErr(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return domain.Errorf(domain.ErrInvalid, "the upload names an observation twice: %v", err)
	}
	return fmt.Errorf("store: import: write: %w", err)
}

// pipelineBatch is how many rows pipeline hands over at once.
const pipelineBatch = 1024

// pipeline runs src in its own goroutine, which calls ahead for every row,
// and calls write with the rows in this one, in order and in batches, so
// that parsing overlaps with sending rows to the database and channel
// overhead stays off the per-row path.
func pipeline(src ObservationSource, ahead func(domain.Observation), write func([]domain.Observation) error) (domain.Counts, error) {
	batches := make(chan []domain.Observation, 64)
	// Written batches come back for reuse: a fresh 1024-row batch per
	// batch costs more in allocation and first writes than the rows' copy.
	free := make(chan []domain.Observation, cap(batches)+2)
	stop := make(chan struct{})
	type result struct {
		counts domain.Counts
		err    error
	}
	done := make(chan result, 1)
	go func() {
		defer close(batches)
		batch := make([]domain.Observation, 0, pipelineBatch)
		counts, err := src(func(o domain.Observation) error {
			ahead(o)
			batch = append(batch, o)
			if len(batch) < pipelineBatch {
				return nil
			}
			select {
			case batches <- batch:
			case <-stop:
				return errStopped
			}
			select {
			case batch = <-free:
				batch = batch[:0]
			default:
				batch = make([]domain.Observation, 0, pipelineBatch)
			}
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
		if writeErr = write(batch); writeErr != nil {
			close(stop)
			break
		}
		free <- batch
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
	id, err := b.series.id(o.SeriesKey)
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
func (r *sqliteSeries) id(k domain.SeriesKey) (int64, error) {
	sk := seriesKey{k.IndicatorCode, k.RegionCode, k.Disagg}
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

// Series is everything stored about one indicator in one region: every
// observation (all disaggregations) and the targets of every plan.
type Series struct {
	Indicator    domain.Indicator     `json:"indicator"`
	Region       domain.Region        `json:"region"`
	Observations []domain.Observation `json:"observations"`
	Targets      []domain.Target      `json:"targets"`
	Plans        []domain.Plan        `json:"plans"`
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
	out.Observations = []domain.Observation{}
	if err := s.rdb.SelectContext(ctx, &out.Observations, s.rdb.Rebind(`SELECT indicator_code, region_code, disagg, year, value, status,
		series_break, note, upload_id, updated_at, COALESCE(source_line, 0) AS source_line FROM observations WHERE indicator_code = ? AND region_code = ? ORDER BY disagg, year`),
		indicatorCode, regionCode); err != nil {
		return out, fmt.Errorf("store: series %s/%s: %w", indicatorCode, regionCode, err)
	}
	// A region is measured against its own plans and those of every level
	// above it (the regency against its RPJMD, the province's RKPD, the RPJMN).
	regions := []string{regionCode}
	for c := domain.ParentOfCode(regionCode); c != ""; c = domain.ParentOfCode(c) {
		regions = append(regions, c)
	}
	q, args, err := sqlx.In(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets WHERE indicator_code = ? AND region_code IN (?) ORDER BY plan_code, disagg, year`, indicatorCode, regions)
	if err != nil {
		return out, fmt.Errorf("store: series targets: %w", err)
	}
	out.Targets = []domain.Target{}
	if err := s.rdb.SelectContext(ctx, &out.Targets, s.rdb.Rebind(q), args...); err != nil {
		return out, fmt.Errorf("store: series targets %s/%s: %w", indicatorCode, regionCode, err)
	}
	codes := map[string]bool{}
	for _, t := range out.Targets {
		codes[t.PlanCode] = true
	}
	out.Plans = []domain.Plan{}
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
func (s *Store) ObservationRevisions(ctx context.Context, indicatorCode, regionCode string, year int) ([]domain.Revision, error) {
	q := `SELECT r.indicator_code, r.region_code, r.disagg, r.year, r.old_value, r.old_status, r.new_value, r.old_upload_id,
		r.upload_id, COALESCE(u.created_by, '') AS changed_by, r.changed_at
		FROM observation_revisions r LEFT JOIN uploads u ON u.id = r.upload_id
		WHERE r.indicator_code = ? AND r.region_code = ?`
	args := []any{indicatorCode, regionCode}
	if year != 0 {
		q, args = q+` AND r.year = ?`, append(args, year)
	}
	out := []domain.Revision{}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q+` ORDER BY r.year, r.disagg, r.upload_id`), args...); err != nil {
		return nil, fmt.Errorf("store: revisions %s/%s: %w", indicatorCode, regionCode, err)
	}
	return out, nil
}

// Upload returns one upload by id.
func (s *Store) Upload(ctx context.Context, id int64) (domain.Upload, error) {
	var u domain.Upload
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
