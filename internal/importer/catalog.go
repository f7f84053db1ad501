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

// CatalogRequest is one catalogue to apply: a file given to the API, or
// the entry an administrator's form declares.
type CatalogRequest struct {
	Catalogue *catalogfile.Catalogue
	// Filename names the import in its revisions ("admin/katalog" for a form).
	Filename string
	// By is the principal recorded in each revision's audit entry.
	By     string
	DryRun bool
	Lang   locale.Lang
}

// CatalogResult is what applying a catalogue did (or, on a dry run, would
// do): every change old → new and the import that recorded them (ID 0 on
// a dry run).
type CatalogResult struct {
	Changes []domain.CatalogChange
	Import  store.CatalogImport
}

// Counts returns how many entries were added, changed and removed.
func (r CatalogResult) Counts() (added, changed, removed int) {
	return catalogfile.Plan{Changes: r.Changes}.Counts()
}

// ApplyCatalog compares the catalogue with the stored one and applies the
// changes all-or-nothing as one catalogue import (a revision and an audit
// entry per change), or on a dry run checks them in a transaction that is
// rolled back. It is the path of `pantau catalog import`: the web's forms
// and API take it too, so a change made on a page is refused exactly as
// the same change in a file. Refusals are catalogfile.Problems (ErrInvalid)
// in the request's language.
func ApplyCatalog(ctx context.Context, st *store.Store, req CatalogRequest) (CatalogResult, error) {
	c, lang := req.Catalogue, req.Lang
	list, err := wilayah.Official()
	if err != nil {
		return CatalogResult{}, fmt.Errorf("importer: catalogue: %w", err)
	}
	// Entries built in Go (a form's) are put in the form a file's are
	// compared in, so that the defaults spelt out are no change.
	for i := range c.Indicators {
		c.Indicators[i] = catalogfile.NormalIndicator(c.Indicators[i])
	}
	for i := range c.Plans {
		c.Plans[i] = catalogfile.NormalPlan(c.Plans[i])
	}
	for i := range c.Regions {
		c.Regions[i] = catalogfile.NormalRegion(c.Regions[i])
	}
	c.FillRegionNames(func(code string) (string, bool) {
		e, ok := list.Lookup(code)
		return e.Name, ok
	})
	all, codes := c.RegionsNeeded()
	entries, err := st.CatalogEntries(ctx, all, codes...)
	if err != nil {
		return CatalogResult{}, err
	}
	plan, err := catalogfile.Compare(catalogfile.Stored(entries), c, lang)
	if err != nil {
		return CatalogResult{}, err
	}
	res := CatalogResult{Changes: plan.Changes, Import: store.CatalogImport{Filename: req.Filename, CreatedBy: req.By, Unchanged: plan.Unchanged}}
	if len(plan.Changes) == 0 {
		return res, nil
	}
	res.Import, err = st.ApplyCatalog(ctx, res.Import, plan.Changes, req.By, req.DryRun)
	if err != nil {
		return CatalogResult{}, catalogRefusal(c, lang, err)
	}
	return res, nil
}

// catalogRefusal puts the store's refusals (an entry in use, targets
// outside a plan's new period) in the words and at the place of the file,
// as the CLI does.
func catalogRefusal(c *catalogfile.Catalogue, lang locale.Lang, err error) error {
	var inUse *store.InUseError
	var period *store.PeriodError
	switch {
	case errors.As(err, &inUse):
		return catalogfile.Problems{c.Problem(catalogfile.Ref{Kind: catalogfile.Kind(inUse.Kind), Code: inUse.Code}, "remove", lang,
			catalogfile.CodeInUse, catalogfile.KindName(lang, catalogfile.Kind(inUse.Kind)), inUse.Code, strings.Join(inUse.UsedBy, "; "))}
	case errors.As(err, &period):
		years := strings.Trim(fmt.Sprint(period.Years), "[]")
		return catalogfile.Problems{c.Problem(catalogfile.Ref{Kind: catalogfile.Plans, Code: period.Plan}, "end_year", lang,
			catalogfile.CodeTargetsOutside, period.Plan, period.Start, period.End, years)}
	}
	return err
}
