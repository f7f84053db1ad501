package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"

	"pantau/internal/importer"
	"pantau/internal/store"
)

// boundaryFiles are the demo's shapes, with their licence (data/batas/README.md).
//
//go:embed data/batas/*.geojson data/batas/LICENSE
var boundaryFiles embed.FS

// BoundarySource and BoundaryLicence are stored with every demo shape.
const (
	BoundarySource  = "cahyadsn/wilayah_boundaries (commit 3c5a796), after Kepmendagri No 300.2.2-2138 Tahun 2025; indicative, not a legal delimitation"
	BoundaryLicence = "MIT, © 2024 Cahya DSN"
)

// BoundaryLicenceText is the MIT notice that travels with the demo's shapes.
func BoundaryLicenceText() string {
	b, _ := boundaryFiles.ReadFile("data/batas/LICENSE")
	return string(b)
}

// loadBoundaries imports Banyuasin's kecamatan and South Sumatra's
// regencies through the same path as `pantau boundaries import`. The
// demo's catalogue holds Banyuasin alone of the province's 17 regencies:
// the regency file is imported as an operator would load a wider file
// (--skip-unmatched), storing Banyuasin's shape and reporting the 16 others.
func loadBoundaries(ctx context.Context, st *store.Store) error {
	for _, file := range []struct {
		name string
		skip bool
	}{{"kabupaten_kota_16_sumsel.geojson", true}, {"kecamatan_16_07_banyuasin.geojson", false}} {
		name := file.name
		b, err := boundaryFiles.ReadFile("data/batas/" + name)
		if err != nil {
			return err
		}
		res, err := importer.ImportBoundaries(ctx, st, bytes.NewReader(b), importer.BoundaryRequest{
			Filename: name, CreatedBy: "demo", Source: BoundarySource, Licence: BoundaryLicence, SkipUnmatched: file.skip,
		})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", name, err)
		}
		if n := len(res.Report.Missing); n > 0 {
			var codes []string
			for _, r := range res.Report.Missing {
				codes = append(codes, r.Code)
			}
			return fmt.Errorf("demo: %s: no shape for %s", name, strings.Join(codes, ", "))
		}
	}
	return nil
}
