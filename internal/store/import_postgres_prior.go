package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"pantau/internal/domain"
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
	hint   atomic.Int64 // values in the last load

	// Owned by the reading goroutine (ahead).
	seen  map[string]*seenIndicator
	last  *seenIndicator // of the previous row: rows come grouped
	total int

	// Owned by the writer: the series this upload creates, in order, and
	// their ids: fresh[i] gets stored+i+1, stored being the greatest id
	// stored (see greatestSeriesID).
	stored  int32
	created map[seriesKey]int32
	fresh   []seriesKey

	// limit, when set, replaces maxPriorEntries as the most values one
	// indicator's load may hold (StoredValues' reads, which have no
	// batched lookups to fall back on).
	limit int
}

const (
	// An indicator is loaded whole once it has loadAfterRows rows in the
	// upload, or on its first row once the upload has loadAllAfterRows:
	// a whole load costs about as much as a few batched lookups.
	loadAfterRows    = 2048
	loadAllAfterRows = 16384
	// maxPriorEntries bounds the loaded values (24 bytes each, and a map
	// entry per series).
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
	// series finds a series' id and its values in vals, where they lie
	// together in year order (the order they are read in): one map entry
	// per series, not per value, and the years of a series found by a
	// short scan.
	series map[priorSeries]priorSpan
	vals   []priorYear
	strs   []string          // statuses and notes of vals
	strIDs map[string]uint32 // their indexes in strs
}

type priorSeries struct {
	region string
	disagg domain.Disaggregation
}

// priorSpan is a series' id and its values, vals[from:to].
type priorSpan struct{ id, from, to int32 }

// priorYear is a value of a series. Its status and note are indexes into
// the indicator's strs (0 for final, 1 for no note): without pointers the
// values are not scanned by the garbage collector.
type priorYear struct {
	year         int32
	brk          bool
	value        float64
	status, note uint32
}

// newPriorValues starts the loaders; stored is the greatest series id
// stored.
func newPriorValues(ctx context.Context, s *Store, stored int32) *priorValues {
	p := &priorValues{s: s, ctx: ctx, inds: map[string]*priorIndicator{}, seen: map[string]*seenIndicator{},
		queue: make(chan *priorIndicator, 64), stored: stored, created: map[seriesKey]int32{}}
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
func (p *priorValues) ahead(o domain.Observation) {
	p.total++
	c := p.last
	if c == nil || c.code != o.IndicatorCode {
		if c = p.seen[o.IndicatorCode]; c == nil {
			c = &seenIndicator{code: o.IndicatorCode}
			p.seen[o.IndicatorCode] = c
		}
		p.last = c
	}
	c.rows++
	if (c.rows >= loadAfterRows || p.total >= loadAllAfterRows) && !c.asked {
		c.asked = true
		p.request(o.IndicatorCode)
	}
}

// seenIndicator is what the reading goroutine saw of an indicator.
type seenIndicator struct {
	code  string
	rows  int
	asked bool
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
		// The series first, then their values by series id: the values'
		// rows then carry no text but a status other than final, a note.
		keys, err := p.readSeries(q, pi)
		if err != nil {
			return err
		}
		return p.readValues(q, pi, keys)
	})
}

// readSeries fills pi.series with the indicator's series (no values yet),
// and returns them by id.
func (p *priorValues) readSeries(q driver.QueryerContext, pi *priorIndicator) (map[int32]priorSeries, error) {
	rows, err := q.QueryContext(p.ctx, seriesOfIndicatorSQL, []driver.NamedValue{{Ordinal: 1, Value: pi.code}})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// Sized as the previous load: an upload's indicators tend to be
	// alike, and growing a map is a good part of building it.
	n := int(p.hint.Load()) / 8
	pi.series = make(map[priorSeries]priorSpan, n)
	keys := make(map[int32]priorSeries, n)
	row := make([]driver.Value, 3)
	for {
		if err := rows.Next(row); err == io.EOF {
			return keys, nil
		} else if err != nil {
			return nil, err
		}
		id, ok1 := row[0].(int64)
		region, ok2 := row[1].(string)
		disagg, ok3 := row[2].(string)
		if !(ok1 && ok2 && ok3) {
			return nil, fmt.Errorf("unexpected column types %T", row)
		}
		k := priorSeries{region, domain.Disaggregation(disagg)}
		keys[int32(id)] = k
		pi.series[k] = priorSpan{id: int32(id)}
	}
}

// readValues reads the current values of the series in keys into pi.vals
// and their spans: one row per series, its years and values packed in two
// binary strings (see currentOfIndicatorSQL).
func (p *priorValues) readValues(q driver.QueryerContext, pi *priorIndicator, keys map[int32]priorSeries) error {
	rows, err := q.QueryContext(p.ctx, currentOfIndicatorSQL, []driver.NamedValue{{Ordinal: 1, Value: pi.code}})
	if err != nil {
		return err
	}
	defer rows.Close()
	pi.vals = make([]priorYear, 0, p.hint.Load())
	pi.strs, pi.strIDs = []string{string(domain.StatusFinal), ""}, map[string]uint32{}
	row := make([]driver.Value, 4)
	for {
		if err := rows.Next(row); err == io.EOF {
			p.hint.Store(int64(len(pi.vals)))
			return nil
		} else if err != nil {
			return err
		}
		id, ok1 := row[0].(int64)
		years, ok2 := row[1].([]byte)
		values, ok3 := row[2].([]byte)
		if !(ok1 && ok2 && ok3) || len(years)%4 != 0 || len(values) != 2*len(years) {
			return fmt.Errorf("unexpected current values %T (%d and %d bytes)", row, len(years), len(values))
		}
		from := len(pi.vals)
		if limit := cmp.Or(p.limit, maxPriorEntries); from+len(years)/4 > limit {
			pi.tooBig, pi.series, pi.vals, pi.strs, pi.strIDs = true, nil, nil, nil, nil
			return nil
		}
		for i := 0; i < len(years); i += 4 {
			pi.vals = append(pi.vals, priorYear{year: int32(binary.BigEndian.Uint32(years[i:])),
				value: math.Float64frombits(binary.BigEndian.Uint64(values[2*i:])), status: 0, note: 1})
		}
		if row[3] != nil {
			if err := pi.setAttributes(pi.vals[from:], row[3]); err != nil {
				return err
			}
		}
		pi.series[keys[int32(id)]] = priorSpan{int32(id), int32(from), int32(len(pi.vals))}
	}
}

// setAttributes sets, on the values of one series, the attributes that
// are not the defaults: a JSON array of {y: year, b: break, s: status,
// n: note}.
func (pi *priorIndicator) setAttributes(vals []priorYear, v driver.Value) error {
	text, ok := v.([]byte)
	if !ok {
		return fmt.Errorf("unexpected attributes %T", v)
	}
	var attrs []struct {
		Year   int32  `json:"y"`
		Break  bool   `json:"b"`
		Status string `json:"s"`
		Note   string `json:"n"`
	}
	if err := json.Unmarshal(text, &attrs); err != nil {
		return fmt.Errorf("attributes: %w", err)
	}
	for _, a := range attrs {
		for i := range vals {
			if vals[i].year == a.Year {
				vals[i].brk, vals[i].status, vals[i].note = a.Break, pi.intern(a.Status), pi.intern(a.Note)
			}
		}
	}
	return nil
}

// intern returns the index of a status or note in pi.strs, adding it.
func (pi *priorIndicator) intern(s string) uint32 {
	switch s {
	case string(domain.StatusFinal):
		return 0
	case "":
		return 1
	}
	id, ok := pi.strIDs[s]
	if !ok {
		id = uint32(len(pi.strs))
		pi.strIDs[s] = id
		pi.strs = append(pi.strs, s)
	}
	return id
}

// seriesOfIndicatorSQL lists an indicator's series.
const seriesOfIndicatorSQL = `SELECT id, region_code, disagg FROM series WHERE indicator_code = $1`

// currentOfIndicatorSQL reads an indicator's current values, one row per
// series: the versions' index meets each key's newest version first, and
// the series' years and values come packed, in the same order, as binary
// int4 and float8 (lib/pq reads bytea in binary). A row per value, each
// value formatted as decimal text and parsed back, cost the server and the
// import about twice as much. The attributes that are not the defaults
// (rare) come apart, as JSON.
const currentOfIndicatorSQL = `SELECT c.series_id, string_agg(int4send(c.year), ''::bytea), string_agg(float8send(c.value), ''::bytea),
		json_agg(json_build_object('y', c.year, 'b', c.series_break, 's', c.status, 'n', c.note))
			FILTER (WHERE c.series_break OR c.status <> 'final' OR c.note <> '')
	FROM (
		SELECT DISTINCT ON (series_id, year) series_id, year, value, series_break, status, note
		FROM observation_versions WHERE series_id = ANY (ARRAY(SELECT id FROM series WHERE indicator_code = $1))
		ORDER BY series_id, year, upload_id DESC
	) c
	GROUP BY c.series_id`

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

// get returns the stored observation of o's key from a loaded indicator,
// and its series id (0 for a series not stored).
func (pi *priorIndicator) get(k domain.ObservationKey) (domain.Observation, bool, int32) {
	span, ok := pi.series[priorSeries{k.RegionCode, k.Disagg}]
	if !ok {
		return domain.Observation{}, false, 0
	}
	for _, v := range pi.vals[span.from:span.to] {
		if v.year == int32(k.Year) {
			return domain.Observation{ObservationKey: k, Value: v.value, Status: domain.Status(pi.strs[v.status]), Break: v.brk,
				Note: pi.strs[v.note]}, true, span.id
		}
	}
	return domain.Observation{}, false, span.id
}

// priorHit is what a batched lookup found for a key: its series' id (0
// when the series is not stored) and its current value, if any.
type priorHit struct {
	series int32
	found  bool
	obs    domain.Observation
}

// lookup finds the series and current values of keys in one query.
func (p *priorValues) lookup(keys []domain.ObservationKey) (map[domain.ObservationKey]priorHit, error) {
	out := make(map[domain.ObservationKey]priorHit, len(keys))
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
	SELECT k.indicator_code, k.region_code, k.disagg, k.year, s.id, c.value, c.status, c.series_break, c.note
	FROM k JOIN series s ON s.indicator_code = k.indicator_code AND s.region_code = k.region_code AND s.disagg = k.disagg
	LEFT JOIN LATERAL (
		SELECT v.value, v.status, v.series_break, v.note FROM observation_versions v
		WHERE v.series_id = s.id AND v.year = k.year ORDER BY v.upload_id DESC LIMIT 1
	) c ON TRUE`)
	rows, err := p.s.lookups.QueryContext(p.ctx, p.s.lookups.Rebind(b.String()), args...)
	if err != nil {
		return nil, fmt.Errorf("store: import: current values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h priorHit
		var value sql.NullFloat64
		var status, note sql.NullString
		var brk sql.NullBool
		o := &h.obs
		if err := rows.Scan(&o.IndicatorCode, &o.RegionCode, &o.Disagg, &o.Year, &h.series, &value, &status, &brk, &note); err != nil {
			return nil, fmt.Errorf("store: import: current values: %w", err)
		}
		if h.found = value.Valid; h.found {
			o.Value, o.Status, o.Break, o.Note = value.Float64, domain.Status(status.String), brk.Bool, note.String
		}
		out[o.ObservationKey] = h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: import: current values: %w", err)
	}
	return out, nil
}

// classify sets, for each row of a batch, its stored observation, whether
// there is one, and its series id (a new series gets the next one).
func (p *priorValues) classify(batch []domain.Observation, old []domain.Observation, found []bool, ids []int32) error {
	var ask []domain.ObservationKey
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
			ask, askAt = append(ask, o.ObservationKey), append(askAt, i)
			continue
		}
		old[i], found[i], ids[i] = pi.get(o.ObservationKey)
	}
	got, err := p.lookup(ask)
	if err != nil {
		return err
	}
	for j, k := range ask {
		h := got[k]
		old[askAt[j]], found[askAt[j]], ids[askAt[j]] = h.obs, h.found, h.series
	}
	for i, id := range ids {
		if id == 0 {
			ids[i] = p.newSeries(batch[i].ObservationKey)
		}
	}
	return nil
}

// newSeries returns the id this upload gives the series of k, which is not
// stored: the next after the greatest given so far.
func (p *priorValues) newSeries(k domain.ObservationKey) int32 {
	sk := seriesOf(k)
	if id, ok := p.created[sk]; ok {
		return id
	}
	id := p.stored + int32(len(p.fresh)) + 1
	p.created[sk] = id
	p.fresh = append(p.fresh, sk)
	return id
}
