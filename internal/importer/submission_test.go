package importer_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
)

const poverty = "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2024;0,47\n16.07;kemiskinan_ekstrem;2025;0,41\n"

var walidata = domain.Principal{Kind: domain.ByUser, Role: domain.RoleAdmin, UserID: 1, Email: "walidata@bappeda.id"}

func submit(t *testing.T, st *store.Store, file string) domain.Submission {
	t.Helper()
	res, err := importer.Import(context.Background(), st, strings.NewReader(file), importer.Request{Review: true, Agency: "bps-banyuasin",
		Upload: domain.Upload{Filename: "miskin.csv", AgencyCode: "bps-banyuasin", CreatedBy: "token:7:bps-banyuasin"}})
	if err != nil || res.Submission == nil {
		t.Fatalf("submit: %v %+v", err, res)
	}
	return *res.Submission
}

// value is the stored (public) value of extreme poverty in Banyuasin.
func value(t *testing.T, st *store.Store, year int) float64 {
	t.Helper()
	return storedValue(t, st, "kemiskinan_ekstrem", "16.07", year)
}

// TestSubmitThenPublish: a submission keeps its file and counts and
// stores no value; publishing imports the kept file as an ordinary upload
// of the agency, once.
func TestSubmitThenPublish(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		v0, _ := st.DataVersion(ctx)
		sub := submit(t, st, poverty)
		if sub.State != domain.Submitted || sub.New != 1 || sub.Changed != 1 || sub.Size != int64(len(poverty)) {
			t.Fatalf("submission: %+v", sub)
		}
		kept, err := st.UploadFileBytes(ctx, sub.SHA256)
		if err != nil || string(kept) != poverty {
			t.Fatalf("kept file: %v %q", err, kept)
		}
		if v, _ := st.DataVersion(ctx); v != v0 || value(t, st, 2024) != 0.49 || value(t, st, 2025) != -1 {
			t.Fatalf("a submission changed public data: version %d→%d, 2024 %v", v0, v, value(t, st, 2024))
		}

		pre, err := importer.PreviewSubmission(ctx, st, sub.ID, "en", 0, nil)
		if err != nil || len(pre.Changes) != 2 || pre.Upload.ID != 0 {
			t.Fatalf("preview: %v %+v", err, pre)
		}

		// Two reviewers press Publish at once: one publishes, one is told.
		var wg sync.WaitGroup
		results := make([]error, 2)
		ids := make([]int64, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := importer.Publish(ctx, st, sub.ID, walidata, "en")
				results[i], ids[i] = err, res.Upload.ID
			}()
		}
		wg.Wait()
		ok, conflict := 0, 0
		var upload int64
		for i, err := range results {
			switch {
			case err == nil:
				ok++
				upload = ids[i]
			case errors.Is(err, domain.ErrConflict):
				conflict++
			default:
				t.Errorf("publish: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Fatalf("concurrent publishes: %d published, %d conflicts, want 1 and 1", ok, conflict)
		}
		if v, _ := st.DataVersion(ctx); v != upload || value(t, st, 2024) != 0.47 || value(t, st, 2025) != 0.41 {
			t.Errorf("after publication: version %d (upload %d), 2024 %v, 2025 %v", v, upload, value(t, st, 2024), value(t, st, 2025))
		}
		got, _ := st.Submission(ctx, sub.ID)
		if got.State != domain.Published || got.UploadID == nil || *got.UploadID != upload || got.ReviewedBy != walidata.Source() || got.ReviewedAt == nil {
			t.Errorf("published submission: %+v", got)
		}
		up, err := st.UploadDetail(ctx, upload)
		if err != nil || up.AgencyCode != "bps-banyuasin" || up.CreatedBy != "token:7:bps-banyuasin" || up.SHA256 != sub.SHA256 || up.Changed != 1 || up.New != 1 {
			t.Errorf("the upload: %v %+v", err, up)
		}
		revs, err := st.ObservationRevisions(ctx, "kemiskinan_ekstrem", "16.07", 2024)
		if err != nil || len(revs) != 1 || revs[0].OldValue != 0.49 || revs[0].NewValue != 0.47 || revs[0].UploadID != upload {
			t.Errorf("history of 2024: %v %+v", err, revs)
		}
	})
}

// TestPublishChecksAgain: publishing reads the file against the catalogue
// and data of that moment. An indicator taken from the agency meanwhile
// refuses the publication, which leaves the submission waiting and nothing
// stored; values stored meanwhile are counted as unchanged.
func TestPublishChecksAgain(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sub := submit(t, st, poverty)
		ind, err := st.Indicator(ctx, "kemiskinan_ekstrem")
		if err != nil {
			t.Fatal(err)
		}
		owner := ind.AgencyCode
		ind.AgencyCode = "dinkes-banyuasin"
		if err := st.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		v0, _ := st.DataVersion(ctx)
		res, err := importer.Publish(ctx, st, sub.ID, walidata, "en")
		if !errors.Is(err, domain.ErrForbidden) || len(res.Forbidden) != 1 {
			t.Fatalf("publish after reassignment: %v %+v", err, res)
		}
		if got, _ := st.Submission(ctx, sub.ID); got.State != domain.Submitted {
			t.Errorf("a refused publication moved the submission to %s", got.State)
		}
		if v, _ := st.DataVersion(ctx); v != v0 || value(t, st, 2024) != 0.49 {
			t.Errorf("a refused publication stored something: version %d→%d", v0, v)
		}

		ind.AgencyCode = owner
		if err := st.PutIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		// The operator stored 2024 = 0.47 meanwhile.
		if _, err := importer.Import(ctx, st, strings.NewReader("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2024;0,47\n"),
			importer.Request{Upload: domain.Upload{Filename: "op.csv", CreatedBy: "cli"}}); err != nil {
			t.Fatal(err)
		}
		res, err = importer.Publish(ctx, st, sub.ID, walidata, "en")
		if err != nil || res.Upload.Unchanged != 1 || res.Upload.New != 1 || res.Upload.Changed != 0 {
			t.Fatalf("publish: %v %+v", err, res.Upload)
		}
		// Not a walidata: refused before anything is read.
		other := strings.Replace(poverty, "0,41", "0,40", 1)
		if _, err := importer.Publish(ctx, st, submit(t, st, other).ID, domain.Principal{Kind: domain.ByUser, Role: domain.RolePlanner}, "en"); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("a planner's publication: %v", err)
		}
	})
}

// TestTargetsSubmission: a plan amendment goes through review like values:
// the preview lists each target old → new (ranges too), publishing stores
// them, and the plan's history records the amendment.
func TestTargetsSubmission(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		file := "rencana;kode_indikator;kode_wilayah;tahun;nilai\nrpjmd-banyuasin-2025-2029;kemiskinan_ekstrem;16.07;2025;0,35\n" +
			"rpjmd-banyuasin-2025-2029;kemiskinan_ekstrem;16.07;2026;0,10 - 0,20\n"
		res, err := importer.Import(ctx, st, strings.NewReader(file), importer.Request{Review: true, Targets: true,
			Upload: domain.Upload{Filename: "rpjmd-perubahan.csv", CreatedBy: walidata.Source()}})
		if err != nil || res.Submission == nil || res.Submission.Kind != domain.UploadTargets || res.Submission.Changed != 2 {
			t.Fatalf("submit targets: %v %+v", err, res)
		}
		id := res.Submission.ID
		pre, err := importer.PreviewSubmission(ctx, st, id, "id", 0, nil)
		if err != nil || pre.Upload.Changed != 2 || len(pre.Changes) != 2 {
			t.Fatalf("preview: %v %+v", err, pre)
		}
		for _, ch := range pre.Changes {
			switch {
			case ch.Plan != "rpjmd-banyuasin-2025-2029" || ch.Kind != importer.KindChanged || ch.Old == nil:
				t.Errorf("target change: %+v", ch)
			case ch.Year == 2025 && (*ch.Old != 0.30 || ch.New != 0.35 || ch.High != nil):
				t.Errorf("2025: %+v", ch)
			case ch.Year == 2026 && (*ch.Old != 0 || ch.New != 0.10 || ch.High == nil || *ch.High != 0.20):
				t.Errorf("2026 (a range): %+v", ch)
			}
		}
		if _, err := importer.Publish(ctx, st, id, walidata, "id"); err != nil {
			t.Fatal(err)
		}
		revs, err := st.TargetRevisions(ctx, "rpjmd-banyuasin-2025-2029", "kemiskinan_ekstrem", "16.07")
		if err != nil || len(revs) != 2 {
			t.Fatalf("amendments: %v %+v", err, revs)
		}
	})
}

// TestPublishRefusesADamagedFile: what is published is exactly what was
// reviewed; a kept file whose bytes changed is refused and the
// submission keeps waiting. A chunk is kept gzip-compressed: damage shows
// either as a chunk that no longer decompresses (its gzip checksum) or, for
// a chunk replaced whole by other valid gzip, as a file whose hash differs.
func TestPublishRefusesADamagedFile(t *testing.T) {
	var other bytes.Buffer
	zw := gzip.NewWriter(&other)
	zw.Write([]byte(strings.Replace(poverty, "0,47", "4,70", 1)))
	zw.Close()
	damage := map[string][]byte{
		"not gzip":      []byte(strings.Replace(poverty, "0,47", "4,70", 1)),
		"other content": other.Bytes(),
	}
	for name, data := range damage {
		t.Run(name, func(t *testing.T) {
			demoStores(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				sub := submit(t, st, poverty)
				db := st.DB()
				if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE upload_file_chunks SET data = ? WHERE sha256 = ?`), data, sub.SHA256); err != nil {
					t.Fatal(err)
				}
				_, err := importer.Publish(ctx, st, sub.ID, walidata, "en")
				if err == nil || !strings.Contains(err.Error(), "damaged") {
					t.Fatalf("publishing a damaged file: %v", err)
				}
				if got, _ := st.Submission(ctx, sub.ID); got.State != domain.Submitted || value(t, st, 2024) != 0.49 {
					t.Errorf("after a refused publication: %s, 2024 = %v", got.State, value(t, st, 2024))
				}
			})
		})
	}
}

// TestPreviewTakesNoWriteLock: people open previews at will; they read the
// stored values and never wait for (or hold up) an import.
func TestPreviewTakesNoWriteLock(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sub := submit(t, st, poverty)
		// An import in progress: a write transaction holding the import lock.
		tx, err := st.DB().BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if st.Dialect() == store.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, store.ImportLockKey); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO agencies (code, name) VALUES (?, ?)`), "sedang-impor", "x"); err != nil {
			t.Fatal(err)
		}
		wait, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		pre, err := importer.PreviewSubmission(wait, st, sub.ID, "en", 0, nil)
		if err != nil || pre.Upload.Changed != 1 || pre.Upload.New != 1 {
			t.Fatalf("a preview during an import: %v %+v", err, pre.Upload)
		}
	})
}
