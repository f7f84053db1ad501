package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/pgtest"
	"pantau/internal/store"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// engines runs fn once against a fresh SQLite file and once against a fresh
// PostgreSQL database, both migrated.
func engines(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, open(t, filepath.Join(t.TempDir(), "pantau.db")))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, open(t, pgtest.URL(t)))
	})
}

func open(t testing.TB, url string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

// seed stores a small catalogue: Banyuasin, its province and one indicator.
func seed(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	var regions []domain.Region
	for _, r := range [][3]string{{"ID", "", "Indonesia"}, {"16", "16", "Sumatera Selatan"}, {"16.07", "1607", "Kabupaten Banyuasin"}} {
		reg, err := domain.NewRegion(r[0], r[1], r[2])
		if err != nil {
			t.Fatal(err)
		}
		regions = append(regions, reg)
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		t.Fatal(err)
	}
	if err := st.PutIndicator(ctx, domain.Indicator{Code: "kemiskinan_ekstrem", NameID: "Kemiskinan ekstrem", Unit: domain.UnitPercent,
		Polarity: domain.LowerIsBetter, Decimals: 2}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutPlan(ctx, domain.Plan{Code: "rpjmn-2025-2029", Name: "RPJMN 2025–2029", Level: domain.PlanNational,
		RegionCode: "ID", StartYear: 2025, EndYear: 2029}); err != nil {
		t.Fatal(err)
	}
}

func obs(year int, v float64) domain.Observation {
	return domain.Observation{SeriesKey: domain.SeriesKey{IndicatorCode: "kemiskinan_ekstrem", RegionCode: "16.07", Year: year},
		Value: v, Status: domain.StatusFinal}
}

// rows is an ObservationSource over a fixed slice.
func rows(os ...domain.Observation) store.ObservationSource {
	return func(emit func(domain.Observation) error) (domain.Counts, error) {
		for _, o := range os {
			if err := emit(o); err != nil {
				return domain.Counts{}, err
			}
		}
		return domain.Counts{}, nil
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		if err := st.Migrate(context.Background()); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		inds, err := st.Indicators(context.Background())
		if err != nil || len(inds) != 0 {
			t.Fatalf("fresh database has indicators %v, %v", inds, err)
		}
	})
}

func TestImportKeepsHistory(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		first, err := st.ImportObservations(ctx, domain.Upload{Filename: "a.csv", CreatedBy: "bps"}, rows(obs(2023, 0.56), obs(2024, 0.49)), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if first.New != 2 || first.Changed != 0 || first.Unchanged != 0 || first.ID == 0 {
			t.Fatalf("first import = %+v, want 2 new", first)
		}
		// Same values again: nothing changes, no revision.
		again, err := st.ImportObservations(ctx, domain.Upload{Filename: "a.csv"}, rows(obs(2023, 0.56), obs(2024, 0.49)), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if again.New != 0 || again.Changed != 0 || again.Unchanged != 2 {
			t.Fatalf("identical import = %+v, want 2 unchanged", again.Counts)
		}
		if revs, _ := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 0); len(revs) != 0 {
			t.Fatalf("identical import wrote revisions: %+v", revs)
		}
		// 2024 revised, 2025 new; 2023 absent from the file and kept.
		revised := obs(2024, 0.51)
		revised.Status = domain.StatusRevised
		third, err := st.ImportObservations(ctx, domain.Upload{Filename: "b.csv", CreatedBy: "dinsos"}, rows(revised, obs(2025, 0.40)), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if third.New != 1 || third.Changed != 1 || third.Unchanged != 0 || third.ID <= again.ID {
			t.Fatalf("changed import = %+v", third)
		}
		revs, err := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 1 {
			t.Fatalf("revisions = %+v, want one", revs)
		}
		r := revs[0]
		if r.Year != 2024 || r.OldValue != 0.49 || r.NewValue != 0.51 || r.OldUploadID != first.ID || r.UploadID != third.ID ||
			r.ChangedBy != "dinsos" || r.OldStatus != domain.StatusFinal || r.ChangedAt.IsZero() {
			t.Fatalf("revision = %+v", r)
		}
		s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if err != nil {
			t.Fatal(err)
		}
		got := map[int]float64{}
		for _, o := range s.Observations {
			got[o.Year] = o.Value
		}
		if fmt.Sprint(got) != fmt.Sprint(map[int]float64{2023: 0.56, 2024: 0.51, 2025: 0.40}) {
			t.Fatalf("series = %v", got)
		}
		if v, _ := st.DataVersion(ctx); v != third.ID {
			t.Fatalf("data version %d, want %d", v, third.ID)
		}
	})
}

func TestImportIsAllOrNothing(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.56)), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		bad := domain.Errorf(domain.ErrInvalid, "line 3: bad row")
		_, err := st.ImportObservations(ctx, domain.Upload{}, func(emit func(domain.Observation) error) (domain.Counts, error) {
			if err := emit(obs(2023, 0.60)); err != nil {
				return domain.Counts{}, err
			}
			if err := emit(obs(2024, 0.49)); err != nil {
				return domain.Counts{}, err
			}
			return domain.Counts{Rejected: 1}, bad
		}, store.ImportOptions{})
		if !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("err = %v, want the source's ErrInvalid", err)
		}
		s, _ := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if len(s.Observations) != 1 || s.Observations[0].Value != 0.56 {
			t.Fatalf("after a rejected import the series is %+v", s.Observations)
		}
		if revs, _ := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 0); len(revs) != 0 {
			t.Fatalf("rejected import left revisions: %+v", revs)
		}
		// A dry run counts exactly, and stores nothing.
		dry, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 0.60), obs(2024, 0.49)), store.ImportOptions{DryRun: true})
		if err != nil || dry.New != 1 || dry.Changed != 1 {
			t.Fatalf("dry run = %+v, %v", dry.Counts, err)
		}
		s, _ = st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if len(s.Observations) != 1 || s.Observations[0].Value != 0.56 {
			t.Fatalf("after a dry run the series is %+v", s.Observations)
		}
	})
}

func TestConcurrentImportsLoseNoRevision(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2024, 0)), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 1; i <= n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2024, float64(i))), store.ImportOptions{})
				errs <- err
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		revs, err := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 2024)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != n {
			t.Fatalf("%d revisions after %d concurrent changes", len(revs), n)
		}
		// The revisions chain: each old value is the previous new value.
		prev := 0.0
		seen := map[float64]bool{}
		for _, r := range revs {
			if r.OldValue != prev {
				t.Fatalf("revision chain broken: old %g after new %g (%+v)", r.OldValue, prev, revs)
			}
			if seen[r.NewValue] {
				t.Fatalf("value %g recorded twice", r.NewValue)
			}
			seen[r.NewValue] = true
			prev = r.NewValue
		}
		s, _ := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if s.Observations[0].Value != prev {
			t.Fatalf("stored %g, last revision says %g", s.Observations[0].Value, prev)
		}
	})
}

func TestTargetsKeepRevisionsAndReachChildRegions(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		target := func(low, high float64) domain.Target {
			return domain.Target{PlanCode: "rpjmn-2025-2029", SeriesKey: domain.SeriesKey{IndicatorCode: "kemiskinan_ekstrem", RegionCode: "ID", Year: 2026}, Low: low, High: high}
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

func TestNotFound(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		if _, err := st.Series(context.Background(), "nope", "16.07"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown indicator: %v", err)
		}
	})
}

// TestImportKeepsTextExactly: notes, values and lines go through the
// import's own COPY formatting on PostgreSQL; characters COPY escapes, and
// values with many digits, must come back as they were sent.
func TestImportKeepsTextExactly(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		a, b := obs(2023, 0.1+0.2), obs(2024, -1234567.000001)
		a.Note, b.Note = "tab\there, line\nbreak, back\\slash\\N, cr\r, ünï", `\N`
		a.Break, a.Line = true, 7
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(a, b), store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		s, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Observations) != 2 {
			t.Fatalf("%d observations", len(s.Observations))
		}
		for i, want := range []domain.Observation{a, b} {
			got := s.Observations[i]
			if got.Value != want.Value || got.Note != want.Note || got.Break != want.Break || got.Line != want.Line {
				t.Errorf("stored %+v, sent %+v", got, want)
			}
		}
	})
}

// TestBigReimportCounts crosses the size at which an import loads an
// indicator's current values whole instead of looking keys up in batches,
// and checks the counts and the attributes a file without them keeps.
func TestBigReimportCounts(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		gen := func(regions int, absent domain.Attr, value func(i int) float64) []domain.Observation {
			var out []domain.Observation
			for r := 0; r < regions; r++ {
				for y := 0; y < 10; y++ {
					i := r*10 + y
					o := obs(2000+y, value(i))
					o.RegionCode = fmt.Sprintf("16.07.%04d", r)
					o.Status, o.Note, o.Break, o.Absent = domain.Status("sementara"), "n", i%7 == 0, absent
					out = append(out, o)
				}
			}
			return out
		}
		first := gen(3000, 0, func(i int) float64 { return float64(i) })
		up, err := st.ImportObservations(ctx, domain.Upload{}, rows(first...), store.ImportOptions{})
		if err != nil || up.New != 30000 {
			t.Fatalf("first load: %+v, %v", up.Counts, err)
		}
		// Every third value changes; 500 regions are new; status, note
		// and break are not in the file.
		again := gen(3500, domain.AttrStatus|domain.AttrNote|domain.AttrBreak, func(i int) float64 {
			if i%3 == 0 {
				return float64(i) + 0.5
			}
			return float64(i)
		})
		for i := range again {
			again[i].Status, again[i].Note, again[i].Break = "", "", false
		}
		up, err = st.ImportObservations(ctx, domain.Upload{}, rows(again...), store.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if up.New != 5000 || up.Changed != 10000 || up.Unchanged != 20000 {
			t.Fatalf("re-import counts %+v, want 5000 new, 10000 changed, 20000 unchanged", up.Counts)
		}
		var n int
		if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM observation_revisions`); err != nil || n != 10000 {
			t.Fatalf("%d revisions, %v; want 10000", n, err)
		}
		var got struct {
			Value  float64 `db:"value"`
			Status string  `db:"status"`
			Note   string  `db:"note"`
			Break  bool    `db:"series_break"`
		}
		if err := st.DB().GetContext(ctx, &got, st.DB().Rebind(`SELECT value, status, note, series_break FROM observations
			WHERE indicator_code = 'kemiskinan_ekstrem' AND region_code = '16.07.0000' AND year = 2000`)); err != nil {
			t.Fatal(err)
		}
		if got.Value != 0.5 || got.Status != "sementara" || got.Note != "n" || !got.Break {
			t.Errorf("changed value without status, note and break: %+v, want 0.5 sementara n with a break", got)
		}
		if err := st.DB().GetContext(ctx, &got, st.DB().Rebind(`SELECT value, status, note, series_break FROM observations
			WHERE indicator_code = 'kemiskinan_ekstrem' AND region_code = '16.07.0001' AND year = 2002`)); err != nil {
			t.Fatal(err)
		}
		if got.Value != 12.5 || got.Status != "sementara" || got.Note != "n" || got.Break {
			t.Errorf("changed value without status, note and break: %+v, want 12.5 sementara n without a break", got)
		}
		if err := st.DB().GetContext(ctx, &got, st.DB().Rebind(`SELECT value, status, note, series_break FROM observations
			WHERE indicator_code = 'kemiskinan_ekstrem' AND region_code = '16.07.3100' AND year = 2001`)); err != nil {
			t.Fatal(err)
		}
		if got.Value != 31001 || got.Status != "final" || got.Note != "" || got.Break {
			t.Errorf("new value without status, note and break: %+v, want 31001 final, no note, no break", got)
		}
	})
}
