package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
	"pantau/internal/wilayah"
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

// sumselRegencies are South Sumatra's 17 regencies and cities from the
// official region list, as regions: the demo draws the province's map, on
// which Banyuasin is the one with data.
func sumselRegencies() ([]domain.Region, error) {
	list, err := wilayah.Official()
	if err != nil {
		return nil, fmt.Errorf("demo: region list: %w", err)
	}
	var out []domain.Region
	for _, e := range list.Children("16") {
		if e.Code != RegencyCode { // Banyuasin is in the catalogue with its BPS code
			out = append(out, e.Region())
		}
	}
	return out, nil
}

// loadBoundaries imports Banyuasin's kecamatan and South Sumatra's
// regencies through the same path as `pantau boundaries import`.
func loadBoundaries(ctx context.Context, st *store.Store) error {
	regencies, err := sumselRegencies()
	if err != nil {
		return err
	}
	if err := st.PutRegions(ctx, regencies...); err != nil {
		return err
	}
	for _, name := range []string{"kabupaten_kota_16_sumsel.geojson", "kecamatan_16_07_banyuasin.geojson"} {
		b, err := boundaryFiles.ReadFile("data/batas/" + name)
		if err != nil {
			return err
		}
		res, err := importer.ImportBoundaries(ctx, st, bytes.NewReader(b), importer.BoundaryRequest{
			Filename: name, CreatedBy: "demo", Source: BoundarySource, Licence: BoundaryLicence,
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
