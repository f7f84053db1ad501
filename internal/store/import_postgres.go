package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"pantau/internal/domain"
)

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
