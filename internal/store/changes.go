package store

import (
	"context"
	"database/sql"
	"fmt"

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
	domain.SeriesKey
	Version   int64    `json:"version" db:"version"`
	Kind      string   `json:"kind" db:"kind"`
	OldValue  *float64 `json:"old_value" db:"old_value"`
	OldStatus string   `json:"old_status,omitempty" db:"old_status"`
	NewValue  float64  `json:"new_value" db:"new_value"`
	NewStatus string   `json:"new_status" db:"new_status"`
}

// ChangeCursor is where a page of changes ended: the next page starts
// after it.
type ChangeCursor struct {
	Version int64
	domain.SeriesKey
}

// changesSQL reads changes from SQLite's tables: every revision after
// since, and every key created after since with its first value (the old
// value of its first revision when it has been revised since, else its
// current value). Its arguments are since three times.
const changesSQL = `SELECT c.indicator_code, c.region_code, c.disagg, c.year, c.version, c.kind, c.old_value, c.old_status, c.new_value, c.new_status
	FROM (
		SELECT r.indicator_code, r.region_code, r.disagg, r.year, r.upload_id AS version, 'revised' AS kind,
			r.old_value, r.old_status, r.new_value, r.new_status
		FROM observation_revisions r WHERE r.upload_id > ?
		UNION ALL
		SELECT o.indicator_code, o.region_code, o.disagg, o.year, COALESCE(f.old_upload_id, o.upload_id) AS version, 'new' AS kind,
			NULL AS old_value, '' AS old_status, COALESCE(f.old_value, o.value) AS new_value, COALESCE(f.old_status, o.status) AS new_status
		FROM observations o
		LEFT JOIN observation_revisions f ON f.indicator_code = o.indicator_code AND f.region_code = o.region_code
			AND f.disagg = o.disagg AND f.year = o.year
			AND f.upload_id = (SELECT MIN(m.upload_id) FROM observation_revisions m WHERE m.indicator_code = o.indicator_code
				AND m.region_code = o.region_code AND m.disagg = o.disagg AND m.year = o.year)
		-- A key created after since was last written after since too, so
		-- o.upload_id > since narrows the scan before the join.
		WHERE o.upload_id > ? AND COALESCE(f.old_upload_id, o.upload_id) > ?
	) c`

// changesOfVersionsSQL reads the same from PostgreSQL's versions: every
// version after since is a change, "new" when it is its key's first, else
// "revised" from the version before it (one index probe). Its argument is
// since.
const changesOfVersionsSQL = `SELECT c.indicator_code, c.region_code, c.disagg, c.year, c.version, c.kind, c.old_value, c.old_status,
		c.new_value, c.new_status
	FROM (
		SELECT s.indicator_code, s.region_code, s.disagg, n.year, n.upload_id AS version,
			CASE WHEN o.upload_id IS NULL THEN 'new' ELSE 'revised' END AS kind,
			o.value AS old_value, COALESCE(o.status, '') AS old_status, n.value AS new_value, n.status AS new_status
		FROM observation_versions n
		JOIN series s ON s.id = n.series_id
		LEFT JOIN LATERAL (
			SELECT p.upload_id, p.value, p.status FROM observation_versions p
			WHERE p.series_id = n.series_id AND p.year = n.year AND p.upload_id < n.upload_id
			ORDER BY p.upload_id DESC LIMIT 1
		) o ON TRUE
		WHERE n.upload_id > ?
	) c`

// Changes lists observation changes made by uploads after version since,
// ordered by version then key, at most limit of them, starting after the
// cursor when one is given. A key's first value is the old value of its
// first revision when it has been revised since, else its current value.
func (s *Store) Changes(ctx context.Context, since int64, after *ChangeCursor, limit int) ([]Change, error) {
	q, args := changesSQL, []any{since, since, since}
	if s.dialect == Postgres {
		q, args = changesOfVersionsSQL, []any{since}
	}
	if after != nil {
		q += ` WHERE (c.version, c.indicator_code, c.region_code, c.disagg, c.year) > (?, ?, ?, ?, ?)`
		args = append(args, after.Version, after.IndicatorCode, after.RegionCode, string(after.Disagg), after.Year)
	}
	q += ` ORDER BY c.version, c.indicator_code, c.region_code, c.disagg, c.year LIMIT ?`
	args = append(args, limit)
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
			&c.NewValue, &c.NewStatus); err != nil {
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
