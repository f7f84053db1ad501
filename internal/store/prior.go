package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"sync"

	"pantau/internal/indicator"
)

// priorValues tells an import the value each of its keys has now (the
// key's newest version), so that the import writes only new and changed
// values and counts them exactly.
//
// PostgreSQL only (SQLite's upsert compares in the statement). It reads
// committed data on connections of its own (Store.lookups), in goroutines,
// while the import's transaction is busy with a COPY. Nothing else can
// commit observations meanwhile (imports hold importLockKey), so the
// committed values are exactly those the import replaces. An upload names a
// key once (distinctKeys refuses duplicates), so the import's own writes
// never need to be seen.
//
// Two ways to look values up. Keys of an indicator with few rows in the
// upload are looked up in batches, one query per batch of the file: a small
// upload into a big table reads only what it names. Once an indicator has
// many rows in the upload, all of its current values are loaded at once by
// one of two goroutines that work ahead of the writer (one range scan of
// the versions' index instead of a probe per key), and kept in a compact in-memory index.
// Loaded indicators the writer has used are dropped, least recently used
// first, when loaded indicators hold more than maxPriorEntries values
// together; an indicator bigger than that on its own is never loaded and
// stays with batched lookups.
type priorValues struct {
	s   *Store
	ctx context.Context

	mu     sync.Mutex
	inds   map[string]*priorIndicator
	held   int   // values held by loaded indicators
	clock  int64 // for least-recently-used eviction
	queue  chan *priorIndicator
	loader sync.WaitGroup

	// Owned by the reading goroutine (ahead).
	seen  map[string]int
	asked map[string]bool
	total int
}

const (
	// An indicator is loaded whole once it has loadAfterRows rows in the
	// upload, or on its first row once the upload has loadAllAfterRows:
	// a whole load costs about as much as a few batched lookups.
	loadAfterRows    = 2048
	loadAllAfterRows = 16384
	// maxPriorEntries bounds the loaded values (about 60 bytes each).
	maxPriorEntries = 250_000
)

// priorIndicator is one indicator's current values, loaded by the loader
// goroutine; immutable once done is closed.
type priorIndicator struct {
	code string
	done chan struct{}
	err  error
	// tooBig: more than maxPriorEntries values; look keys up in batches.
	tooBig bool
	used   int64
	// Region and disaggregation codes, statuses and notes as small
	// integers: a value then takes a 12-byte key and a 24-byte entry.
	ids  map[string]uint32
	strs []string
	vals map[priorSlot]priorValue
}

type priorSlot struct {
	region, disagg uint32
	year           int32
}

type priorValue struct {
	value        float64
	status, note uint32
	brk          bool
}

func newPriorValues(ctx context.Context, s *Store) *priorValues {
	p := &priorValues{s: s, ctx: ctx, inds: map[string]*priorIndicator{}, seen: map[string]int{}, asked: map[string]bool{},
		queue: make(chan *priorIndicator, 64)}
	for range 2 {
		p.loader.Add(1)
		go func() {
			defer p.loader.Done()
			for pi := range p.queue {
				p.load(pi)
			}
		}()
	}
	return p
}

// close stops the loader; it must be called once the writer is done.
func (p *priorValues) close() {
	close(p.queue)
	p.loader.Wait()
}

// ahead is called by the reading goroutine with every row before the
// writer sees it, so that loads start early.
func (p *priorValues) ahead(o indicator.Observation) {
	p.total++
	n := p.seen[o.IndicatorCode] + 1
	p.seen[o.IndicatorCode] = n
	if (n >= loadAfterRows || p.total >= loadAllAfterRows) && !p.asked[o.IndicatorCode] {
		p.asked[o.IndicatorCode] = true
		p.request(o.IndicatorCode)
	}
}

func (p *priorValues) request(code string) {
	p.mu.Lock()
	if _, ok := p.inds[code]; ok {
		p.mu.Unlock()
		return
	}
	pi := &priorIndicator{code: code, done: make(chan struct{})}
	p.inds[code] = pi
	p.mu.Unlock()
	p.queue <- pi
}

// loaded returns the indicator's loaded values, waiting for a load in
// progress; nil when the indicator is looked up in batches.
func (p *priorValues) loaded(code string) (*priorIndicator, error) {
	p.mu.Lock()
	pi := p.inds[code]
	if pi != nil {
		p.clock++
		pi.used = p.clock
	}
	p.mu.Unlock()
	if pi == nil {
		return nil, nil
	}
	select {
	case <-pi.done:
	case <-p.ctx.Done():
		return nil, p.ctx.Err()
	}
	if pi.err != nil {
		return nil, pi.err
	}
	if pi.tooBig {
		return nil, nil
	}
	return pi, nil
}

// read fills pi from the database. The rows go through the driver
// directly: database/sql's per-column conversions would cost about as much
// as the query itself, on the core the import's COPY shares.
func (p *priorValues) read(pi *priorIndicator) error {
	conn, err := p.s.lookups.Conn(p.ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Right after a big import the statistics are stale and the planner
	// picks a bitmap scan and a sort; the index scan needs neither. This
	// pool serves only an import's reads of current values.
	if _, err := conn.ExecContext(p.ctx, `SET enable_bitmapscan = off; SET enable_sort = off`); err != nil {
		return err
	}
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query", dc)
		}
		rows, err := q.QueryContext(p.ctx, currentOfIndicatorSQL, []driver.NamedValue{{Ordinal: 1, Value: pi.code}})
		if err != nil {
			return err
		}
		defer rows.Close()
		pi.ids, pi.vals = map[string]uint32{}, map[priorSlot]priorValue{}
		id := func(s string) uint32 {
			if n, ok := pi.ids[s]; ok {
				return n
			}
			n := uint32(len(pi.strs))
			pi.ids[s] = n
			pi.strs = append(pi.strs, s)
			return n
		}
		row := make([]driver.Value, 7)
		for {
			if err := rows.Next(row); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			region, ok1 := row[0].(string)
			disagg, ok2 := row[1].(string)
			year, ok3 := row[2].(int64)
			value, ok4 := row[3].(float64)
			status, ok5 := row[4].(string)
			brk, ok6 := row[5].(bool)
			note, ok7 := row[6].(string)
			if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
				return fmt.Errorf("unexpected column types %T", row)
			}
			if len(pi.vals) >= maxPriorEntries {
				pi.tooBig, pi.ids, pi.strs, pi.vals = true, nil, nil, nil
				return nil
			}
			pi.vals[priorSlot{id(region), id(disagg), int32(year)}] = priorValue{value: value, status: id(status), note: id(note), brk: brk}
		}
	})
}

// currentOfIndicatorSQL reads an indicator's current values: a scan of the versions' index meets each key's newest version first.
const currentOfIndicatorSQL = `SELECT DISTINCT ON (region_code, disagg, year) region_code, disagg, year, value, status, series_break, note
	FROM observation_versions WHERE indicator_code = $1
	ORDER BY region_code, disagg, year, upload_id DESC`

func (p *priorValues) load(pi *priorIndicator) {
	defer close(pi.done)
	if err := p.read(pi); err != nil {
		pi.err = fmt.Errorf("store: import: current values of %s: %w", pi.code, err)
		return
	}
	if pi.tooBig {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held += len(pi.vals)
	for p.held > maxPriorEntries {
		var old *priorIndicator
		for _, c := range p.inds {
			// Never one the writer has not used yet: it was loaded ahead
			// for rows still to come.
			if c == pi || c.used == 0 || (old != nil && c.used >= old.used) {
				continue
			}
			// Nor one still loading: its loader writes its fields until
			// it closes done.
			select {
			case <-c.done:
			default:
				continue
			}
			if c.vals != nil {
				old = c
			}
		}
		if old == nil {
			break
		}
		// The writer may still hold it; it only stops being found here.
		delete(p.inds, old.code)
		p.held -= len(old.vals)
	}
}

// get returns the stored observation of o's key from a loaded indicator.
func (pi *priorIndicator) get(k indicator.SeriesKey) (indicator.Observation, bool) {
	r, ok := pi.ids[k.RegionCode]
	if !ok {
		return indicator.Observation{}, false
	}
	d, ok := pi.ids[string(k.Disagg)]
	if !ok {
		return indicator.Observation{}, false
	}
	v, ok := pi.vals[priorSlot{r, d, int32(k.Year)}]
	if !ok {
		return indicator.Observation{}, false
	}
	return indicator.Observation{SeriesKey: k, Value: v.value, Status: indicator.Status(pi.strs[v.status]), Break: v.brk,
		Note: pi.strs[v.note]}, true
}

// lookup finds the current values of keys in one query.
func (p *priorValues) lookup(keys []indicator.SeriesKey) (map[indicator.SeriesKey]indicator.Observation, error) {
	out := make(map[indicator.SeriesKey]indicator.Observation, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var b strings.Builder
	b.WriteString(`WITH k (indicator_code, region_code, disagg, year) AS (VALUES `)
	args := make([]any, 0, 4*len(keys))
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`(?, ?, ?, CAST(? AS INTEGER))`)
		args = append(args, k.IndicatorCode, k.RegionCode, string(k.Disagg), k.Year)
	}
	b.WriteString(`)
	SELECT v.indicator_code, v.region_code, v.disagg, v.year, v.value, v.status, v.series_break, v.note
	FROM k JOIN observation_versions v ON v.indicator_code = k.indicator_code AND v.region_code = k.region_code
		AND v.disagg = k.disagg AND v.year = k.year
	WHERE v.upload_id = (SELECT MAX(m.upload_id) FROM observation_versions m WHERE m.indicator_code = k.indicator_code
		AND m.region_code = k.region_code AND m.disagg = k.disagg AND m.year = k.year)`)
	rows, err := p.s.lookups.QueryContext(p.ctx, p.s.lookups.Rebind(b.String()), args...)
	if err != nil {
		return nil, fmt.Errorf("store: import: current values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o indicator.Observation
		var brk sql.NullBool
		if err := rows.Scan(&o.IndicatorCode, &o.RegionCode, &o.Disagg, &o.Year, &o.Value, &o.Status, &brk, &o.Note); err != nil {
			return nil, fmt.Errorf("store: import: current values: %w", err)
		}
		o.Break = brk.Bool
		out[o.SeriesKey] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: import: current values: %w", err)
	}
	return out, nil
}

// classify sets, for each row of a batch, its stored observation and
// whether there is one.
func (p *priorValues) classify(batch []indicator.Observation, old []indicator.Observation, found []bool) error {
	var ask []indicator.SeriesKey
	var askAt []int
	var pi *priorIndicator
	code := ""
	for i, o := range batch {
		if i == 0 || o.IndicatorCode != code {
			var err error
			if pi, err = p.loaded(o.IndicatorCode); err != nil {
				return err
			}
			code = o.IndicatorCode
		}
		if pi == nil {
			ask, askAt = append(ask, o.SeriesKey), append(askAt, i)
			continue
		}
		old[i], found[i] = pi.get(o.SeriesKey)
	}
	got, err := p.lookup(ask)
	if err != nil {
		return err
	}
	for j, k := range ask {
		old[askAt[j]], found[askAt[j]] = got[k]
	}
	return nil
}
