package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"pantau/internal/domain"
)

// StoredValues looks up stored observations during an import, for the
// reader's and the importer's plausibility warnings (the value of the year
// before, the value replaced) and for a dry run's list of changes. The
// reader asks per row; the values are read set-based, as the import reads
// them: on an indicator's first row all its current values are loaded in
// one pass (PostgreSQL: the import's own read, priorValues.read; SQLite: one
// range scan of the values by series), into the import's compact index
// (priorIndicator). Loaded indicators are dropped least recently used first
// once they hold more than maxStoredValues values together; an indicator
// bigger than that on its own is read a year at a time instead, those
// groups emptied together when they outgrow maxCachedValues. Memory stays
// flat however big the file. It reads committed data, outside the
// import's transaction.
type StoredValues struct {
	s    *Store
	ctx  context.Context
	mu   sync.Mutex
	inds map[string]*priorIndicator
	held int
	tick int64
	// groups are the year-at-a-time values of indicators too big to load.
	groups map[valueGroup]map[valueSlot]domain.Observation
	size   int
	err    error
	// Queries counts the loads (of an indicator, or of one of its years),
	// for tests and logs.
	Queries int
}

type valueGroup struct {
	indicator string
	year      int
}

type valueSlot struct {
	region string
	disagg domain.Disaggregation
}

const (
	// maxStoredValues bounds the values of loaded indicators (24 bytes
	// each, and a map entry per series).
	maxStoredValues = 1_000_000
	// maxCachedValues bounds the year groups of indicators too big to
	// load (about 100 bytes each).
	maxCachedValues = 500_000
)

// storedValuesOfVersionsSQL is the year-at-a-time query on PostgreSQL:
// the view's, with the newest version of each series' year asked for as
// the first row of its index range (LIMIT 1). Through the view, right after
// a big import (statistics not yet updated) the planner sorted each
// series' versions instead, four times slower.
const storedValuesOfVersionsSQL = `SELECT s.region_code, s.disagg, c.value, c.status, c.series_break, c.note, c.upload_id,
		COALESCE(c.source_line, 0)
	FROM series s
	CROSS JOIN LATERAL (
		SELECT v.value, v.status, v.series_break, v.note, v.upload_id, v.source_line FROM observation_versions v
		WHERE v.series_id = s.id AND v.year = $2 ORDER BY v.upload_id DESC LIMIT 1
	) c
	WHERE s.indicator_code = $1`

// StoredValues returns an empty lookup over the store's observations.
func (s *Store) StoredValues(ctx context.Context) *StoredValues {
	return &StoredValues{s: s, ctx: ctx, inds: map[string]*priorIndicator{}, groups: map[valueGroup]map[valueSlot]domain.Observation{}}
}

// Get returns the stored observation for k (its value, status, break and
// note; not its upload or line).
func (v *StoredValues) Get(k domain.ObservationKey) (domain.Observation, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	pi := v.indicator(k.IndicatorCode)
	if pi != nil && !pi.tooBig {
		o, ok, _ := pi.get(k)
		return o, ok
	}
	g := valueGroup{k.IndicatorCode, k.Year}
	m, ok := v.groups[g]
	if !ok {
		m = v.loadYear(g)
	}
	o, ok := m[valueSlot{k.RegionCode, k.Disagg}]
	return o, ok
}

// Value returns the stored value for k; it has the shape of ingest.Options.Previous.
func (v *StoredValues) Value(k domain.ObservationKey) (float64, bool) {
	o, ok := v.Get(k)
	return o.Value, ok
}

// Err returns the first error a load met (lookups then answer "not stored").
func (v *StoredValues) Err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

// indicator returns the loaded values of an indicator, loading them on
// first use; nil after an error.
func (v *StoredValues) indicator(code string) *priorIndicator {
	v.tick++
	if pi, ok := v.inds[code]; ok {
		pi.used = v.tick
		return pi
	}
	if v.err != nil {
		return nil
	}
	v.Queries++
	pi := &priorIndicator{code: code, used: v.tick}
	var err error
	if v.s.dialect == Postgres {
		err = (&priorValues{s: v.s, ctx: v.ctx, limit: maxStoredValues}).read(pi)
	} else {
		err = v.s.readIndicatorSQLite(v.ctx, pi)
	}
	if err != nil {
		v.err = fmt.Errorf("store: stored values of %s: %w", code, err)
		return nil
	}
	v.inds[code] = pi
	v.held += len(pi.vals)
	for v.held > maxStoredValues {
		var old *priorIndicator
		for _, c := range v.inds {
			if c != pi && len(c.vals) > 0 && (old == nil || c.used < old.used) {
				old = c
			}
		}
		if old == nil {
			break
		}
		// Forgotten, not freed: a dropped indicator is read again if asked.
		delete(v.inds, old.code)
		v.held -= len(old.vals)
	}
	return pi
}

// readIndicatorSQLite fills pi with an indicator's current values on
// SQLite: its series, then their values by series id in key order, so that
// each series' years come together (one range of the values' primary key
// per series).
func (s *Store) readIndicatorSQLite(ctx context.Context, pi *priorIndicator) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, region_code, disagg FROM series WHERE indicator_code = ?`, pi.code)
	if err != nil {
		return err
	}
	keys := map[int64]priorSeries{}
	pi.series = map[priorSeries]priorSpan{}
	for rows.Next() {
		var id int64
		var k priorSeries
		if err := rows.Scan(&id, &k.region, &k.disagg); err != nil {
			rows.Close()
			return err
		}
		keys[id] = k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if rows, err = s.db.QueryContext(ctx, `SELECT series_id, year, value, status, series_break, note FROM observation_values
		WHERE series_id IN (SELECT id FROM series WHERE indicator_code = ?) ORDER BY series_id, year`, pi.code); err != nil {
		return err
	}
	defer rows.Close()
	pi.strs, pi.strIDs = []string{string(domain.StatusFinal), ""}, map[string]uint32{}
	var cur int64
	var status, note sql.RawBytes
	from := 0
	for rows.Next() {
		var id int64
		var y priorYear
		if err := rows.Scan(&id, &y.year, &y.value, &status, &y.brk, &note); err != nil {
			return err
		}
		if id != cur && cur != 0 {
			pi.series[keys[cur]] = priorSpan{int32(cur), int32(from), int32(len(pi.vals))}
			from = len(pi.vals)
		}
		cur = id
		if len(pi.vals) >= maxStoredValues {
			pi.tooBig, pi.series, pi.vals, pi.strs, pi.strIDs = true, nil, nil, nil, nil
			return nil
		}
		y.status, y.note = pi.intern(string(status)), pi.intern(string(note))
		pi.vals = append(pi.vals, y)
	}
	if cur != 0 {
		pi.series[keys[cur]] = priorSpan{int32(cur), int32(from), int32(len(pi.vals))}
	}
	return rows.Err()
}

// loadYear reads one year of an indicator too big to load whole.
func (v *StoredValues) loadYear(g valueGroup) map[valueSlot]domain.Observation {
	m := map[valueSlot]domain.Observation{}
	if v.err != nil {
		return m
	}
	v.Queries++
	q := `SELECT region_code, disagg, value, status, series_break, note, upload_id, COALESCE(source_line, 0)
		FROM observations WHERE indicator_code = ? AND year = ?`
	if v.s.dialect == Postgres {
		q = storedValuesOfVersionsSQL
	}
	rows, err := v.s.db.QueryContext(v.ctx, v.s.db.Rebind(q), g.indicator, g.year)
	if err != nil {
		v.err = fmt.Errorf("store: stored values %s/%d: %w", g.indicator, g.year, err)
		return m
	}
	defer rows.Close()
	for rows.Next() {
		o := domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: g.indicator, Year: g.year}}
		var brk sql.NullBool
		if err := rows.Scan(&o.RegionCode, &o.Disagg, &o.Value, &o.Status, &brk, &o.Note, &o.UploadID, &o.Line); err != nil {
			v.err = fmt.Errorf("store: stored values %s/%d: %w", g.indicator, g.year, err)
			return m
		}
		o.Break = brk.Bool
		m[valueSlot{o.RegionCode, o.Disagg}] = o
	}
	if err := rows.Err(); err != nil {
		v.err = fmt.Errorf("store: stored values %s/%d: %w", g.indicator, g.year, err)
		return m
	}
	if v.size+len(m) > maxCachedValues {
		clear(v.groups)
		v.size = 0
	}
	v.groups[g] = m
	v.size += len(m)
	return m
}
