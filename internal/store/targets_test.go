package store_test

import (
	"context"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestTargetsKeepRevisionsAndReachChildRegions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		target := func(low, high float64) domain.Target {
			return domain.Target{PlanCode: "rpjmn-2025-2029", ObservationKey: domain.ObservationKey{IndicatorCode: "kemiskinan_ekstrem", RegionCode: "ID", Year: 2026}, Low: low, High: high}
		}
		src := func(ts ...domain.Target) store.TargetSource {
			return func(emit func(domain.Target) error) (domain.Counts, error) {
				for _, t := range ts {
					if err := emit(t); err != nil {
						return domain.Counts{}, err
					}
				}
				return domain.Counts{}, nil
			}
		}
		up, err := st.ImportTargets(ctx, domain.Upload{}, src(target(0, 0)), store.ImportOptions{})
		if err != nil || up.New != 1 {
			t.Fatalf("first targets import = %+v, %v", up.Counts, err)
		}
		up, err = st.ImportTargets(ctx, domain.Upload{}, src(target(0, 0.5)), store.ImportOptions{})
		if err != nil || up.Changed != 1 {
			t.Fatalf("amendment = %+v, %v", up.Counts, err)
		}
		revs, err := st.TargetRevisions(ctx, "rpjmn-2025-2029", "kemiskinan_ekstrem", "ID")
		if err != nil || len(revs) != 1 || revs[0].OldValue != 0 || *revs[0].OldHigh != 0 || *revs[0].NewHigh != 0.5 {
			t.Fatalf("target revisions = %+v, %v", revs, err)
		}
		// The national target appears in the regency's series.
		s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if err != nil || len(s.Targets) != 1 || s.Targets[0].RegionCode != "ID" || len(s.Plans) != 1 {
			t.Fatalf("regency series targets = %+v plans %+v, %v", s.Targets, s.Plans, err)
		}
	})
}
