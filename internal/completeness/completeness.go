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
	// From–To are cells, so the caller need read no others.
	Values []Value
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

func (c *Counts) add(s State) {
	c.Cells++
	switch s {
	case Present:
		c.Present++
	case Preliminary:
		c.Preliminary++
	case Missing:
		c.Missing++
	case Overdue:
		c.Overdue++
	}
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
	Counts   Counts          `json:"counts"`
	Rows     []Row           `json:"rows"`
	Agencies []AgencySummary `json:"agencies"`
	// Rule says, in words, which cells are expected.
	Rule string `json:"rule"`
}

// Rule is how the matrix decides which indicator × region pairs are expected.
const Rule = "An indicator is expected in a region when the region has a value of it in any year, " +
	"when another region of the same level here has one, or when a plan sets a target for it there. " +
	"A missing value is overdue when its year ended more than a year ago (year < current year − 1)."

// Build computes the matrix. Rows are ordered by region (the root first),
// then indicator code.
func Build(in Input) Matrix {
	m := Matrix{Region: in.Root, From: in.From, To: in.To, CurrentYear: in.CurrentYear, Rows: []Row{}, Agencies: []AgencySummary{}, Rule: Rule}
	for y := in.From; y <= in.To; y++ {
		m.Years = append(m.Years, y)
	}
	regions := append([]domain.Region{in.Root}, in.Children...)
	type pair struct{ ind, region string }
	type cellKey struct {
		pair
		year int
	}
	values := map[cellKey]domain.Status{}
	has := map[pair]bool{}
	levelHas := map[pair]bool{} // (indicator, level)
	levelOf := map[string]domain.Level{}
	for _, r := range regions {
		levelOf[r.Code] = r.Level
	}
	for _, v := range in.Values {
		values[cellKey{pair{v.Indicator, v.Region}, v.Year}] = v.Status
		has[pair{v.Indicator, v.Region}] = true
		levelHas[pair{v.Indicator, string(levelOf[v.Region])}] = true
	}
	for _, p := range in.Series {
		has[pair{p[0], p[1]}] = true
		levelHas[pair{p[0], string(levelOf[p[1]])}] = true
	}
	for _, t := range in.Targeted {
		has[pair{t[0], t[1]}] = true
	}
	agencies := map[string]domain.Agency{}
	for _, a := range in.Agencies {
		agencies[a.Code] = a
	}
	byAgency := map[string]*AgencySummary{}
	inds := append([]domain.Indicator(nil), in.Indicators...)
	sort.Slice(inds, func(i, j int) bool { return inds[i].Code < inds[j].Code })
	for _, r := range regions {
		for _, ind := range inds {
			if !has[pair{ind.Code, r.Code}] && !levelHas[pair{ind.Code, string(r.Level)}] {
				continue
			}
			row := Row{Indicator: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Agency: ind.AgencyCode, AgencyName: agencies[ind.AgencyCode].Name,
				Region: r.Code, RegionName: r.Name, RegionLevel: r.Level, Cells: make([]Cell, 0, len(m.Years))}
			sum := byAgency[ind.AgencyCode]
			if sum == nil {
				sum = &AgencySummary{Code: ind.AgencyCode, Name: agencies[ind.AgencyCode].Name}
				byAgency[ind.AgencyCode] = sum
			}
			for _, y := range m.Years {
				st, ok := values[cellKey{pair{ind.Code, r.Code}, y}]
				var s State
				switch {
				case ok && st == domain.StatusPreliminary:
					s = Preliminary
				case ok:
					s = Present
				case IsOverdue(y, in.CurrentYear):
					s = Overdue
				default:
					s = Missing
				}
				row.Cells = append(row.Cells, Cell{Year: y, State: s})
				row.Counts.add(s)
				sum.Counts.add(s)
				m.Counts.add(s)
			}
			row.Counts.finish()
			m.Rows = append(m.Rows, row)
		}
	}
	m.Counts.finish()
	for _, s := range byAgency {
		s.Counts.finish()
		m.Agencies = append(m.Agencies, *s)
	}
	sort.Slice(m.Agencies, func(i, j int) bool { return m.Agencies[i].Code < m.Agencies[j].Code })
	return m
}
