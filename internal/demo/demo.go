// Package demo loads the Banyuasin demonstration: files, not code. Its
// catalogue (data/katalog.yaml: agencies, regions with their BPS codes,
// indicators with the sources of the real published figures in
// ../shared/data/banyuasin.md, plans) and its data files (data/*.csv: the
// published figures, and clearly labelled illustrative values where nothing
// is published: regency RPJMD targets, district values) go into the store
// the way `pantau catalog import`, `pantau import` and `pantau import
// --targets` take a government's files (internal/importer).
package demo

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
)

//go:embed data/katalog.yaml data/*.csv
var files embed.FS

// IllustrativeNote labels every generated value wherever it is shown; the
// illustrative files carry it in their notes and the demo's RPJMD as its
// source.
const IllustrativeNote = "data contoh (ilustratif) / illustrative"

// RegencyCode is the demo's regency, Kabupaten Banyuasin: the demo
// instance's home region.
const RegencyCode = "16.07"

// catalogueName is how the demo's catalogue is named in messages and in
// the import record.
const catalogueName = "internal/demo/data/katalog.yaml"

// dataFiles are the demo's data files in the order they are imported; the
// illustrative ones are named so ("ilustratif") and uploaded as such.
var dataFiles = []struct {
	name         string
	targets      bool
	illustrative bool
}{
	{name: "observasi.csv"},
	{name: "target.csv", targets: true},
	{name: "target-rpjmd-banyuasin-ilustratif.csv", targets: true, illustrative: true},
	{name: "kecamatan-ilustratif.csv", illustrative: true},
}

// Kecamatan are Banyuasin's 21 districts as the demo's catalogue declares
// them: Kemendagri code, BPS code, name.
var Kecamatan = kecamatan()

func kecamatan() [][3]string {
	c, err := catalogue()
	if err != nil {
		panic(err) // the file is embedded: TestCatalogueFile keeps it readable
	}
	var out [][3]string
	for _, r := range c.Regions {
		if r.Level == domain.LevelDistrict {
			out = append(out, [3]string{r.Code, r.BPSCode, r.Name})
		}
	}
	return out
}

// catalogue reads the demo's catalogue file.
func catalogue() (*catalogfile.Catalogue, error) {
	b, err := files.ReadFile("data/katalog.yaml")
	if err != nil {
		return nil, err
	}
	return catalogfile.ReadYAML(bytes.NewReader(b), catalogueName, locale.ID)
}

// LoadCatalog puts the demo's catalogue into st as `pantau catalog import`
// would: agencies, regions (with their BPS codes), indicators and plans,
// but no data. A fresh database with this catalogue accepts every file
// exported from the demo.
func LoadCatalog(ctx context.Context, st *store.Store) error {
	c, err := catalogue()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := importer.ApplyCatalog(ctx, st, importer.CatalogRequest{Catalogue: c, Filename: catalogueName, By: "demo", Lang: locale.ID}); err != nil {
		return fmt.Errorf("demo: %s: %w", catalogueName, err)
	}
	return nil
}

// Load puts the demo catalogue and data into st and marks the instance
// prepared by the demo, with Banyuasin as its home. Loading twice changes
// nothing the second time (the imports are idempotent). A database that
// `pantau init` prepared for a government is refused (ErrConflict): the
// demo's illustrative values must never mix with its data.
func Load(ctx context.Context, st *store.Store) error {
	in, err := st.Instance(ctx)
	switch {
	case err == nil && in.PreparedBy != store.PreparedByDemo:
		return domain.Errorf(domain.ErrConflict, "this database was prepared by pantau %s for region %s: the demo is not loaded into it", in.PreparedBy, in.HomeRegion)
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return err
	}
	if err := LoadCatalog(ctx, st); err != nil {
		return err
	}
	for _, file := range dataFiles {
		b, err := files.ReadFile("data/" + file.name)
		if err != nil {
			return err
		}
		by := "demo"
		if file.illustrative {
			by = "demo (" + IllustrativeNote + ")"
		}
		_, err = importer.Import(ctx, st, bytes.NewReader(b), importer.Request{
			Upload:  domain.Upload{Filename: file.name, CreatedBy: by, AgencyCode: "bappeda-banyuasin"},
			Targets: file.targets,
			Options: ingest.Options{Decimal: ingest.DecimalComma},
		})
		if err != nil {
			return fmt.Errorf("demo: %s: %w", file.name, err)
		}
	}
	if err := loadBoundaries(ctx, st); err != nil {
		return err
	}
	return st.SetInstance(ctx, RegencyCode, store.PreparedByDemo)
}
