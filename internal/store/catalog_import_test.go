package store_test

import (
	"context"
	"errors"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// TestApplyCatalog applies catalogue changes on both engines: a dry run
// stores nothing, an import keeps a revision and an audit entry per
// change, and a removal in use is refused with its users and leaves the
// whole import unapplied.
func TestApplyCatalog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		if err := st.SetInstance(ctx, "16.07", store.PreparedByInit); err != nil {
			t.Fatal(err)
		}
		tpt := domain.Indicator{Code: "tpt", NameID: "TPT", Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2, Frequency: "tahunan",
			Progress: &domain.ProgressSettings{Assess: true, BaseYear: 2023, Thresholds: domain.ProgressThresholds{Substantial: 0.9, Moderate: 0.5, Limited: 0.1}}}
		rpjmd := domain.Plan{Code: "rpjmd-2025-2029", Name: "RPJMD", Kind: domain.KindRPJMD, Level: domain.PlanRegency, RegionCode: "16.07",
			StartYear: 2025, EndYear: 2029, LegalBasis: "Perda 1/2025", Status: domain.PlanDraft}
		amended := rpjmd
		amended.Code, amended.Amends, amended.Status = "rpjmd-2025-2029-p1", rpjmd.Code, domain.PlanFinal
		changes := []domain.CatalogChange{
			{Kind: domain.KindIndicators, Code: "tpt", Action: domain.CatalogAdded, New: tpt},
			{Kind: domain.KindPlans, Code: rpjmd.Code, Action: domain.CatalogAdded, New: rpjmd},
			{Kind: domain.KindPlans, Code: amended.Code, Action: domain.CatalogAdded, New: amended},
		}
		imp, err := st.ApplyCatalog(ctx, store.CatalogImport{Filename: "my.yaml", CreatedBy: "test"}, changes, "cli:test", true)
		if err != nil || imp.ID != 0 || imp.Added != 3 {
			t.Fatalf("dry run: %+v, %v", imp, err)
		}
		if _, err := st.Indicator(ctx, "tpt"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the dry run stored tpt: %v", err)
		}
		if imp, err = st.ApplyCatalog(ctx, store.CatalogImport{Filename: "my.yaml", CreatedBy: "test"}, changes, "cli:test", false); err != nil || imp.ID == 0 {
			t.Fatalf("import: %+v, %v", imp, err)
		}
		got, err := st.Indicator(ctx, "tpt")
		if err != nil || got.Progress == nil || *got.Progress != *tpt.Progress {
			t.Errorf("tpt stored as %+v (%v), want its progress settings %+v", got.Progress, err, tpt.Progress)
		}
		plans, err := st.Plans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byCode := map[string]domain.Plan{}
		for _, p := range plans {
			byCode[p.Code] = p
		}
		if p := byCode[amended.Code]; p.Amends != rpjmd.Code || p.Kind != domain.KindRPJMD || p.LegalBasis != "Perda 1/2025" || byCode[rpjmd.Code].Status != domain.PlanDraft {
			t.Errorf("plans stored as %+v", byCode)
		}
		revs, err := st.CatalogRevisions(ctx, domain.KindPlans, amended.Code)
		if err != nil || len(revs) != 1 || revs[0].ImportID != imp.ID || revs[0].OldValue != "" || revs[0].ChangedBy != "test" {
			t.Errorf("revisions %+v, %v", revs, err)
		}
		audit, err := st.AuditLog(ctx, store.AuditQuery{Limit: 3})
		if err != nil || len(audit) != 3 || audit[0].Action != "catalog.add" || audit[0].Principal != "cli:test" {
			t.Errorf("audit %+v, %v", audit, err)
		}

		// An amendment cycle through stored plans is refused by the store itself.
		cyc := rpjmd
		cyc.Amends = amended.Code
		_, err = st.ApplyCatalog(ctx, store.CatalogImport{Filename: "cycle.yaml"}, []domain.CatalogChange{
			{Kind: domain.KindPlans, Code: rpjmd.Code, Action: domain.CatalogChanged, Old: rpjmd, New: cyc}}, "cli:test", false)
		if !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("amendment cycle: %v", err)
		}

		// Removing the regency, which plans and the home region use, is
		// refused, and the indicator removed in the same import stays.
		_, err = st.ApplyCatalog(ctx, store.CatalogImport{Filename: "rm.yaml"}, []domain.CatalogChange{
			{Kind: domain.KindIndicators, Code: "tpt", Action: domain.CatalogRemoved, Old: tpt},
			{Kind: domain.KindRegions, Code: "16.07", Action: domain.CatalogRemoved},
		}, "cli:test", false)
		var inUse *store.InUseError
		if !errors.As(err, &inUse) || inUse.Code != "16.07" || len(inUse.UsedBy) != 2 {
			t.Fatalf("removal of a used region: %v", err)
		}
		if _, err := st.Indicator(ctx, "tpt"); err != nil {
			t.Errorf("a refused import removed tpt: %v", err)
		}
		home, err := st.HomeRegion(ctx)
		if err != nil || home != "16.07" {
			t.Errorf("home region %q, %v", home, err)
		}
	})
}

// TestAddRegions: the official list's regions are added once; a second
// load adds nothing and records no import.
func TestAddRegions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		regions := []domain.Region{{Code: "ID", Name: "Indonesia", Level: domain.LevelNational}}
		for _, c := range []string{"16", "16.06", "16.06.01", "16.06.01.2001"} {
			r, err := domain.NewRegion(c, "", "Wilayah "+c)
			if err != nil {
				t.Fatal(err)
			}
			regions = append(regions, r)
		}
		imp, err := st.AddRegions(ctx, store.CatalogImport{Filename: "wilayah"}, regions, "init")
		if err != nil || imp.Added != 5 || imp.ID == 0 {
			t.Fatalf("first load: %+v, %v", imp, err)
		}
		imp, err = st.AddRegions(ctx, store.CatalogImport{Filename: "wilayah"}, regions, "init")
		if err != nil || imp.Added != 0 || imp.Unchanged != 5 || imp.ID != 0 {
			t.Fatalf("second load: %+v, %v", imp, err)
		}
		if r, err := st.Region(ctx, "16.06.01.2001"); err != nil || r.ParentCode != "16.06.01" || r.Level != domain.LevelVillage {
			t.Errorf("village stored as %+v, %v", r, err)
		}
	})
}
