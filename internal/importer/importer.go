// Package importer is the one path a file takes into the store, shared by
// `pantau import`, the upload API and the demo: read and validate it with
// ingest against the current catalogue, stream the valid rows into the store,
// and reject everything when any row is bad.
package importer

import (
	"context"
	"errors"
	"io"

	"pantau/internal/indicator"
	"pantau/internal/ingest"
	"pantau/internal/store"
)

// Request describes one file to import.
type Request struct {
	Upload  indicator.Upload
	Targets bool
	DryRun  bool
	Options ingest.Options
}

// Result is what happened: the upload (id, counts) and what the reader found.
type Result struct {
	Upload indicator.Upload `json:"upload"`
	Report *ingest.Report   `json:"report"`
	// Accepted is false when the file was rejected; nothing was stored then.
	Accepted bool `json:"accepted"`
	DryRun   bool `json:"dry_run"`
}

// Import reads r and stores its rows. A rejected file returns the result with
// its report and an ErrInvalid error listing the rows; nothing is written.
func Import(ctx context.Context, st *store.Store, r io.Reader, req Request) (Result, error) {
	res := Result{DryRun: req.DryRun}
	cat, err := st.Catalog(ctx)
	if err != nil {
		return res, err
	}
	opts := store.ImportOptions{DryRun: req.DryRun}
	// finish turns the reader's report into the store's counts and decides
	// whether the upload goes through.
	finish := func(rep *ingest.Report, err error) (indicator.Counts, error) {
		res.Report = rep
		c := indicator.Counts{}
		if rep != nil {
			c.Missing, c.Rejected = rep.Missing, rep.Rejected()
		}
		if err != nil {
			return c, err
		}
		return c, rep.Err()
	}
	if req.Targets {
		res.Upload, err = st.ImportTargets(ctx, req.Upload, func(emit func(indicator.Target) error) (indicator.Counts, error) {
			return finish(ingest.ReadTargets(r, cat, req.Options, emit))
		}, opts)
	} else {
		res.Upload, err = st.ImportObservations(ctx, req.Upload, func(emit func(indicator.Observation) error) (indicator.Counts, error) {
			return finish(ingest.ReadObservations(r, cat, req.Options, emit))
		}, opts)
	}
	res.Accepted = err == nil
	if err != nil && !errors.Is(err, indicator.ErrInvalid) {
		return res, err
	}
	if err != nil {
		res.Upload.ID = 0 // rolled back: no version was made
	}
	return res, err
}
