package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Selection narrows a bulk read; zero fields match everything.
type Selection struct {
	// Indicators lists indicator codes; empty means every indicator.
	Indicators []string
	// RegionSubtree is a Kemendagri code: the region and every region
	// below it. Empty or "ID" means everywhere.
	RegionSubtree string
	// FromYear and ToYear bound the years, inclusive; 0 leaves a side open.
	FromYear, ToYear int
}

// where returns the SQL condition and arguments of a selection, for a table
// whose key columns are named as in observations and targets.
func (sel Selection) where() (string, []any, error) {
	var conds []string
	var args []any
	if len(sel.Indicators) > 0 {
		q, a, err := sqlx.In(`indicator_code IN (?)`, sel.Indicators)
		if err != nil {
			return "", nil, fmt.Errorf("store: selection: %w", err)
		}
		conds, args = append(conds, q), append(args, a...)
	}
	if r := sel.RegionSubtree; r != "" && r != domain.NationalCode {
		// Kemendagri codes nest by prefix ("16.07" ⊃ "16.07.01"); codes are
		// validated, so they carry no LIKE wildcards.
		conds, args = append(conds, `(region_code = ? OR region_code LIKE ?)`), append(args, r, r+".%")
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
}

// ObservationShape returns the shape of the observations a selection holds:
// one grouped pass over the rows, whose result is a handful of rows.
func (s *Store) ObservationShape(ctx context.Context, sel Selection) (ExportShape, error) {
	return s.shape(ctx, "observations", sel)
}

// TargetShape is ObservationShape for plan targets.
func (s *Store) TargetShape(ctx context.Context, sel Selection) (ExportShape, error) {
	return s.shape(ctx, "targets", sel)
}

func (s *Store) shape(ctx context.Context, table string, sel Selection) (ExportShape, error) {
	where, args, err := sel.where()
	if err != nil {
		return ExportShape{}, err
	}
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(`SELECT disagg, MIN(year), MAX(year), COUNT(*) FROM `+table+where+` GROUP BY disagg`), args...)
	if err != nil {
		return ExportShape{}, fmt.Errorf("store: export shape: %w", err)
	}
	defer rows.Close()
	var out ExportShape
	dims := map[string]bool{}
	for rows.Next() {
		var d string
		var lo, hi int
		var n int64
		if err := rows.Scan(&d, &lo, &hi, &n); err != nil {
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
	rows, err := s.rdb.QueryContext(ctx, s.rdb.Rebind(`SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id
		FROM observations`+where+` ORDER BY indicator_code, region_code, disagg, year`), args...)
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

// ExportTargets calls fn for every selected target in key order (plan,
// indicator, region, disaggregation, year), from a database cursor.
func (s *Store) ExportTargets(ctx context.Context, sel Selection, fn func(domain.Target) error) error {
	where, args, err := sel.where()
	if err != nil {
		return err
	}
	rows, err := s.rdb.QueryxContext(ctx, s.rdb.Rebind(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets`+where+` ORDER BY plan_code, indicator_code, region_code, disagg, year`), args...)
	if err != nil {
		return fmt.Errorf("store: export targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t domain.Target
		if err := rows.StructScan(&t); err != nil {
			return fmt.Errorf("store: export targets: %w", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export targets: %w", err)
	}
	return nil
}
