package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// snapshot is a series' values as text, for comparing versions.
func snapshot(s store.Series) string {
	var b strings.Builder
	for _, o := range s.Observations {
		fmt.Fprintf(&b, "%s/%d=%g(%s,b%v,%q,u%d) ", o.Disagg, o.Year, o.Value, o.Status, o.Break, o.Note, o.UploadID)
	}
	b.WriteString("| ")
	for _, t := range s.Targets {
		fmt.Fprintf(&b, "%s/%s/%d=%g–%g(u%d) ", t.PlanCode, t.RegionCode, t.Year, t.Low, t.High, t.UploadID)
	}
	fmt.Fprintf(&b, "| %d plans", len(s.Plans))
	return b.String()
}

// TestSeriesAtReplaysImports records the series after every upload of a
// history with new keys, revisions, a key revised twice, a value put back,
// note-only changes and target amendments, then asks SeriesAt for every
// version and wants each snapshot back exactly.
func TestSeriesAtReplaysImports(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		noted := func(o domain.Observation, note string) domain.Observation { o.Note = note; return o }
		target := func(year int, low, high float64) domain.Target {
			return domain.Target{PlanCode: "rpjmn-2025-2029", ObservationKey: domain.ObservationKey{IndicatorCode: "kemiskinan_ekstrem",
				RegionCode: "ID", Year: year}, Low: low, High: high}
		}
		type step struct {
			obs     []domain.Observation
			targets []domain.Target
		}
		steps := []step{
			{obs: []domain.Observation{obs(2022, 0.70), obs(2023, 0.56)}},
			{targets: []domain.Target{target(2026, 0.3, 0.3)}},
			{obs: []domain.Observation{obs(2023, 0.58), obs(2024, 0.49)}},               // 2023 revised, 2024 new
			{obs: []domain.Observation{obs(2023, 0.56), noted(obs(2022, 0.70), "cek")}}, // 2023 back, note-only change
			{obs: []domain.Observation{obs(2022, 0.70), obs(2023, 0.56)}},               // unchanged: a version that changes nothing
			{targets: []domain.Target{target(2026, 0.2, 0.4), target(2029, 0, 0)}},
			{obs: []domain.Observation{obs(2024, 0.47), obs(2025, 0.40)}},
		}
		var versions []int64
		var want []string
		var times []time.Time
		for i, s := range steps {
			var up domain.Upload
			var err error
			if s.obs != nil {
				up, err = st.ImportObservations(ctx, domain.Upload{Filename: fmt.Sprint(i)}, rows(s.obs...), store.ImportOptions{})
			} else {
				up, err = st.ImportTargets(ctx, domain.Upload{Filename: fmt.Sprint(i)}, func(emit func(domain.Target) error) (domain.Counts, error) {
					for _, t := range s.targets {
						if err := emit(t); err != nil {
							return domain.Counts{}, err
						}
					}
					return domain.Counts{}, nil
				}, store.ImportOptions{})
			}
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			cur, err := st.Series(ctx, "kemiskinan_ekstrem", "16.07")
			if err != nil {
				t.Fatal(err)
			}
			versions, want, times = append(versions, up.ID), append(want, snapshot(cur)), append(times, up.CreatedAt)
		}
		// A dry run takes no version: the pinned reads ignore it.
		if _, err := st.ImportObservations(ctx, domain.Upload{}, rows(obs(2023, 9)), store.ImportOptions{DryRun: true}); err != nil {
			t.Fatal(err)
		}
		for i, v := range versions {
			got, err := st.SeriesAt(ctx, "kemiskinan_ekstrem", "16.07", v)
			if err != nil {
				t.Fatal(err)
			}
			if s := snapshot(got); s != want[i] {
				t.Errorf("version %d (step %d):\n got %s\nwant %s", v, i, s, want[i])
			}
			at, err := st.VersionTime(ctx, v)
			if d := at.Sub(times[i]); err != nil || d < -time.Microsecond || d > time.Microsecond { // PostgreSQL keeps microseconds
				t.Errorf("VersionTime(%d) = %v, %v; want %v", v, at, err, times[i])
			}
		}
		// Before the first upload nothing existed.
		if got, err := st.ObservationsAt(ctx, "kemiskinan_ekstrem", "16.07", versions[0]-1); err != nil || len(got) != 0 {
			t.Errorf("before the first upload: %+v, %v", got, err)
		}
		if _, err := st.VersionTime(ctx, versions[0]-1); err == nil {
			t.Error("VersionTime before the first upload gave no error")
		}
	})
}

// TestVersionQueryHandBuilt writes a history straight into the tables, with
// gaps in the upload ids and versions between uploads, and checks the
// value of each key at each version against the rule by hand.
func TestVersionQueryHandBuilt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seed(t, st)
		db := st.DB()
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, id := range []int64{10, 20, 30, 40} {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO uploads (id, kind, created_at) VALUES (?, 'observations', ?)`),
				id, at.Add(time.Duration(id)*time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// Key 2021: set at 10, revised at 20 and 40 (three values).
		// Key 2022: set at 10, never revised.
		// Key 2023: created at 30 (absent before).
		// Key 2024: created at 20, revised at 30.
		current := []struct {
			year   int
			value  float64
			upload int64
		}{{2021, 3, 40}, {2022, 5, 10}, {2023, 7, 30}, {2024, 9, 30}}
		// Both key values by series (PostgreSQL's migration 00008, SQLite's
		// 00007); a value's time is its upload's.
		if _, err := db.ExecContext(ctx, `INSERT INTO series (id, indicator_code, region_code, disagg)
			VALUES (7, 'kemiskinan_ekstrem', '16.07', '')`); err != nil {
			t.Fatal(err)
		}
		if st.Dialect() == store.Postgres {
			// PostgreSQL keeps every value as a version (migration 00006).
			versions := []struct {
				year   int
				value  float64
				upload int64
			}{{2021, 1, 10}, {2021, 2, 20}, {2021, 3, 40}, {2022, 5, 10}, {2023, 7, 30}, {2024, 8, 20}, {2024, 9, 30}}
			for _, c := range versions {
				if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observation_versions (series_id, year, upload_id, value, status,
					series_break, note) VALUES (7, ?, ?, ?, 'final', ?, '')`), c.year, c.upload, c.value, false); err != nil {
					t.Fatal(err)
				}
			}
			current = nil
		}
		for _, c := range current {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observation_values (series_id, year, value, status, series_break, note,
				upload_id) VALUES (7, ?, ?, 'final', ?, '', ?)`), c.year, c.value, false, c.upload); err != nil {
				t.Fatal(err)
			}
		}
		revisions := []struct {
			year          int
			old           float64
			oldUp, upload int64
			new           float64
		}{{2021, 1, 10, 20, 2}, {2021, 2, 20, 40, 3}, {2024, 8, 20, 30, 9}}
		if st.Dialect() == store.Postgres {
			revisions = nil
		}
		for _, r := range revisions {
			if _, err := db.ExecContext(ctx, db.Rebind(`INSERT INTO observation_revision_values (series_id, year, old_value, old_status,
				old_break, old_note, old_upload_id, new_value, new_status, upload_id) VALUES (7, ?, ?, 'final', ?, '', ?, ?, 'final', ?)`),
				r.year, r.old, false, r.oldUp, r.new, r.upload); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			v    int64
			want string
		}{
			{5, ""},
			{10, "2021=1@10 2022=5@10"},
			{15, "2021=1@10 2022=5@10"},
			{20, "2021=2@20 2022=5@10 2024=8@20"},
			{29, "2021=2@20 2022=5@10 2024=8@20"},
			{30, "2021=2@20 2022=5@10 2023=7@30 2024=9@30"},
			{39, "2021=2@20 2022=5@10 2023=7@30 2024=9@30"},
			{40, "2021=3@40 2022=5@10 2023=7@30 2024=9@30"},
			{99, "2021=3@40 2022=5@10 2023=7@30 2024=9@30"},
		} {
			got, err := st.ObservationsAt(ctx, "kemiskinan_ekstrem", "16.07", tt.v)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, o := range got {
				parts = append(parts, fmt.Sprintf("%d=%g@%d", o.Year, o.Value, o.UploadID))
				// A value's time is the time of the upload that set it.
				if want := at.Add(time.Duration(o.UploadID) * time.Hour); !o.Updated.Equal(want) {
					t.Errorf("v%d: %d updated %v, want %v", tt.v, o.Year, o.Updated, want)
				}
			}
			if !slices.IsSorted(parts) {
				t.Errorf("v%d: not in year order: %v", tt.v, parts)
			}
			if s := strings.Join(parts, " "); s != tt.want {
				t.Errorf("ObservationsAt(v%d) = %q, want %q", tt.v, s, tt.want)
			}
			// The same rule through the children-of-a-parent read.
			kids, err := st.ChildObservationsAt(ctx, "kemiskinan_ekstrem", "16", tt.v)
			if err != nil || len(kids) != len(got) {
				t.Errorf("ChildObservationsAt(v%d) = %d rows, %v; want %d", tt.v, len(kids), err, len(got))
			}
		}
		if tm, err := st.VersionTime(ctx, 35); err != nil || !tm.Equal(at.Add(30*time.Hour)) {
			t.Errorf("VersionTime(35) = %v, %v: want upload 30's time", tm, err)
		}
	})
}
