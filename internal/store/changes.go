package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"pantau/internal/domain"
)

// Change kinds.
const (
	ChangeNew     = "new"
	ChangeRevised = "revised"
)

// Change is one change to an observation: its first value (kind "new") or
// a revision of it (kind "revised"), made by the upload whose id is Version.
type Change struct {
	domain.ObservationKey
	Version   int64    `json:"version" db:"version"`
	Kind      string   `json:"kind" db:"kind"`
	OldValue  *float64 `json:"old_value" db:"old_value"`
	OldStatus string   `json:"old_status,omitempty" db:"old_status"`
	NewValue  float64  `json:"new_value" db:"new_value"`
	NewStatus string   `json:"new_status" db:"new_status"`
	// Series is the key's series id: with Version and Year, where the
	// change stands in the feed's order (see ChangeCursor).
	Series int64 `json:"-" db:"series_id"`
}

// ChangeCursor is where a page of changes ended: the next page starts
// after it. Changes are ordered by version, then series (its id: the order
// series were first stored in), then year: the order the change indexes
// keep (migrations postgres 00015, sqlite 00014).
type ChangeCursor struct {
	Version, Series int64
	Year            int
}

// changesSQL reads a page of changes from SQLite's tables, merging three
// index ranges in change order (each arm is ordered by its index, so the
// merge reads a page from each and stops): every revision ("revised"),
// every value never revised (its key's first, "new"), and every key's
// first revision, whose old value is the key's first ("new"). Its
// arguments are the cursor's three columns, three times, then the limit.
const changesSQL = `SELECT s.indicator_code, s.region_code, s.disagg, c.year, c.version, c.kind, c.old_value, c.old_status, c.new_value,
		c.new_status, c.series_id
	FROM (
		SELECT r.upload_id AS version, r.series_id, r.year, 'revised' AS kind, r.old_value, r.old_status, r.new_value, r.new_status
		FROM observation_revision_values r INDEXED BY observation_revision_values_change
		WHERE (r.upload_id, r.series_id, r.year) > (?, ?, ?)
		UNION ALL
		SELECT v.upload_id, v.series_id, v.year, 'new', NULL, '', v.value, v.status
		FROM observation_values v INDEXED BY observation_values_change
		WHERE (v.upload_id, v.series_id, v.year) > (?, ?, ?)
			AND NOT EXISTS (SELECT 1 FROM observation_revision_values e WHERE e.series_id = v.series_id AND e.year = v.year)
		UNION ALL
		SELECT f.old_upload_id, f.series_id, f.year, 'new', NULL, '', f.old_value, f.old_status
		FROM observation_revision_values f INDEXED BY observation_revision_values_replaced
		WHERE (f.old_upload_id, f.series_id, f.year) > (?, ?, ?)
			AND NOT EXISTS (SELECT 1 FROM observation_revision_values e WHERE e.series_id = f.series_id AND e.year = f.year
				AND e.upload_id < f.upload_id)
		ORDER BY 1, 2, 3 LIMIT ?
	) c
	JOIN series s ON s.id = c.series_id
	ORDER BY c.version, c.series_id, c.year`

// changesOfVersionsSQL reads the same from PostgreSQL's versions, in the
// order of their change index: every version is a change, "new" when it
// is its key's first, else "revised" from the version before it (one
// probe of the key's index). Its arguments are the cursor's three
// columns, then the limit.
const changesOfVersionsSQL = `SELECT s.indicator_code, s.region_code, s.disagg, n.year, n.upload_id,
		CASE WHEN o.upload_id IS NULL THEN 'new' ELSE 'revised' END,
		o.value, COALESCE(o.status, ''), n.value, n.status, n.series_id
	FROM observation_versions n
	JOIN series s ON s.id = n.series_id
	LEFT JOIN LATERAL (
		SELECT p.upload_id, p.value, p.status FROM observation_versions p
		WHERE p.series_id = n.series_id AND p.year = n.year AND p.upload_id < n.upload_id
		ORDER BY p.upload_id DESC LIMIT 1
	) o ON TRUE
	WHERE (n.upload_id, n.series_id, n.year) > (?, ?, ?)
	ORDER BY n.upload_id, n.series_id, n.year LIMIT ?`

// Changes lists observation changes made by uploads after version since,
// in change order (see ChangeCursor), at most limit of them, starting
// after the cursor when one is given. A key's first value is the old value
// of its first revision when it has been revised since, else its current
// value. A page costs its own length, not the table's.
func (s *Store) Changes(ctx context.Context, since int64, after *ChangeCursor, limit int) ([]Change, error) {
	// After version since is after its last possible key.
	from := ChangeCursor{Version: since, Series: math.MaxInt32, Year: math.MaxInt32}
	if after != nil && after.Version > since {
		from = *after
	}
	cur := []any{from.Version, from.Series, from.Year}
	q, args := changesSQL, append(append(append(append([]any{}, cur...), cur...), cur...), limit)
	if s.dialect == Postgres {
		q, args = changesOfVersionsSQL, append(cur, limit)
	}
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: changes since %d: %w", since, err)
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		var old sql.NullFloat64
		if err := rows.Scan(&c.IndicatorCode, &c.RegionCode, &c.Disagg, &c.Year, &c.Version, &c.Kind, &old, &c.OldStatus,
			&c.NewValue, &c.NewStatus, &c.Series); err != nil {
			return nil, fmt.Errorf("store: changes since %d: %w", since, err)
		}
		if old.Valid {
			c.OldValue = &old.Float64
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: changes since %d: %w", since, err)
	}
	return out, nil
}
