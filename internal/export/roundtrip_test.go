package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/export"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// engines runs fn on SQLite and on PostgreSQL; fresh gives fn further empty,
// migrated databases of the same engine.
func engines(t *testing.T, fn func(t *testing.T, fresh func() *store.Store)) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, func() *store.Store { return testdb.New(t, engine) })
		})
	}
}

// extra adds what the demo lacks, so that every column is exercised: a
// negative preliminary value with a note needing quotes, a revised value
// with a break in an age group, a rural group, a ratio with three decimals
// (0,338 reads two ways), and a Gini ratio with a note that looks like a
// number.
const extra = `kode_wilayah;kode_indikator;tahun;nilai;satuan;status;putus_seri;catatan;kelompok_umur;daerah
16.07;pertumbuhan_ekonomi;2020;-2,07;persen;sementara;;"kontraksi ""pandemi""; angka sementara";;
16.07;tpt;2024;9,5;persen;revisi;ya;;15-24;
16.07;tpt;2024;1,25;persen;final;;;65+;
16.07;kemiskinan;2024;11,2;persen;sementara;;;;perdesaan
16.07;gini;2024;0,338;rasio;final;;Maret 2024;;
16.07;penduduk;2024;1234567;jiwa;final;;;;
`

func demoStore(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := demo.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(ctx, st, strings.NewReader(extra), importer.Request{Upload: domain.Upload{Filename: "extra.csv"}}); err != nil {
		t.Fatal(err)
	}
}

type obsVal struct {
	Value  float64
	Status domain.Status
	Break  bool
	Note   string
}

func observations(t *testing.T, st *store.Store) map[domain.ObservationKey]obsVal {
	t.Helper()
	out := map[domain.ObservationKey]obsVal{}
	if err := st.ExportObservations(context.Background(), store.Selection{}, func(o domain.Observation) error {
		out[o.ObservationKey] = obsVal{o.Value, o.Status, o.Break, o.Note}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

type tgtVal struct {
	Low, High float64
	Note      string
}

func targets(t *testing.T, st *store.Store) map[string]tgtVal {
	t.Helper()
	out := map[string]tgtVal{}
	if err := st.ExportTargets(context.Background(), store.Selection{}, func(g domain.Target) error {
		out[g.PlanCode+"|"+fmt.Sprint(g.ObservationKey)] = tgtVal{g.Low, g.High, g.Note}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func exportBytes(t *testing.T, st *store.Store, kind string, sel store.Selection, opts export.Options) []byte {
	t.Helper()
	ctx := context.Background()
	e, err := export.Prepare(ctx, st, kind, sel, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := e.WriteTo(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRoundTrip exports the demo in every format and locale, imports each
// file into a fresh database (catalogue only) through the one import path,
// with nothing stated about the file, and compares every value and status
// (and, where the layout carries them, every break and note); targets too.
func TestRoundTrip(t *testing.T) {
	engines(t, func(t *testing.T, fresh func() *store.Store) {
		ctx := context.Background()
		src := fresh()
		demoStore(t, src)
		want := observations(t, src)
		wantTargets := targets(t, src)
		if len(want) < 100 || len(wantTargets) < 20 {
			t.Fatalf("demo too small: %d observations, %d targets", len(want), len(wantTargets))
		}
		for _, tt := range []struct {
			name    string
			kind    string
			format  export.Format
			locale  locale.Lang
			sel     store.Selection
			opts    ingest.Options
			partial bool // the layout carries values and statuses only
		}{
			{name: "csv-id", format: export.CSV, locale: locale.ID},
			{name: "csv-en", format: export.CSV, locale: locale.EN},
			{name: "csv-wide-id", format: export.CSVWide, locale: locale.ID, partial: true},
			{name: "csv-wide-en", format: export.CSVWide, locale: locale.EN, partial: true},
			{name: "sdmx", format: export.SDMX},
			{name: "opensdg", format: export.OpenSDG},
			{name: "opensdg-one-series", format: export.OpenSDG, sel: store.Selection{Indicators: []string{"kemiskinan"}},
				opts: ingest.Options{Indicator: "kemiskinan"}},
			{name: "targets-csv-id", kind: export.KindTargets, format: export.CSV, locale: locale.ID},
			{name: "targets-csv-en", kind: export.KindTargets, format: export.CSV, locale: locale.EN},
			{name: "targets-csv-wide", kind: export.KindTargets, format: export.CSVWide, locale: locale.ID, partial: true},
		} {
			t.Run(tt.name, func(t *testing.T) {
				data := exportBytes(t, src, tt.kind, tt.sel, export.Options{Format: tt.format, Locale: tt.locale})
				dst := fresh()
				if err := demo.LoadCatalog(ctx, dst); err != nil {
					t.Fatal(err)
				}
				res, err := importer.Import(ctx, dst, bytes.NewReader(data), importer.Request{
					Upload: domain.Upload{Filename: tt.name}, Targets: tt.kind == export.KindTargets, Options: tt.opts})
				if err != nil {
					head, _, _ := bytes.Cut(data, []byte("\n"))
					t.Fatalf("import: %v\nheader: %s", err, head)
				}
				if tt.kind == export.KindTargets {
					got := targets(t, dst)
					if len(got) != len(wantTargets) {
						t.Errorf("%d targets back, want %d", len(got), len(wantTargets))
					}
					for k, w := range wantTargets {
						g, ok := got[k]
						if tt.partial {
							g.Note, w.Note = "", ""
						}
						if !ok || g != w {
							t.Errorf("target %s: got %+v (present %v), want %+v", k, g, ok, w)
						}
					}
					return
				}
				if res.Report.Dialect.Layout == "" {
					t.Errorf("no layout detected")
				}
				got := observations(t, dst)
				n := 0
				for k, w := range want {
					if len(tt.sel.Indicators) > 0 && k.IndicatorCode != tt.sel.Indicators[0] {
						continue
					}
					n++
					g, ok := got[k]
					if tt.partial {
						g.Break, g.Note, w.Break, w.Note = false, "", false, ""
					}
					if !ok || g != w {
						t.Errorf("%+v: got %+v (present %v), want %+v", k, g, ok, w)
					}
				}
				if len(got) != n {
					t.Errorf("%d observations back, want %d", len(got), n)
				}
			})
		}

		// JSON is not an upload format: it must carry every field exactly.
		t.Run("json", func(t *testing.T) {
			var rows []struct {
				domain.ObservationKey
				Value  float64       `json:"value"`
				Status domain.Status `json:"status"`
				Break  bool          `json:"series_break"`
				Note   string        `json:"note"`
				Upload int64         `json:"upload_id"`
			}
			if err := json.Unmarshal(exportBytes(t, src, "", store.Selection{}, export.Options{Format: export.JSON}), &rows); err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(want) {
				t.Fatalf("%d rows, want %d", len(rows), len(want))
			}
			for _, r := range rows {
				if g := (obsVal{r.Value, r.Status, r.Break, r.Note}); g != want[r.ObservationKey] || r.Upload == 0 {
					t.Errorf("%+v: got %+v, want %+v", r.ObservationKey, g, want[r.ObservationKey])
				}
			}
		})
	})
}
