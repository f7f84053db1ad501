package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// seriesKey names a series: an observation's key without the year, the
// three columns the series table keys a series by. Imports map it to the
// series id (sqliteSeries, priorValues) and check keys per series (keySet).
type seriesKey struct {
	indicator, region string
	disagg            domain.Disaggregation
}

// seriesOf is the series the observation key k belongs to.
func seriesOf(k domain.ObservationKey) seriesKey {
	return seriesKey{k.IndicatorCode, k.RegionCode, k.Disagg}
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
	regions := domain.AncestryOfCode(regionCode)
	q, args, err := sqlx.In(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets WHERE indicator_code = ? AND region_code IN (?) ORDER BY plan_code, disagg, year`, indicatorCode, regions)
	if err != nil {
		return out, fmt.Errorf("store: series targets: %w", err)
	}
	out.Targets = []domain.Target{}
	if err := s.rdb.SelectContext(ctx, &out.Targets, s.rdb.Rebind(q), args...); err != nil {
		return out, fmt.Errorf("store: series targets %s/%s: %w", indicatorCode, regionCode, err)
	}
	out.Plans, err = s.plansOf(ctx, out.Targets)
	return out, err
}

// plansOf lists the plans that set the targets, in the order of Plans;
// none for no targets, without asking the database.
func (s *Store) plansOf(ctx context.Context, targets []domain.Target) ([]domain.Plan, error) {
	codes := map[string]bool{}
	for _, t := range targets {
		codes[t.PlanCode] = true
	}
	out := []domain.Plan{}
	if len(codes) == 0 {
		return out, nil
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range plans {
		if codes[p.Code] {
			out = append(out, p)
		}
	}
	return out, nil
}

// ObservationRevisions lists the history of one series, oldest first; year 0
// means every year. Each revision says which attributes it changed: the
// tables keep a revision's old note and break, not its new ones, which are
// the next revision's old ones, or the current value's after the last.
func (s *Store) ObservationRevisions(ctx context.Context, indicatorCode, regionCode string, year int) ([]domain.Revision, error) {
	q := `SELECT r.indicator_code, r.region_code, r.disagg, r.year, r.old_value, r.old_status, r.new_value, r.new_status, r.old_note, r.old_break,
		r.old_upload_id, r.upload_id, COALESCE(u.created_by, '') AS changed_by, r.changed_at
		FROM observation_revisions r LEFT JOIN uploads u ON u.id = r.upload_id
		WHERE r.indicator_code = ? AND r.region_code = ?`
	cur := `SELECT indicator_code, region_code, disagg, year, value, status, series_break, note FROM observations
		WHERE indicator_code = ? AND region_code = ?`
	args := []any{indicatorCode, regionCode}
	if year != 0 {
		q, cur, args = q+` AND r.year = ?`, cur+` AND year = ?`, append(args, year)
	}
	out := []domain.Revision{}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q+` ORDER BY r.year, r.disagg, r.upload_id`), args...); err != nil {
		return nil, fmt.Errorf("store: revisions %s/%s: %w", indicatorCode, regionCode, err)
	}
	if len(out) == 0 {
		return out, nil
	}
	var now []domain.Observation
	if err := s.rdb.SelectContext(ctx, &now, s.rdb.Rebind(cur), args...); err != nil {
		return nil, fmt.Errorf("store: revisions %s/%s: %w", indicatorCode, regionCode, err)
	}
	current := make(map[domain.ObservationKey]domain.Observation, len(now))
	for _, o := range now {
		current[o.ObservationKey] = o
	}
	for i := range out {
		r := &out[i]
		if i+1 < len(out) && out[i+1].ObservationKey == r.ObservationKey {
			r.NewNote, r.NewBreak = out[i+1].OldNote, out[i+1].OldBreak
		} else if o, ok := current[r.ObservationKey]; ok {
			r.NewNote, r.NewBreak = o.Note, o.Break
		}
		oldObs := domain.Observation{Value: r.OldValue, Status: r.OldStatus, Break: r.OldBreak, Note: r.OldNote}
		newObs := domain.Observation{Value: r.NewValue, Status: r.NewStatus, Break: r.NewBreak, Note: r.NewNote}
		r.Attrs = newObs.Differs(oldObs)
		r.Changed = r.Attrs.Names()
	}
	return out, nil
}

// RegionSeries returns the series of the indicators only (every indicator
// when none is named) in one region: one Series per indicator that has
// observations there, each with the targets of the region and the regions
// above it. Three queries, whatever the number of indicators: this is the
// scorecard's read. A page names what it shows, so a dashboard of six
// indicators reads six series where the region has fifty.
func (s *Store) RegionSeries(ctx context.Context, regionCode string, only ...string) ([]Series, error) {
	region, err := s.Region(ctx, regionCode)
	if err != nil {
		return nil, err
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	if len(only) > 0 {
		inds = slices.DeleteFunc(inds, func(ind domain.Indicator) bool { return !slices.Contains(only, ind.Code) })
	}
	var obs []domain.Observation
	if len(inds) > 0 {
		codes := make([]string, len(inds))
		for i, ind := range inds {
			codes[i] = ind.Code
		}
		// Naming every indicator lets both engines seek the primary key
		// (indicator, region, …) once per indicator instead of scanning the
		// table for one region.
		q, args, err := sqlx.In(`SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at
			FROM observations WHERE indicator_code IN (?) AND region_code = ? ORDER BY indicator_code, disagg, year`, codes, regionCode)
		if err != nil {
			return nil, fmt.Errorf("store: region series: %w", err)
		}
		if err := s.rdb.SelectContext(ctx, &obs, s.rdb.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("store: region series %s: %w", regionCode, err)
		}
	}
	targets, err := s.TargetsIn(ctx, domain.AncestryOfCode(regionCode))
	if err != nil {
		return nil, err
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	byInd := map[string]*Series{}
	var out []Series
	for _, ind := range inds {
		byInd[ind.Code] = &Series{Indicator: ind, Region: region, Observations: []domain.Observation{}, Targets: []domain.Target{}, Plans: plans}
	}
	for _, o := range obs {
		if sr := byInd[o.IndicatorCode]; sr != nil {
			sr.Observations = append(sr.Observations, o)
		}
	}
	for _, t := range targets {
		if sr := byInd[t.IndicatorCode]; sr != nil {
			sr.Targets = append(sr.Targets, t)
		}
	}
	for _, ind := range inds {
		if sr := byInd[ind.Code]; len(sr.Observations) > 0 {
			out = append(out, *sr)
		}
	}
	return out, nil
}

// ChildObservations returns the total (not disaggregated) observations of
// one indicator in every region directly below parent, all years.
func (s *Store) ChildObservations(ctx context.Context, indicatorCode, parent string) ([]domain.Observation, error) {
	out := []domain.Observation{}
	children, err := s.childCodes(ctx, parent)
	if err != nil || len(children) == 0 {
		return out, err
	}
	q, args, err := sqlx.In(`SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at
		FROM observations WHERE indicator_code = ? AND region_code IN (?) AND disagg = '' ORDER BY year, region_code`, indicatorCode, children)
	if err != nil {
		return nil, fmt.Errorf("store: child observations: %w", err)
	}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: child observations %s/%s: %w", indicatorCode, parent, err)
	}
	return out, nil
}

// childCodes lists the codes of the regions directly below parent. Reads
// of one indicator in a few regions name them: on PostgreSQL observations
// is a view (the newest of each key's versions, migration 00006) that a
// condition on its key columns narrows to their index ranges, while a join
// with regions would read every version of the indicator.
func (s *Store) childCodes(ctx context.Context, parent string) ([]string, error) {
	var out []string
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(`SELECT code FROM regions WHERE parent_code = ? ORDER BY code`), parent); err != nil {
		return nil, fmt.Errorf("store: regions below %s: %w", parent, err)
	}
	return out, nil
}

// RegionsWithData lists the regions that have at least one observation of
// the indicator, by code: the choices of an indicator page's region selector.
func (s *Store) RegionsWithData(ctx context.Context, indicatorCode string) ([]domain.Region, error) {
	out := []domain.Region{}
	// OFFSET 0 keeps PostgreSQL from turning the EXISTS into a join with
	// observations, a view (the newest of each key's versions, migration
	// 00006) that a join cannot narrow: it would read every version of the
	// indicator. As a subquery per region it reads that region's index range.
	err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(regionSelect+`
		WHERE EXISTS (SELECT 1 FROM observations o WHERE o.region_code = r.code AND o.indicator_code = ? LIMIT 1 OFFSET 0) ORDER BY r.code`),
		true, indicatorCode)
	if err != nil {
		return nil, fmt.Errorf("store: regions with %s: %w", indicatorCode, err)
	}
	return out, nil
}

// havingDataSQL probes the series key (indicator, region, disaggregation)
// once per pair.
const havingDataSQL = `SELECT DISTINCT region_code FROM series WHERE indicator_code IN (?) AND region_code IN (?)`

// RegionsHavingData says which of the regions have a stored value of any
// of the indicators: the marks of the region picker's list of children.
// It reads the series table (a series exists once a value of it is
// stored; values are never deleted) by its unique index on (indicator,
// region, disaggregation): one probe per pair, whatever the data's size.
func (s *Store) RegionsHavingData(ctx context.Context, indicators, regions []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(indicators) == 0 || len(regions) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(havingDataSQL, indicators, regions)
	if err != nil {
		return nil, fmt.Errorf("store: regions having data: %w", err)
	}
	var codes []string
	if err := s.rdb.SelectContext(ctx, &codes, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: regions having data: %w", err)
	}
	for _, c := range codes {
		out[c] = true
	}
	return out, nil
}

// Presence says that a region has a total (not disaggregated) value of an
// indicator for a year, and its status.
type Presence struct {
	IndicatorCode string        `db:"indicator_code"`
	RegionCode    string        `db:"region_code"`
	Year          int           `db:"year"`
	Status        domain.Status `db:"status"`
}

// presencesSQL reads by region alone: the series_region index (migrations
// postgres 00014, sqlite 00013) makes each region one index range, and
// each series reads only the years asked for from its key's index.
const presencesSQL = `SELECT indicator_code, region_code, year, status FROM observations
	WHERE region_code IN (?) AND disagg = '' AND year BETWEEN ? AND ? ORDER BY indicator_code, region_code, year`

// Presences lists, for the given regions, every total value stored in the
// years from–to: what the completeness matrix's cells are built from.
func (s *Store) Presences(ctx context.Context, regionCodes []string, from, to int) ([]Presence, error) {
	out := []Presence{}
	if len(regionCodes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(presencesSQL, regionCodes, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: presences: %w", err)
	}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: presences: %w", err)
	}
	return out, nil
}

// PresenceTally counts a region's total values of an indicator with one
// status in the years asked for: N of them, Late those before the year
// given (the years a missing value would be overdue).
type PresenceTally struct {
	IndicatorCode string        `db:"indicator_code"`
	RegionCode    string        `db:"region_code"`
	Status        domain.Status `db:"status"`
	N             int           `db:"n"`
	Late          int           `db:"late"`
}

// presenceTalliesSQL counts what presencesSQL lists, by the same index
// ranges, one row per series and status instead of one per value.
const presenceTalliesSQL = `SELECT indicator_code, region_code, status, COUNT(*) AS n,
	SUM(CASE WHEN year < ? THEN 1 ELSE 0 END) AS late FROM observations
	WHERE region_code IN (?) AND disagg = '' AND year BETWEEN ? AND ? GROUP BY indicator_code, region_code, status`

// PresenceTallies counts, for the given regions, the total values stored
// in the years from–to by series and status: the completeness matrix's
// counts without reading its cells. lateBefore splits off those of years
// before it.
func (s *Store) PresenceTallies(ctx context.Context, regionCodes []string, from, to, lateBefore int) ([]PresenceTally, error) {
	out := []PresenceTally{}
	if len(regionCodes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(presenceTalliesSQL, lateBefore, regionCodes, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: presence tallies: %w", err)
	}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: presence tallies: %w", err)
	}
	return out, nil
}

// totalSeriesSQL reads the series of regions by the series_region index.
const totalSeriesSQL = `SELECT indicator_code, region_code FROM series WHERE region_code IN (?) AND disagg = ''
	ORDER BY indicator_code, region_code`

// TotalSeries lists the (indicator, region) pairs of the given regions
// with a total value stored in any year: which rows the completeness
// matrix expects, read from the series (a series exists once a value of
// it is stored; values are never deleted) rather than from every value.
func (s *Store) TotalSeries(ctx context.Context, regionCodes []string) ([][2]string, error) {
	out := [][2]string{}
	if len(regionCodes) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(totalSeriesSQL, regionCodes)
	if err != nil {
		return nil, fmt.Errorf("store: total series: %w", err)
	}
	return s.pairs(ctx, "total series", q, args)
}

// pairs reads the two text columns of q's rows.
func (s *Store) pairs(ctx context.Context, what, q string, args []any) ([][2]string, error) {
	out := [][2]string{}
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// Selection narrows a bulk read; zero fields match everything.
type Selection struct {
	// Indicators lists indicator codes; empty means every indicator.
	Indicators []string
	// RegionSubtree is a Kemendagri code: the region and every region
	// below it. Empty or "ID" means everywhere.
	RegionSubtree string
	// Regions are further regions beside the subtree, each on its own
	// (not the regions below it): an indicator page's compared regions.
	// With the subtree everywhere they add nothing.
	Regions []string
	// FromYear and ToYear bound the years, inclusive; 0 leaves a side open.
	FromYear, ToYear int
}

// where returns the SQL condition and arguments of a selection, for a table
// whose key columns are named as in observations and targets.
func (sel Selection) where() (string, []any, error) { return sel.conditions(false) }

// whereBytewise is where for observations, whose region codes compare
// byte by byte (SQLite's default; COLLATE "C" on PostgreSQL's series):
// there a region subtree is a range of the series key's index.
func (sel Selection) whereBytewise() (string, []any, error) { return sel.conditions(true) }

func (sel Selection) conditions(bytewise bool) (string, []any, error) {
	var conds []string
	var args []any
	if len(sel.Indicators) > 0 {
		q, a, err := sqlx.In(`indicator_code IN (?)`, sel.Indicators)
		if err != nil {
			return "", nil, fmt.Errorf("store: selection: %w", err)
		}
		conds, args = append(conds, q), append(args, a...)
	}
	var region string
	var regionArgs []any
	switch r := sel.RegionSubtree; {
	case r == "" || r == domain.NationalCode:
	case bytewise:
		// Kemendagri codes nest by prefix ("16.07" ⊃ "16.07.01") and are
		// digits and dots, so bytewise the subtree is the range from the
		// code to the code followed by '/' (the byte after '.'). A LIKE
		// beside it made PostgreSQL misjudge a page's rows and sort a
		// subtree's series whole.
		region, regionArgs = `region_code >= ? AND region_code < ?`, []any{r, r + "/"}
	default:
		// Codes are validated, so they carry no LIKE wildcards.
		region, regionArgs = `region_code = ? OR region_code LIKE ?`, []any{r, r + ".%"}
	}
	if region != "" && len(sel.Regions) > 0 {
		q, a, err := sqlx.In(`region_code IN (?)`, sel.Regions)
		if err != nil {
			return "", nil, fmt.Errorf("store: selection: %w", err)
		}
		region, regionArgs = region+` OR `+q, append(regionArgs, a...)
	}
	if region != "" {
		conds, args = append(conds, `(`+region+`)`), append(args, regionArgs...)
	}
	if sel.FromYear != 0 {
		conds, args = append(conds, `year >= ?`), append(args, sel.FromYear)
	}
	if sel.ToYear != 0 {
		conds, args = append(conds, `year <= ?`), append(args, sel.ToYear)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// ExportShape is what a writer must know before the first row: which
// disaggregation dimensions occur (for their columns) and which years (for
// the columns of a wide table).
type ExportShape struct {
	// Dimensions are the canonical dimension names, sorted.
	Dimensions []string
	// FromYear and ToYear span the selected rows (0 when there are none).
	FromYear, ToYear int
	// Rows is the number of rows selected.
	Rows int64
	// Illustrative is how many of them are generated demo values (a note
	// saying "ilustratif" or "illustrative"), which the file must not
	// credit to the indicator's publisher.
	Illustrative int64
}

// ObservationShape returns the shape of the observations a selection holds:
// one grouped pass over the rows, whose result is a handful of rows.
func (s *Store) ObservationShape(ctx context.Context, sel Selection) (ExportShape, error) {
	return s.shape(ctx, "observations", sel)
}

func (s *Store) shape(ctx context.Context, table string, sel Selection) (ExportShape, error) {
	where, args, err := sel.where()
	if err != nil {
		return ExportShape{}, err
	}
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(`SELECT disagg, MIN(year), MAX(year), COUNT(*),
		SUM(CASE WHEN LOWER(note) LIKE '%ilustratif%' OR LOWER(note) LIKE '%illustrative%' THEN 1 ELSE 0 END)
		FROM `+table+where+` GROUP BY disagg`), args...)
	if err != nil {
		return ExportShape{}, fmt.Errorf("store: export shape: %w", err)
	}
	defer rows.Close()
	var out ExportShape
	dims := map[string]bool{}
	for rows.Next() {
		var d string
		var lo, hi int
		var n, demo int64
		if err := rows.Scan(&d, &lo, &hi, &n, &demo); err != nil {
			return out, fmt.Errorf("store: export shape: %w", err)
		}
		for k := range domain.Disaggregation(d).Pairs() {
			dims[k] = true
		}
		if out.FromYear == 0 || lo < out.FromYear {
			out.FromYear = lo
		}
		out.ToYear = max(out.ToYear, hi)
		out.Rows += n
		out.Illustrative += demo
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("store: export shape: %w", err)
	}
	for k := range dims {
		out.Dimensions = append(out.Dimensions, k)
	}
	sort.Strings(out.Dimensions)
	return out, nil
}

// ExportObservations calls fn for every selected observation in key order
// (indicator, region, disaggregation, year), straight from a database
// cursor: memory stays flat whatever the number of rows. Updated is left
// zero: the data version of a row is its UploadID. An error from fn stops
// the read and is returned as it is.
func (s *Store) ExportObservations(ctx context.Context, sel Selection, fn func(domain.Observation) error) error {
	where, args, err := sel.where()
	if err != nil {
		return err
	}
	return s.eachObservation(ctx, `SELECT `+exportColumns+` FROM observations`+where+` ORDER BY indicator_code, region_code, disagg, year`, args, fn)
}

// exportColumns are what ExportObservations and ObservationsPage read.
const exportColumns = `indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id`

// observationsPageSQL continues a selection (its conditions, then AND)
// after a key: the series from the key's on, by the series key's index,
// each from its year on, by its own; key order needs no sort beyond the
// page. Its arguments are the key's series three times, its year, and the
// limit.
const observationsPageSQL = ` (indicator_code, region_code, disagg) >= (?, ?, ?)
	AND (indicator_code, region_code, disagg, year) > (?, ?, ?, ?)
	ORDER BY indicator_code, region_code, disagg, year LIMIT ?`

// ObservationsPage lists at most limit of the selected observations in
// key order, after the key after (nil: from the first). It reads the page
// alone: a selection of indicators (with a region subtree and none named,
// each of the catalogue's) is read one indicator at a time, each one index
// range of the series key in key order, until the page is full; an IN
// list would be read whole and sorted (PostgreSQL before 17 does not keep
// an IN list's index ranges in order).
func (s *Store) ObservationsPage(ctx context.Context, sel Selection, after *domain.ObservationKey, limit int) ([]domain.Observation, error) {
	inds := sel.Indicators
	if len(inds) == 0 && sel.RegionSubtree != "" && sel.RegionSubtree != domain.NationalCode {
		if err := s.rdb.SelectContext(ctx, &inds, `SELECT code FROM indicators ORDER BY code`); err != nil {
			return nil, fmt.Errorf("store: observations page: %w", err)
		}
	}
	inds = slices.Sorted(slices.Values(inds))
	var from domain.ObservationKey
	year := math.MinInt32
	if after != nil {
		from, year = *after, after.Year
	}
	out := []domain.Observation{}
	page := func(sel Selection) error {
		where, args, err := sel.whereBytewise()
		if err != nil {
			return err
		}
		if where == "" {
			where = " WHERE"
		} else {
			where += " AND"
		}
		args = append(args, from.IndicatorCode, from.RegionCode, string(from.Disagg), from.IndicatorCode, from.RegionCode, string(from.Disagg),
			year, limit-len(out))
		return s.eachObservation(ctx, `SELECT `+exportColumns+` FROM observations`+where+observationsPageSQL, args, func(o domain.Observation) error {
			out = append(out, o)
			return nil
		})
	}
	if len(inds) == 0 {
		return out, page(sel)
	}
	for _, code := range inds {
		if len(out) >= limit {
			break
		}
		if code < from.IndicatorCode {
			continue
		}
		one := sel
		one.Indicators = []string{code}
		if err := page(one); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eachObservation calls fn for every row of q, which reads exportColumns.
func (s *Store) eachObservation(ctx context.Context, q string, args []any, fn func(domain.Observation) error) error {
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store: export observations: %w", err)
	}
	defer rows.Close()
	var o domain.Observation
	// Consecutive rows mostly repeat these; reusing the previous string
	// keeps one copy alive instead of one per row.
	var ind, region, disagg, status sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&ind, &region, &disagg, &o.Year, &o.Value, &status, &o.Break, &o.Note, &o.UploadID); err != nil {
			return fmt.Errorf("store: export observations: %w", err)
		}
		o.IndicatorCode = reuse(o.IndicatorCode, ind)
		o.RegionCode = reuse(o.RegionCode, region)
		o.Disagg = domain.Disaggregation(reuse(string(o.Disagg), disagg))
		o.Status = domain.Status(reuse(string(o.Status), status))
		if err := fn(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export observations: %w", err)
	}
	return nil
}

// reuse returns prev when b spells the same string, else a new string.
func reuse(prev string, b []byte) string {
	if string(b) == prev {
		return prev
	}
	return string(b)
}
