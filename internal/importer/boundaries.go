package importer

import (
	"context"
	"encoding/json"
	"io"

	"pantau/internal/boundary"
	"pantau/internal/domain"
	"pantau/internal/store"
)

// BoundaryRequest is one boundary file to import, from the CLI, the API or
// the demo: the same path for all three.
type BoundaryRequest struct {
	Filename  string
	CreatedBy string
	Source    string
	Licence   string
	// CodeProperty overrides the detected property holding region codes.
	CodeProperty string
	// SkipUnmatched stores the features that match a region and reports
	// the others instead of refusing the file.
	SkipUnmatched bool
	DryRun        bool
	// MaxBytes refuses larger files (boundary.DefaultMaxBytes when 0).
	MaxBytes int64
}

// BoundaryResult is what a boundary import did: the report of every
// feature, and the upload when the shapes were stored.
type BoundaryResult struct {
	Report *boundary.Report `json:"report"`
	Upload domain.Upload    `json:"upload"`
	// Stored is true when the shapes were stored (not a dry run, no problem).
	Stored bool   `json:"stored"`
	DryRun bool   `json:"dry_run"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
}

// boundaryDialect is what is kept in the upload's dialect column: how the
// file was read.
type boundaryDialect struct {
	Format       string `json:"format"`
	CodeProperty string `json:"code_property"`
	CodeKind     string `json:"code_kind"`
	NameProperty string `json:"name_property,omitempty"`
}

// ImportBoundaries reads a GeoJSON boundary file, matches its features to
// the instance's regions and stores every shape, or none: a feature that
// names no region of the instance or has unusable geometry stops the
// import, and the result's report names each. The file's bytes are kept
// with the upload, as for CSV uploads. A dry run reports the counts (new,
// changed, unchanged shapes) and stores nothing.
func ImportBoundaries(ctx context.Context, st *store.Store, r io.Reader, req BoundaryRequest) (BoundaryResult, error) {
	res := BoundaryResult{DryRun: req.DryRun}
	src := newSource(ctx, r, !req.DryRun)
	defer src.close()
	f, err := boundary.Read(src, boundary.ReadOptions{MaxBytes: req.MaxBytes})
	if err != nil {
		return res, err
	}
	res.SHA256, res.Size = src.sum(), src.n
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return res, err
	}
	bps, err := st.BPSCodes(ctx)
	if err != nil {
		return res, err
	}
	rep, err := boundary.Match(f, boundary.Catalogue{Regions: regions, BPS: bps}, boundary.MatchOptions{CodeProperty: req.CodeProperty, SkipUnmatched: req.SkipUnmatched})
	if err != nil {
		return res, err
	}
	res.Report = rep
	if err := rep.Err(); err != nil {
		return res, err
	}
	imp := store.BoundaryImport{Filename: req.Filename, CreatedBy: req.CreatedBy, Source: req.Source, Licence: req.Licence, DryRun: req.DryRun}
	for _, sh := range rep.Shapes {
		imp.Shapes = append(imp.Shapes, store.BoundaryShape{RegionCode: sh.RegionCode, Geometry: sh.Geometry})
	}
	dialect, _ := json.Marshal(boundaryDialect{Format: "geojson", CodeProperty: rep.CodeProperty, CodeKind: rep.CodeKind, NameProperty: rep.NameProperty})
	imp.File = func() (store.UploadFile, error) {
		uf, err := src.file()
		uf.Dialect = dialect
		return uf, err
	}
	up, err := st.ImportBoundaries(ctx, imp)
	res.Upload = up
	if err != nil {
		return res, err
	}
	res.Stored = !req.DryRun
	return res, nil
}
