package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// Tests of what an import writes, row by row. SQLite's path upserts the rows
// in batches (one statement per run of at most 64 consecutive rows carrying
// the same attributes) and its revisions are written by a trigger; the
// PostgreSQL path COPYs new versions of the new and changed values. Both
// must store the same.

// absent reads which attributes a file lacks from the ones it carries:
// "sbn" is status, break and note; "" is none of them.
func absent(carries string) domain.Attr {
	a := domain.AttrStatus | domain.AttrBreak | domain.AttrNote
	for _, c := range carries {
		switch c {
		case 's':
			a &^= domain.AttrStatus
		case 'b':
			a &^= domain.AttrBreak
		case 'n':
			a &^= domain.AttrNote
		}
	}
	return a
}

// fileRow is an observation of the seeded series as a file gives it.
func fileRow(year int, v float64, line int, carries string, status domain.Status, brk bool, note string) domain.Observation {
	o := obs(year, v)
	o.Line, o.Absent, o.Status, o.Break, o.Note = line, absent(carries), status, brk, note
	return o
}

// storedRows is every stored value of the seeded series, one per line:
// year=value(status,break,note) upload line. Uploads are named by names.
func storedRows(t *testing.T, st *store.Store, names map[int64]string) []string {
	t.Helper()
	s, err := st.Series(context.Background(), "kemiskinan_ekstrem", "16.07")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range s.Observations {
		out = append(out, fmt.Sprintf("%d=%g(%s,%v,%q) %s l%d", o.Year, o.Value, o.Status, o.Break, o.Note, uploadName(names, o.UploadID), o.Line))
	}
	return out
}

// revisionRows is every stored revision, oldest first per key:
// year: old(status,break,note) upload line → new(status) upload.
func revisionRows(t *testing.T, st *store.Store, names map[int64]string) []string {
	t.Helper()
	var revs []struct {
		Year        int     `db:"year"`
		OldValue    float64 `db:"old_value"`
		OldStatus   string  `db:"old_status"`
		OldBreak    bool    `db:"old_break"`
		OldNote     string  `db:"old_note"`
		OldUploadID int64   `db:"old_upload_id"`
		OldLine     int     `db:"old_line"`
		NewValue    float64 `db:"new_value"`
		NewStatus   string  `db:"new_status"`
		UploadID    int64   `db:"upload_id"`
	}
	if err := st.DB().Select(&revs, `SELECT year, old_value, old_status, old_break, old_note, old_upload_id,
		COALESCE(old_source_line, 0) AS old_line, new_value, new_status, upload_id
		FROM observation_revisions ORDER BY indicator_code, region_code, disagg, year, upload_id`); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range revs {
		out = append(out, fmt.Sprintf("%d: %g(%s,%v,%q) %s l%d → %g(%s) %s", r.Year, r.OldValue, r.OldStatus, r.OldBreak, r.OldNote,
			uploadName(names, r.OldUploadID), r.OldLine, r.NewValue, r.NewStatus, uploadName(names, r.UploadID)))
	}
	return out
}

func uploadName(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return fmt.Sprintf("upload#%d", id)
}

// sameLines fails t with both lists, line by line, when they differ.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got:\n  %s\n want:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// importCounts imports src and checks the counts it returns and the ones
// the upload row keeps.
func importCounts(t *testing.T, st *store.Store, src store.ObservationSource, want domain.Counts) domain.Upload {
	t.Helper()
	ctx := context.Background()
	up, err := st.ImportObservations(ctx, domain.Upload{Filename: "t.csv"}, src, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if up.Counts != want {
		t.Errorf("counts = %+v, want %+v", up.Counts, want)
	}
	if kept, err := st.Upload(ctx, up.ID); err != nil || kept.Counts != want {
		t.Errorf("upload row counts = %+v (%v), want %+v", kept.Counts, err, want)
	}
	return up
}

// TestImportAttributesCarriedOrNot imports a file whose rows carry different
// attributes, the set changing several times within what would be one batch:
// an attribute the file lacks keeps the stored one on a changed row and
// takes the default on a new row; one it carries overwrites; a row differing
// only in an attribute is changed, with a revision; an identical row (which,
// for a lacking attribute, means the value alone) writes nothing.
func TestImportAttributesCarriedOrNot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		seed(t, st)
		const sem, rev, fin = domain.StatusPreliminary, domain.StatusRevised, domain.StatusFinal
		var first []domain.Observation
		for y := 2001; y <= 2012; y++ {
			first = append(first, fileRow(y, float64(y-2000), y-2000, "sbn", sem, true, "lama"))
		}
		a := importCounts(t, st, rows(first...), domain.Counts{New: 12})

		file := []struct {
			row  domain.Observation
			want string // the stored row afterwards
			rev  string // the revision it leaves, if any
		}{
			{fileRow(2001, 1.5, 101, "", "", false, ""), `2001=1.5(sementara,true,"lama") B l101`,
				`2001: 1(sementara,true,"lama") A l1 → 1.5(sementara) B`},
			{fileRow(2002, 2, 102, "", "", false, ""), `2002=2(sementara,true,"lama") A l2`, ""},
			{fileRow(2003, 3, 103, "sbn", fin, false, ""), `2003=3(final,false,"") B l103`,
				`2003: 3(sementara,true,"lama") A l3 → 3(final) B`},
			{fileRow(2004, 4, 104, "sbn", sem, true, "lama"), `2004=4(sementara,true,"lama") A l4`, ""},
			{fileRow(2005, 5, 105, "n", "", false, "baru"), `2005=5(sementara,true,"baru") B l105`,
				`2005: 5(sementara,true,"lama") A l5 → 5(sementara) B`},
			{fileRow(2006, 6, 106, "n", "", false, "lama"), `2006=6(sementara,true,"lama") A l6`, ""},
			{fileRow(2007, 7, 107, "s", rev, false, ""), `2007=7(revised,true,"lama") B l107`,
				`2007: 7(sementara,true,"lama") A l7 → 7(revised) B`},
			{fileRow(2020, 20, 108, "", "", false, ""), `2020=20(final,false,"") B l108`, ""},
			{fileRow(2021, 21, 109, "sbn", sem, true, "x"), `2021=21(sementara,true,"x") B l109`, ""},
			{fileRow(2022, 22, 110, "s", rev, false, ""), `2022=22(revised,false,"") B l110`, ""},
			{fileRow(2008, 8.5, 111, "", "", false, ""), `2008=8.5(sementara,true,"lama") B l111`,
				`2008: 8(sementara,true,"lama") A l8 → 8.5(sementara) B`},
			{fileRow(2009, 9.5, 112, "sbn", sem, true, "cek"), `2009=9.5(sementara,true,"cek") B l112`,
				`2009: 9(sementara,true,"lama") A l9 → 9.5(sementara) B`},
			{fileRow(2010, 10, 113, "b", "", false, ""), `2010=10(sementara,false,"lama") B l113`,
				`2010: 10(sementara,true,"lama") A l10 → 10(sementara) B`},
			{fileRow(2023, 23, 114, "", "", false, ""), `2023=23(final,false,"") B l114`, ""},
			{fileRow(2011, 11, 115, "sbn", sem, true, "lama"), `2011=11(sementara,true,"lama") A l11`, ""},
		}
		var src []domain.Observation
		want := []string{`2012=12(sementara,true,"lama") A l12`} // not in the file: kept
		var wantRevs []string
		for _, f := range file {
			src = append(src, f.row)
			want = append(want, f.want)
			if f.rev != "" {
				wantRevs = append(wantRevs, f.rev)
			}
		}
		b := importCounts(t, st, rows(src...), domain.Counts{New: 4, Changed: 7, Unchanged: 4})

		names := map[int64]string{a.ID: "A", b.ID: "B"}
		slices.Sort(want)
		sameLines(t, "stored", storedRows(t, st, names), want)
		slices.Sort(wantRevs)
		sameLines(t, "revisions", revisionRows(t, st, names), wantRevs)

		// The same file again changes nothing.
		importCounts(t, st, rows(src...), domain.Counts{Unchanged: 15})
		sameLines(t, "stored after the same file again", storedRows(t, st, names), want)
		sameLines(t, "revisions after the same file again", revisionRows(t, st, names), wantRevs)
	})
}

// TestImportBatchBoundaries imports files of 63, 64, 65 and 129 rows, around
// SQLite's 64 rows per statement, where every third row is new, every third
// changed and every third identical, carrying every attribute, none, or a
// set that changes every five rows.
func TestImportBatchBoundaries(t *testing.T) {
	shapes := []struct {
		name    string
		carries func(i int) string
	}{
		{"every attribute", func(int) string { return "sbn" }},
		{"no attribute", func(int) string { return "" }},
		{"changing every five rows", func(i int) string { return []string{"sbn", "", "bn", "s"}[i/5%4] }},
	}
	for _, tt := range []struct {
		rows int
		want domain.Counts
	}{
		{63, domain.Counts{New: 21, Changed: 21, Unchanged: 21}},
		{64, domain.Counts{New: 22, Changed: 21, Unchanged: 21}},
		{65, domain.Counts{New: 22, Changed: 22, Unchanged: 21}},
		{129, domain.Counts{New: 43, Changed: 43, Unchanged: 43}},
	} {
		for _, shape := range shapes {
			t.Run(fmt.Sprintf("%d rows, %s", tt.rows, shape.name), func(t *testing.T) {
				testdb.Each(t, func(t *testing.T, st *store.Store) {
					seed(t, st)
					const sem = domain.StatusPreliminary
					// Row i is year 1960+i; the first upload stores the
					// rows the second changes (i%3 == 1) or repeats (i%3 == 2).
					var stored, file []domain.Observation
					for i := range tt.rows {
						if i%3 != 0 {
							stored = append(stored, fileRow(1960+i, float64(i), i+2, "sbn", sem, true, "lama"))
						}
						v := float64(i)
						if i%3 == 1 {
							v += 0.5
						}
						file = append(file, fileRow(1960+i, v, 1000+i, shape.carries(i), sem, true, "lama"))
					}
					a := importCounts(t, st, rows(stored...), domain.Counts{New: len(stored)})
					b := importCounts(t, st, rows(file...), tt.want)

					var want, wantRevs []string
					for i, o := range file {
						y := 1960 + i
						switch i % 3 {
						case 0:
							status, brk, note := sem, true, "lama"
							if o.Absent&domain.AttrStatus != 0 {
								status = domain.StatusFinal
							}
							if o.Absent&domain.AttrBreak != 0 {
								brk = false
							}
							if o.Absent&domain.AttrNote != 0 {
								note = ""
							}
							want = append(want, fmt.Sprintf("%d=%g(%s,%v,%q) B l%d", y, o.Value, status, brk, note, 1000+i))
						case 1:
							want = append(want, fmt.Sprintf(`%d=%g(sementara,true,"lama") B l%d`, y, o.Value, 1000+i))
							wantRevs = append(wantRevs, fmt.Sprintf(`%d: %d(sementara,true,"lama") A l%d → %g(sementara) B`, y, i, i+2, o.Value))
						case 2:
							want = append(want, fmt.Sprintf(`%d=%d(sementara,true,"lama") A l%d`, y, i, i+2))
						}
					}
					names := map[int64]string{a.ID: "A", b.ID: "B"}
					sameLines(t, "stored", storedRows(t, st, names), want)
					sameLines(t, "revisions", revisionRows(t, st, names), wantRevs)
				})
			})
		}
	}
}

// TestImportRejectsKeyNamedTwice gives the store sources that name a key
// twice (the CSV reader refuses such files itself): the import fails as
// invalid and leaves no trace, whether the key was new or stored, the two
// values equal or not, in one batch or two.
func TestImportRejectsKeyNamedTwice(t *testing.T) {
	carrying := func(o domain.Observation, carries string) domain.Observation {
		o.Absent = absent(carries)
		return o
	}
	var fill []domain.Observation // 70 new keys: more than one batch
	for y := 1900; y < 1970; y++ {
		fill = append(fill, obs(y, 0))
	}
	for _, tt := range []struct {
		name string
		src  []domain.Observation
	}{
		{"new key, two values", []domain.Observation{obs(2030, 1), obs(2031, 1), obs(2030, 2)}},
		{"new key, the same value twice", []domain.Observation{obs(2030, 1), obs(2030, 1)}},
		{"stored key, two new values", []domain.Observation{obs(2001, 9), obs(2001, 8)}},
		{"stored key, its value then a new one", []domain.Observation{obs(2001, 1), obs(2001, 8)}},
		{"stored key, a new value then its value", []domain.Observation{obs(2001, 8), obs(2001, 1)}},
		{"stored key, its value twice", []domain.Observation{obs(2001, 1), obs(2001, 1)}},
		{"new key, in two batches", slices.Concat([]domain.Observation{obs(2030, 1)}, fill, []domain.Observation{obs(2030, 2)})},
		{"stored key, in two batches", slices.Concat([]domain.Observation{obs(2001, 8)}, fill, []domain.Observation{obs(2001, 9)})},
		{"new key, carrying other attributes", []domain.Observation{carrying(obs(2030, 1), "sbn"), carrying(obs(2030, 2), "")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				seed(t, st)
				a := importCounts(t, st, rows(obs(2001, 1), obs(2002, 2)), domain.Counts{New: 2})
				names := map[int64]string{a.ID: "A"}
				wantStored := storedRows(t, st, names)

				_, err := st.ImportObservations(ctx, domain.Upload{}, rows(tt.src...), store.ImportOptions{})
				if !errors.Is(err, domain.ErrInvalid) {
					t.Errorf("err = %v, want ErrInvalid", err)
				}
				sameLines(t, "stored", storedRows(t, st, names), wantStored)
				sameLines(t, "revisions", revisionRows(t, st, names), nil)
				var uploads int
				if err := st.DB().Get(&uploads, `SELECT count(*) FROM uploads`); err != nil || uploads != 1 {
					t.Errorf("%d uploads kept (%v), want 1", uploads, err)
				}
				if v, err := st.DataVersion(ctx); err != nil || v != a.ID {
					t.Errorf("data version %d (%v), want %d", v, err, a.ID)
				}
			})
		})
	}
}

// TestImportSeriesOfMixedUploads: an upload mixing stored series (with
// stored years and new ones) and new series stores every value under the
// right key. Values are keyed by series ids (PostgreSQL's migration 00008,
// SQLite's 00007): a stored series keeps its id, a new one gets one id for
// all its years, whether (on PostgreSQL) its indicator's values are looked
// up in batches (a small upload) or loaded whole (a big one).
func TestImportSeriesOfMixedUploads(t *testing.T) {
	for _, regions := range []int{3, 2000} {
		t.Run(fmt.Sprintf("%d regions", regions), func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				seed(t, st)
				// Regency codes; the store does not look rows up in the
				// catalogue (the reader does), Series does.
				region := func(r int) string { return fmt.Sprintf("%02d.%02d", 20+r/99, 1+r%99) }
				for _, r := range []int{0, regions - 1} {
					var regs []domain.Region
					for _, code := range []string{region(r)[:2], region(r)} {
						reg, err := domain.NewRegion(code, "", "Wilayah "+code)
						if err != nil {
							t.Fatal(err)
						}
						regs = append(regs, reg)
					}
					if err := st.PutRegions(ctx, regs...); err != nil {
						t.Fatal(err)
					}
				}
				at := func(r, year int, disagg domain.Disaggregation, v float64) domain.Observation {
					o := obs(year, v)
					o.RegionCode, o.Disagg = region(r), disagg
					return o
				}
				const women = domain.Disaggregation("jenis_kelamin=perempuan")
				// First: every region's total for 2020–2024.
				var first []domain.Observation
				for r := range regions {
					for y := 2020; y < 2025; y++ {
						first = append(first, at(r, y, "", float64(r*10+y-2020)))
					}
				}
				importCounts(t, st, rows(first...), domain.Counts{New: len(first)})
				// Second, per region: 2020 again (unchanged), 2021 revised,
				// 2025 new in a stored series, and women's 2020–2021 (a new
				// series); then a region never seen.
				var second []domain.Observation
				for r := range regions {
					second = append(second, at(r, 2020, "", float64(r*10)), at(r, 2021, "", float64(r*10)+0.5),
						at(r, 2025, "", float64(r*10+5)), at(r, 2020, women, 1), at(r, 2021, women, 2))
				}
				second = append(second, at(regions, 2024, "", 7))
				importCounts(t, st, rows(second...), domain.Counts{New: 3*regions + 1, Changed: regions, Unchanged: regions})

				for _, r := range []int{0, regions - 1} {
					s, err := st.Series(ctx, "kemiskinan_ekstrem", region(r))
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, o := range s.Observations {
						got = append(got, fmt.Sprintf("%s %d=%g", o.Disagg, o.Year, o.Value))
					}
					b := float64(r * 10)
					want := []string{fmt.Sprintf(" 2020=%g", b), fmt.Sprintf(" 2021=%g", b+0.5), fmt.Sprintf(" 2022=%g", b+2),
						fmt.Sprintf(" 2023=%g", b+3), fmt.Sprintf(" 2024=%g", b+4), fmt.Sprintf(" 2025=%g", b+5),
						string(women) + " 2020=1", string(women) + " 2021=2"}
					sameLines(t, region(r), got, want)
				}
				// One series per (region, disaggregation), ids 1…n.
				var n, distinct, maxID int
				if err := st.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT indicator_code || '|' || region_code || '|' || disagg), max(id)
					FROM series`).Scan(&n, &distinct, &maxID); err != nil {
					t.Fatal(err)
				}
				if want := 2*regions + 1; n != want || distinct != want || maxID != want {
					t.Errorf("%d series (%d distinct, greatest id %d), want %d", n, distinct, maxID, want)
				}
			})
		})
	}
}

func TestImportKeepsHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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

// TestImportKeepsTextExactly: notes, values and lines go through the
// import's own COPY formatting on PostgreSQL; characters COPY escapes, and
// values with many digits, must come back as they were sent.
func TestImportKeepsTextExactly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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
