package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

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
			if !seen.add(o.ObservationKey) {
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
	series   map[seriesKey]*domain.YearSet
	last     seriesKey
	lastBits *domain.YearSet
	other    map[domain.ObservationKey]bool
}

// add puts k in the set and reports whether it was not there yet.
func (s *keySet) add(k domain.ObservationKey) bool {
	if k.Year < domain.MinYear || k.Year > domain.MaxYear {
		if s.other == nil {
			s.other = map[domain.ObservationKey]bool{}
		}
		if s.other[k] {
			return false
		}
		s.other[k] = true
		return true
	}
	id := seriesOf(k)
	if s.lastBits == nil || id != s.last {
		if s.series == nil {
			s.series = map[seriesKey]*domain.YearSet{}
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
	if s.dialect == SQLite && counts.New+counts.Changed >= checkpointRows {
		s.checkpointWAL(ctx)
	}
	return nil
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

// lineArg is the source_line of a row: NULL when it did not come from a file.
func lineArg(line int) any {
	if line <= 0 {
		return nil
	}
	return line
}
