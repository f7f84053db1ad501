package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/store"
	"pantau/internal/wilayah"
)

// CatalogRequest is a catalogue file to apply: `pantau catalog import`,
// the starter catalogue `pantau init` loads and the demo's catalogue all go
// this one way.
type CatalogRequest struct {
	Name      string // the file, as the import record names it
	CreatedBy string
	Lang      locale.Lang // of problems and descriptions
	DryRun    bool        // check the changes in a transaction and roll back
}

// CatalogResult is what applying a catalogue did (or, on a dry run, would
// do): every change, the counts, and the import record.
type CatalogResult struct {
	Changes                 []domain.CatalogChange
	Added, Changed, Removed int
	Unchanged               int
	Import                  store.CatalogImport
}

// ImportCatalog compares c with the stored catalogue and applies the
// changes in one transaction. Regions the file names without a name take
// the official list's. The store's refusals (an entry in use, targets left
// outside a plan's new period) come back as the file's problems, at the
// place in the file they concern.
func ImportCatalog(ctx context.Context, st *store.Store, c *catalogfile.Catalogue, req CatalogRequest) (CatalogResult, error) {
	var res CatalogResult
	list, err := wilayah.Official()
	if err != nil {
		return res, err
	}
	c.FillRegionNames(func(code string) (string, bool) {
		e, ok := list.Lookup(code)
		return e.Name, ok
	})
	all, codes := c.RegionsNeeded()
	entries, err := st.CatalogEntries(ctx, all, codes...)
	if err != nil {
		return res, err
	}
	plan, err := catalogfile.Compare(catalogfile.Stored(entries), c, req.Lang)
	if err != nil {
		return res, err
	}
	res.Changes, res.Unchanged = plan.Changes, plan.Unchanged
	res.Added, res.Changed, res.Removed = plan.Counts()
	res.Import = store.CatalogImport{Filename: req.Name, CreatedBy: req.CreatedBy, Unchanged: plan.Unchanged}
	if len(plan.Changes) > 0 {
		if res.Import, err = st.ApplyCatalog(ctx, res.Import, plan.Changes, req.CreatedBy, req.DryRun); err != nil {
			return res, catalogRefusal(c, req.Lang, err)
		}
	}
	return res, nil
}

// catalogRefusal puts the store's refusals in the words and at the place
// of the file; other errors pass unchanged.
func catalogRefusal(c *catalogfile.Catalogue, lang locale.Lang, err error) error {
	var inUse *store.InUseError
	var period *store.PeriodError
	switch {
	case errors.As(err, &inUse):
		return catalogfile.Problems{c.Problem(catalogfile.Ref{Kind: catalogfile.Kind(inUse.Kind), Code: inUse.Code}, "remove", lang,
			catalogfile.CodeInUse, catalogfile.KindName(lang, catalogfile.Kind(inUse.Kind)), inUse.Code, strings.Join(inUse.UsedBy, "; "))}
	case errors.As(err, &period):
		years := fmt.Sprint(period.Years)
		return catalogfile.Problems{c.Problem(catalogfile.Ref{Kind: catalogfile.Plans, Code: period.Plan}, "end_year", lang,
			catalogfile.CodeTargetsOutside, period.Plan, period.Start, period.End, strings.Trim(years, "[]"))}
	}
	return err
}
