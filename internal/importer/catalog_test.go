package importer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
	"pantau/internal/store"
)

// TestApplyCatalog takes catalogues the way the web gives them (built in
// Go, no file) on both engines: a dry run lists the change and stores
// nothing, the import stores it as one catalogue import by the principal,
// and removing an indicator the data uses is refused, naming its users, in
// the language asked for.
func TestApplyCatalog(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ind, err := st.Indicator(ctx, "ipm")
		if err != nil {
			t.Fatal(err)
		}
		ind.NameEN = "Human Development Index (IPM)"
		req := importer.CatalogRequest{Catalogue: &catalogfile.Catalogue{Indicators: []domain.Indicator{ind}},
			Filename: "/admin/katalog", By: "user:1:admin@bappeda.id", DryRun: true, Lang: locale.ID}
		res, err := importer.ApplyCatalog(ctx, st, req)
		if added, changed, _ := res.Counts(); err != nil || changed != 1 || added != 0 || res.Import.ID != 0 {
			t.Fatalf("dry run: %+v %v", res, err)
		}
		if now, _ := st.Indicator(ctx, "ipm"); now.NameEN == ind.NameEN {
			t.Fatal("the dry run stored the change")
		}
		req.DryRun = false
		if res, err = importer.ApplyCatalog(ctx, st, req); err != nil || res.Import.ID == 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		// The demo's own catalogue import added ipm; this import is the
		// one change after it.
		revs, err := st.CatalogRevisions(ctx, domain.KindIndicators, "ipm")
		if n := len(revs); err != nil || n != 2 || revs[n-1].ImportID != res.Import.ID || revs[n-1].Action != "change" || revs[0].Action != "add" {
			t.Errorf("revisions %+v %v", revs, err)
		}
		if again, err := importer.ApplyCatalog(ctx, st, req); err != nil || len(again.Changes) != 0 || again.Import.ID != 0 {
			t.Errorf("the same change again: %+v %v", again, err)
		}

		removal := importer.CatalogRequest{Catalogue: &catalogfile.Catalogue{Removals: []catalogfile.Ref{{Kind: catalogfile.Indicators, Code: "kemiskinan"}}},
			Filename: "/admin/katalog", By: "user:1:admin@bappeda.id", Lang: locale.EN}
		_, err = importer.ApplyCatalog(ctx, st, removal)
		var probs catalogfile.Problems
		if !errors.As(err, &probs) || !errors.Is(err, domain.ErrInvalid) || !strings.Contains(probs.Error(), "kemiskinan") {
			t.Fatalf("removing an indicator with data: %v", err)
		}
		if _, err := st.Indicator(ctx, "kemiskinan"); err != nil {
			t.Errorf("the refused removal removed it: %v", err)
		}
	})
}
