package export

import (
	"bufio"
	"context"
	"errors"
	"io"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// Kinds of data an export carries.
const (
	KindObservations = "observations"
	KindTargets      = "targets"
)

// Export is one prepared export: the selection, its shape (dimensions and
// years, read before the first row so the header can be written) and the
// catalogue entries the rows name. Preparing reads only small things, so a
// caller can still answer with an error before streaming starts.
type Export struct {
	st    *store.Store
	Kind  string
	Sel   store.Selection
	Opts  Options
	Shape store.ExportShape
	inds  []domain.Indicator
}

// Prepare checks a selection and reads what the writer needs before rows.
// Unknown indicator or region codes (compared regions too) are
// ErrNotFound.
func Prepare(ctx context.Context, st *store.Store, kind string, sel store.Selection, opts Options) (*Export, error) {
	if kind != KindTargets {
		kind = KindObservations
	}
	if kind == KindTargets && (opts.Format == SDMX || opts.Format == OpenSDG) {
		return nil, domain.Errorf(domain.ErrInvalid, "targets export as csv, csv-wide or json, not %s", opts.Format)
	}
	if sel.FromYear != 0 && sel.ToYear != 0 && sel.FromYear > sel.ToYear {
		return nil, domain.Errorf(domain.ErrInvalid, "from %d is after to %d", sel.FromYear, sel.ToYear)
	}
	all, err := st.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	opts.Indicators = make(map[string]domain.Indicator, len(all))
	for _, ind := range all {
		opts.Indicators[ind.Code] = ind
	}
	e := &Export{st: st, Kind: kind, Sel: sel}
	for _, code := range sel.Indicators {
		ind, ok := opts.Indicators[code]
		if !ok {
			return nil, domain.Errorf(domain.ErrNotFound, "indicator %q not found", code)
		}
		e.inds = append(e.inds, ind)
	}
	if len(sel.Indicators) == 0 {
		e.inds = all
	}
	if len(sel.Indicators) == 1 {
		opts.Indicator = sel.Indicators[0]
	}
	if sel.RegionSubtree != "" {
		if _, err := st.Region(ctx, sel.RegionSubtree); err != nil {
			return nil, err
		}
	}
	for _, code := range sel.Regions {
		if _, err := st.Region(ctx, code); err != nil {
			return nil, comparedNotFound(err, code)
		}
	}
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return nil, err
	}
	opts.Regions = make(map[string]domain.Region, len(regions))
	for _, r := range regions {
		opts.Regions[r.Code] = r
	}
	if kind == KindTargets {
		e.Shape, err = st.TargetShape(ctx, sel)
	} else {
		e.Shape, err = st.ObservationShape(ctx, sel)
	}
	if err != nil {
		return nil, err
	}
	opts.Dimensions = e.Shape.Dimensions
	opts.FromYear, opts.ToYear = e.Shape.FromYear, e.Shape.ToYear
	e.Opts = opts
	return e, nil
}

// comparedNotFound names a compared region (Selection.Regions) that is
// not in the catalogue by the parameter it was asked with, compare=.
func comparedNotFound(err error, code string) error {
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Errorf(domain.ErrNotFound, "compare: region %q not found", code)
	}
	return err
}

// Metadata describes the file WriteTo writes.
func (e *Export) Metadata() (Metadata, error) {
	m, err := Describe(e.Opts, e.Kind, e.inds)
	if err != nil || e.Shape.Illustrative == 0 {
		return m, err
	}
	// Generated demo values are nobody's publication: the file says which
	// they are and, when it holds nothing else, credits no publisher.
	l := e.Opts.Locale
	m.Notes = append(m.Notes, l.Get("export.notes.illustrative", e.Shape.Illustrative, e.Shape.Rows))
	if e.Shape.Illustrative == e.Shape.Rows {
		for i := range m.Indicators {
			m.Indicators[i].Source = l.Get("export.demoSource")
		}
	}
	m.Illustrative = e.Shape.Illustrative
	return m, nil
}

// WriteTo streams the export to w, row by row from a database cursor, and
// returns the number of rows written.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	if e.Kind == KindTargets {
		tw, err := Targets(w, e.Opts)
		if err != nil {
			return 0, err
		}
		if err := e.st.ExportTargets(ctx, e.Sel, func(t domain.Target) error {
			n++
			return tw.Write(t)
		}); err != nil {
			return n, err
		}
		return n, tw.Close()
	}
	ow, err := Observations(w, e.Opts)
	if err != nil {
		return 0, err
	}
	if err := e.st.ExportObservations(ctx, e.Sel, func(o domain.Observation) error {
		n++
		return ow.Write(o)
	}); err != nil {
		return n, err
	}
	return n, ow.Close()
}

// JSONRows writes observations as the JSON export writes its rows: an
// array, for a page of an export (/api/v1/export?limit=).
func JSONRows(w io.Writer, rows []domain.Observation) error {
	jw := jsonObservations{newJSONWriter(bufio.NewWriter(w))}
	for _, o := range rows {
		if err := jw.Write(o); err != nil {
			return err
		}
	}
	return jw.Close()
}
