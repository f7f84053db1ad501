// Package completeness builds the completeness matrix: for a region and
// the regions directly below it, which indicator values are present,
// preliminary, missing or overdue for each year, and which agency owes
// them. It is pure: the caller reads what is stored and passes it in.
package completeness

import (
	"math"
	"sort"

	"pantau/internal/domain"
)

// State is what a cell of the matrix holds.
type State string

// The states.
const (
	Present     = State("present")
	Preliminary = State("preliminary")
	Missing     = State("missing")
	// Overdue is a missing value whose year is long past: BPS publishes a
	// year's regency figures in the course of the next, so a value still
	// missing when the year after it has ended (year < current year − 1)
	// is late.
	Overdue = State("overdue")
)

// IsOverdue reports whether a value missing for year is overdue in currentYear.
func IsOverdue(year, currentYear int) bool { return year < currentYear-1 }

// Value says that a region has a total value of an indicator for a year.
type Value struct {
	Indicator, Region string
	Year              int
	Status            domain.Status
}

// Input is everything the matrix is built from.
type Input struct {
	// Root is the region asked for; Children the regions directly below it.
	Root       domain.Region
	Children   []domain.Region
	Indicators []domain.Indicator
	Agencies   []domain.Agency
	// Series lists the (indicator, region) pairs of Root and Children with
	// a stored total in any year: the rows expected whatever the years.
	Series [][2]string
	// Values are the stored totals of Root and Children; only those in
	// From–To are cells, so the caller need read no others. Layout reads
	// Tallies instead, and Page chooses its rows.
	Values  []Value
	Tallies []Tally
	Page    Page
	// Targeted lists (indicator, region) pairs some plan sets a target for.
	Targeted    [][2]string
	From, To    int
	CurrentYear int
}

// Counts tallies cells by state.
type Counts struct {
	Present     int `json:"present"`
	Preliminary int `json:"preliminary"`
	Missing     int `json:"missing"`
	Overdue     int `json:"overdue"`
	Cells       int `json:"cells"`
	// Percent is the share of cells with a value (present or preliminary),
	// 0–100 with one decimal; 100 when there are no cells.
	Percent float64 `json:"percent"`
}

func (c *Counts) merge(o Counts) {
	c.Present += o.Present
	c.Preliminary += o.Preliminary
	c.Missing += o.Missing
	c.Overdue += o.Overdue
	c.Cells += o.Cells
}

func (c *Counts) finish() {
	c.Percent = 100
	if c.Cells > 0 {
		c.Percent = math.Round(float64(c.Present+c.Preliminary)/float64(c.Cells)*1000) / 10
	}
}

// Cell is one indicator × region × year.
type Cell struct {
	Year  int   `json:"year"`
	State State `json:"state"`
}

// Row is one indicator in one region across the years.
type Row struct {
	Indicator   string       `json:"indicator"`
	NameID      string       `json:"name_id"`
	NameEN      string       `json:"name_en"`
	Agency      string       `json:"agency"`
	AgencyName  string       `json:"agency_name"`
	Region      string       `json:"region"`
	RegionName  string       `json:"region_name"`
	RegionLevel domain.Level `json:"region_level"`
	Cells       []Cell       `json:"cells"`
	Counts      Counts       `json:"counts"`
}

// AgencySummary is one agency's share of the matrix.
type AgencySummary struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Counts Counts `json:"counts"`
}

// Matrix is the completeness of a region.
type Matrix struct {
	Region      domain.Region `json:"region"`
	From        int           `json:"from"`
	To          int           `json:"to"`
	CurrentYear int           `json:"current_year"`
	Years       []int         `json:"years"`
	// Counts covers every cell: the region-wide percentage.
	Counts Counts `json:"counts"`
	// Rows is a page of the TotalRows rows, from the Offset'th (from 0);
	// Next is the last row's key when more follow.
	Rows      []Row   `json:"rows"`
	TotalRows int     `json:"total_rows"`
	Offset    int     `json:"-"`
	Next      *RowKey `json:"-"`
	// Indicators lists the indicators of every row, page or not.
	Indicators []string        `json:"-"`
	Agencies   []AgencySummary `json:"agencies"`
	// Rule says, in words, which cells are expected.
	Rule string `json:"rule"`
}

// Rule is how the matrix decides which indicator × region pairs are expected.
const Rule = "An indicator is expected in a region when the region has a value of it in any year, " +
	"when another region of the same level here has one, or when a plan sets a target for it there. " +
	"A missing value is overdue when its year ended more than a year ago (year < current year − 1)."

// Tally counts the stored values of one series (indicator, region) with
// one status in the years shown: N of them, Late of those in years that
// would be overdue were they missing. Tallies give every count of the
// matrix without its cells: a store counts them with one GROUP BY.
type Tally struct {
	Indicator, Region string
	Status            domain.Status
	N, Late           int
}

// Tallies counts values (only those in from–to) as a store would.
func Tallies(values []Value, from, to, currentYear int) []Tally {
	type key struct {
		ind, region string
		status      domain.Status
	}
	at := map[key]int{}
	var out []Tally
	for _, v := range values {
		if v.Year < from || v.Year > to {
			continue
		}
		k := key{v.Indicator, v.Region, v.Status}
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, Tally{Indicator: v.Indicator, Region: v.Region, Status: v.Status})
		}
		out[i].N++
		if IsOverdue(v.Year, currentYear) {
			out[i].Late++
		}
	}
	return out
}

// RowKey names a row: the place a page of rows continues after.
type RowKey struct {
	Region, Indicator string
}

// Page chooses the rows Layout gives: Limit of them (0 for all) after
// After, or from the Offset'th (clamped to the last page) when After is nil.
type Page struct {
	After         *RowKey
	Offset, Limit int
}

// Build computes the whole matrix from in.Values: every row with its cells.
func Build(in Input) Matrix {
	in.Tallies, in.Page = Tallies(in.Values, in.From, in.To, in.CurrentYear), Page{}
	m := Layout(in)
	m.Fill(in.Values)
	return m
}

// Layout computes the matrix's counts and agency summaries from
// in.Tallies and chooses in.Page of its rows, without their cells (see
// Fill): the values need be read only for the rows shown. Rows are
// ordered by region (the root first), then indicator code.
func Layout(in Input) Matrix {
	m := Matrix{Region: in.Root, From: in.From, To: in.To, CurrentYear: in.CurrentYear, Rows: []Row{}, Agencies: []AgencySummary{}, Rule: Rule}
	late := 0
	for y := in.From; y <= in.To; y++ {
		m.Years = append(m.Years, y)
		if IsOverdue(y, in.CurrentYear) {
			late++
		}
	}
	regions := append([]domain.Region{in.Root}, in.Children...)
	rows := expectedRows(in, regions, len(m.Years), late)
	m.summarize(rows)
	m.TotalRows = len(rows)
	lo, hi := in.Page.bounds(rows, regions)
	if hi < len(rows) {
		m.Next = &RowKey{rows[hi-1].Region, rows[hi-1].Indicator}
	}
	m.Offset = lo
	m.Rows = append(m.Rows, rows[lo:hi]...)
	return m
}

type seriesKey struct{ ind, region string }

type levelKey struct {
	ind   string
	level domain.Level
}

// valueCount counts a series' stored values: present, preliminary, and of
// those, how many are in late years.
type valueCount struct{ present, preliminary, late int }

// seriesIndex is what the input says of each series: how many values it
// has stored, and whether it, or its indicator at its region's level, is
// expected.
type seriesIndex struct {
	stored   map[seriesKey]valueCount
	has      map[seriesKey]bool
	levelHas map[levelKey]bool
}

func indexSeries(in Input, regions []domain.Region) seriesIndex {
	ix := seriesIndex{stored: map[seriesKey]valueCount{}, has: map[seriesKey]bool{}, levelHas: map[levelKey]bool{}}
	levelOf := map[string]domain.Level{}
	for _, r := range regions {
		levelOf[r.Code] = r.Level
	}
	for _, t := range in.Tallies {
		k := seriesKey{t.Indicator, t.Region}
		c := ix.stored[k]
		if t.Status == domain.StatusPreliminary {
			c.preliminary += t.N
		} else {
			c.present += t.N
		}
		c.late += t.Late
		ix.stored[k] = c
		ix.has[k] = true
		ix.levelHas[levelKey{t.Indicator, levelOf[t.Region]}] = true
	}
	for _, p := range in.Series {
		ix.has[seriesKey{p[0], p[1]}] = true
		ix.levelHas[levelKey{p[0], levelOf[p[1]]}] = true
	}
	for _, t := range in.Targeted {
		ix.has[seriesKey{t[0], t[1]}] = true
	}
	return ix
}

func (ix seriesIndex) expected(ind string, r domain.Region) bool {
	return ix.has[seriesKey{ind, r.Code}] || ix.levelHas[levelKey{ind, r.Level}]
}

// counts are a series' cells by state over years of which late are late:
// its stored values, and each year without one overdue when late, else
// missing.
func (ix seriesIndex) counts(ind, region string, years, late int) Counts {
	st := ix.stored[seriesKey{ind, region}]
	c := Counts{Present: st.present, Preliminary: st.preliminary, Overdue: late - st.late,
		Missing: years - late - (st.present + st.preliminary - st.late), Cells: years}
	c.finish()
	return c
}

// expectedRows are the rows of every expected series, by region in the
// order given, then indicator code, with their counts and no cells.
func expectedRows(in Input, regions []domain.Region, years, late int) []Row {
	ix := indexSeries(in, regions)
	agencies := map[string]domain.Agency{}
	for _, a := range in.Agencies {
		agencies[a.Code] = a
	}
	inds := append([]domain.Indicator(nil), in.Indicators...)
	sort.Slice(inds, func(i, j int) bool { return inds[i].Code < inds[j].Code })
	var rows []Row
	for _, r := range regions {
		for _, ind := range inds {
			if !ix.expected(ind.Code, r) {
				continue
			}
			rows = append(rows, Row{Indicator: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Agency: ind.AgencyCode, AgencyName: agencies[ind.AgencyCode].Name,
				Region: r.Code, RegionName: r.Name, RegionLevel: r.Level, Counts: ix.counts(ind.Code, r.Code, years, late)})
		}
	}
	return rows
}

// summarize counts the cells of every row, the whole matrix's and each
// agency's, and lists the rows' indicators in the order of the rows.
func (m *Matrix) summarize(rows []Row) {
	byAgency := map[string]*AgencySummary{}
	listed := map[string]bool{}
	for _, row := range rows {
		sum := byAgency[row.Agency]
		if sum == nil {
			sum = &AgencySummary{Code: row.Agency, Name: row.AgencyName}
			byAgency[row.Agency] = sum
		}
		sum.Counts.merge(row.Counts)
		m.Counts.merge(row.Counts)
		if !listed[row.Indicator] {
			listed[row.Indicator] = true
			m.Indicators = append(m.Indicators, row.Indicator)
		}
	}
	m.Counts.finish()
	for _, s := range byAgency {
		s.Counts.finish()
		m.Agencies = append(m.Agencies, *s)
	}
	sort.Slice(m.Agencies, func(i, j int) bool { return m.Agencies[i].Code < m.Agencies[j].Code })
}

// bounds are the rows[lo:hi] the page holds; regions are in the order of
// the rows.
func (pg Page) bounds(rows []Row, regions []domain.Region) (lo, hi int) {
	switch {
	case pg.After != nil:
		place := map[string]int{}
		for i, r := range regions {
			place[r.Code] = i
		}
		after := func(r Row) bool {
			a, b := place[r.Region], place[pg.After.Region]
			return a > b || a == b && r.Indicator > pg.After.Indicator
		}
		for lo < len(rows) && !after(rows[lo]) {
			lo++
		}
	case pg.Limit > 0 && pg.Offset >= len(rows):
		lo = max(0, (len(rows)-1)/pg.Limit*pg.Limit)
	default:
		lo = min(max(pg.Offset, 0), len(rows))
	}
	hi = len(rows)
	if pg.Limit > 0 && lo+pg.Limit < hi {
		hi = lo + pg.Limit
	}
	return lo, hi
}

// Fill gives the matrix's rows their cells from the stored values (those
// of the rows' series in the years shown; others are ignored).
func (m *Matrix) Fill(values []Value) {
	type cellKey struct {
		ind, region string
		year        int
	}
	at := make(map[cellKey]domain.Status, len(values))
	for _, v := range values {
		at[cellKey{v.Indicator, v.Region, v.Year}] = v.Status
	}
	for i := range m.Rows {
		r := &m.Rows[i]
		r.Cells = make([]Cell, 0, len(m.Years))
		for _, y := range m.Years {
			st, ok := at[cellKey{r.Indicator, r.Region, y}]
			var s State
			switch {
			case ok && st == domain.StatusPreliminary:
				s = Preliminary
			case ok:
				s = Present
			case IsOverdue(y, m.CurrentYear):
				s = Overdue
			default:
				s = Missing
			}
			r.Cells = append(r.Cells, Cell{Year: y, State: s})
		}
	}
}
