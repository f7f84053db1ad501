package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/boundary"
	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/wilayah"
)

// catalogueStores runs fn on a store holding the demo's catalogue (Banyuasin
// and its 21 kecamatan, with BPS codes) and South Sumatra's 17 regencies,
// but no shapes: once on SQLite, once on PostgreSQL.
func catalogueStores(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.LoadCatalog(ctx, st); err != nil {
			t.Fatal(err)
		}
		list, err := wilayah.Official()
		if err != nil {
			t.Fatal(err)
		}
		var regencies []domain.Region
		for _, e := range list.Children("16") {
			if e.Code != demo.RegencyCode {
				regencies = append(regencies, e.Region())
			}
		}
		if err := st.PutRegions(ctx, regencies...); err != nil {
			t.Fatal(err)
		}
		fn(t, st)
	})
}

// geoFeature is a feature of the demo's real files, read loosely so that
// tests can rewrite its properties and points.
type geoFeature struct {
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   struct {
		Type        string          `json:"type"`
		Coordinates [][][][]float64 `json:"coordinates"`
	} `json:"geometry"`
}

func realFeatures(t *testing.T, name string) []geoFeature {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "demo", "data", "batas", name))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []geoFeature }
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	return fc.Features
}

func collection(t *testing.T, fs []geoFeature) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bigStyle rewrites the real kecamatan as BIG publishes them: the codes of
// every level (Kemendagri's KDPPUM, KDPKAB, KDCPUM and BPS's KDCBPS), names
// in WADMPR, WADMKK, WADMKC, and BIG's bookkeeping fields.
func bigStyle(t *testing.T) []byte {
	bps := map[string]string{}
	for _, k := range demo.Kecamatan {
		bps[k[0]] = k[1]
	}
	fs := realFeatures(t, "kecamatan_16_07_banyuasin.geojson")
	for i := range fs {
		p := fs[i].Properties
		fs[i].Properties = map[string]any{"OBJECTID": i + 1, "KDPPUM": "16", "WADMPR": "Sumatera Selatan", "KDPKAB": "16.07",
			"WADMKK": "Banyuasin", "KDCPUM": p["kode"], "WADMKC": p["nama"], "KDCBPS": bps[p["kode"].(string)],
			"TIPADM": 3, "SHAPE_Leng": 1.234, "SHAPE_Area": 0.05, "UUPP": "Kepmendagri 300.2.2-2138/2025"}
	}
	return collection(t, fs)
}

func importBoundaries(t *testing.T, st *store.Store, file []byte, req importer.BoundaryRequest) (importer.BoundaryResult, error) {
	t.Helper()
	return importer.ImportBoundaries(context.Background(), st, bytes.NewReader(file), req)
}

func storedShapes(t *testing.T, st *store.Store, parent string) []store.Boundary {
	t.Helper()
	b, err := st.ChildBoundaries(context.Background(), parent, "")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportBoundaryStyles(t *testing.T) {
	catalogueStores(t, func(t *testing.T, st *store.Store) {
		// Only BPS's codes: read through the bridge.
		bpsOnly := func(t *testing.T) []byte {
			var fc map[string]any
			if err := json.Unmarshal(bigStyle(t), &fc); err != nil {
				t.Fatal(err)
			}
			for _, f := range fc["features"].([]any) {
				p := f.(map[string]any)["properties"].(map[string]any)
				for _, k := range []string{"KDPPUM", "KDPKAB", "KDCPUM"} {
					delete(p, k)
				}
			}
			b, _ := json.Marshal(fc)
			return b
		}
		gadm := func(t *testing.T) []byte {
			fs := realFeatures(t, "kabupaten_kota_16_sumsel.geojson")
			for i := range fs {
				p := fs[i].Properties
				code := p["kode"].(string)
				fs[i].Properties = map[string]any{"GID_0": "IDN", "NAME_0": "Indonesia", "GID_1": "IDN.16_1", "NAME_1": "Sumatera Selatan",
					"GID_2": "IDN.16." + strings.TrimLeft(code[3:], "0") + "_1", "NAME_2": strings.TrimPrefix(strings.TrimPrefix(p["nama"].(string), "Kabupaten "), "Kota "),
					"TYPE_2": "Kabupaten", "ENGTYPE_2": "Regency", "CC_2": strings.ReplaceAll(code, ".", ""), "HASC_2": "ID.SS.XX"}
			}
			return collection(t, fs)
		}
		for _, tt := range []struct {
			name              string
			file              func(t *testing.T) []byte
			parent            string
			prop, kind, nameP string
			n                 int
		}{
			{"BIG, no option", bigStyle, "16.07", "KDCPUM", boundary.KindKemendagri, "WADMKC", 21},
			{"BIG, BPS codes only", bpsOnly, "16.07", "KDCBPS", boundary.KindBPS, "WADMKC", 21},
			{"Kemendagri kode/nama", func(t *testing.T) []byte { return collection(t, realFeatures(t, "kecamatan_16_07_banyuasin.geojson")) },
				"16.07", "kode", boundary.KindKemendagri, "nama", 21},
			{"GADM GID_2/NAME_2/CC_2", gadm, "16", "CC_2", boundary.KindKemendagri, "NAME_2", 17},
		} {
			t.Run(tt.name, func(t *testing.T) {
				file := tt.file(t)
				before, _ := st.DataVersion(context.Background())
				shapesBefore := len(storedShapes(t, st, tt.parent))
				dry, err := importBoundaries(t, st, file, importer.BoundaryRequest{Filename: "f.geojson", DryRun: true})
				if err != nil {
					t.Fatal(err)
				}
				rep := dry.Report
				if rep.CodeProperty != tt.prop || rep.CodeKind != tt.kind || rep.NameProperty != tt.nameP || rep.Matched != tt.n {
					t.Fatalf("read codes from %s (%s), names from %s, matched %d; want %s (%s), %s, %d",
						rep.CodeProperty, rep.CodeKind, rep.NameProperty, rep.Matched, tt.prop, tt.kind, tt.nameP, tt.n)
				}
				if len(rep.Unmatched)+len(rep.Invalid)+len(rep.Missing) != 0 || dry.Stored {
					t.Fatalf("dry run: %+v", rep)
				}
				if after, _ := st.DataVersion(context.Background()); after != before || len(storedShapes(t, st, tt.parent)) != shapesBefore {
					t.Fatalf("a dry run stored: data version %d → %d", before, after)
				}
				res, err := importBoundaries(t, st, file, importer.BoundaryRequest{Filename: "f.geojson", Source: "test " + tt.name, Licence: "MIT"})
				if err != nil {
					t.Fatal(err)
				}
				got := storedShapes(t, st, tt.parent)
				if !res.Stored || len(got) != tt.n || got[0].Source != "test "+tt.name || got[0].UploadID != res.Upload.ID || len(got[0].Geometry) == 0 {
					t.Fatalf("stored %d shapes (%+v), upload %d", len(got), got[0], res.Upload.ID)
				}
				detail, err := st.UploadDetail(context.Background(), res.Upload.ID)
				if err != nil {
					t.Fatal(err)
				}
				if detail.Kind != store.UploadBoundaries || !detail.HasFile || detail.Size != int64(len(file)) || detail.New+detail.Changed != tt.n ||
					!strings.Contains(string(detail.Dialect), `"code_property":"`+tt.prop+`"`) {
					t.Fatalf("upload detail: %+v (dialect %s)", detail, detail.Dialect)
				}
			})
		}
	})
}

// TestImportBoundariesRefusesBadInput: each bad file is refused with a
// message naming the feature and its problem, and nothing is stored (no
// shape, no new data version).
func TestImportBoundariesRefusesBadInput(t *testing.T) {
	catalogueStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		good := func(t *testing.T) []geoFeature { return realFeatures(t, "kecamatan_16_07_banyuasin.geojson") }
		for _, tt := range []struct {
			name     string
			file     func(t *testing.T) []byte
			maxBytes int64
			want     []string // in the error message
			report   func(rep *boundary.Report) bool
		}{
			{name: "not GeoJSON", file: func(*testing.T) []byte { return []byte("kode_wilayah;tahun;nilai\n16.07;2024;1\n") },
				want: []string{"not a GeoJSON FeatureCollection", "not JSON"}},
			{name: "a GeoJSON Feature, not a collection", file: func(*testing.T) []byte {
				return []byte(`{"type":"Feature","properties":{},"geometry":null}`)
			}, want: []string{`its type is "Feature"`}},
			{name: "TopoJSON", file: func(*testing.T) []byte { return []byte(`{"type":"Topology","objects":{},"arcs":[]}`) },
				want: []string{"TopoJSON", "convert it"}},
			{name: "unclosed ring", file: func(t *testing.T) []byte {
				fs := good(t)
				ring := fs[4].Geometry.Coordinates[0][0]
				fs[4].Geometry.Coordinates[0][0] = ring[:len(ring)-1]
				return collection(t, fs)
			}, want: []string{"features[4] (kode 16.07.05, nama Betung)", "does not close"},
				report: func(rep *boundary.Report) bool { return len(rep.Invalid) == 1 && rep.Invalid[0].Index == 4 }},
			{name: "a point, not a polygon", file: func(t *testing.T) []byte {
				b := collection(t, good(t)[:2])
				return bytes.Replace(b, []byte(`{"type":"MultiPolygon","coordinates":[[[[`), []byte(`{"type":"Point","coordinates":[104.7,-2.9]},"x":{"c":[[[[`), 1)
			}, want: []string{"features[0]", "is a Point, not a Polygon or MultiPolygon"}},
			{name: "latitude and longitude swapped", file: func(t *testing.T) []byte {
				fs := good(t)[:3]
				for _, p := range fs[2].Geometry.Coordinates[0][0] {
					p[0], p[1] = p[1], p[0]
				}
				return collection(t, fs)
			}, want: []string{"features[2] (kode 16.07.03, nama Banyuasin III)", "not [longitude, latitude]"}},
			{name: "a region of another instance", file: func(t *testing.T) []byte {
				fs := good(t)
				fs[9].Properties["kode"], fs[9].Properties["nama"] = "32.04.01", "Kecamatan di Kabupaten Bandung"
				return collection(t, fs)
			}, want: []string{"features[9] (kode 32.04.01, nama Kecamatan di Kabupaten Bandung)", "names no region of this instance"},
				report: func(rep *boundary.Report) bool {
					return len(rep.Unmatched) == 1 && rep.Matched == 20 && len(rep.Missing) == 1 && rep.Missing[0].Code == "16.07.10"
				}},
			{name: "no property holds codes", file: func(t *testing.T) []byte {
				fs := good(t)
				for i := range fs {
					fs[i].Properties = map[string]any{"id": i, "nama": "x"}
				}
				return collection(t, fs)
			}, want: []string{"no property holds the Kemendagri or BPS code", "--code-property"}},
			{name: "over the size limit", file: func(t *testing.T) []byte { return collection(t, good(t)) }, maxBytes: 10_000,
				want: []string{"larger than 10000 bytes", "simplify it first"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before, err := st.DataVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				res, err := importBoundaries(t, st, tt.file(t), importer.BoundaryRequest{Filename: "bad.geojson", MaxBytes: tt.maxBytes})
				if err == nil || !errors.Is(err, domain.ErrInvalid) {
					t.Fatalf("accepted or wrong kind: %v", err)
				}
				for _, w := range tt.want {
					if !strings.Contains(domain.Message(err), w) {
						t.Errorf("message %q lacks %q", domain.Message(err), w)
					}
				}
				if tt.report != nil && (res.Report == nil || !tt.report(res.Report)) {
					t.Errorf("report: %+v", res.Report)
				}
				after, _ := st.DataVersion(ctx)
				if got := storedShapes(t, st, "16.07"); len(got) != 0 || after != before {
					t.Fatalf("stored %d shapes, data version %d → %d", len(got), before, after)
				}
			})
		}
	})
}

// TestBoundaryReimportKeepsHistory: re-importing the same file changes
// nothing; a file with one changed shape replaces that shape and keeps the
// old one as a revision.
func TestBoundaryReimportKeepsHistory(t *testing.T) {
	catalogueStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		fs := realFeatures(t, "kecamatan_16_07_banyuasin.geojson")
		req := importer.BoundaryRequest{Filename: "kecamatan.geojson", Source: "cahyadsn", Licence: "MIT"}
		first, err := importBoundaries(t, st, collection(t, fs), req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := importBoundaries(t, st, collection(t, fs), req)
		if err != nil {
			t.Fatal(err)
		}
		if c := again.Upload.Counts; c.New != 0 || c.Changed != 0 || c.Unchanged != 21 {
			t.Fatalf("same file again: %+v", c)
		}
		before := storedShapes(t, st, "16.07")[9].Geometry.Clone()
		p := fs[9].Geometry.Coordinates[0][0][1] // Talang Kelapa moves one point by about 100 m
		p[0] += 0.001
		second, err := importBoundaries(t, st, collection(t, fs), req)
		if err != nil {
			t.Fatal(err)
		}
		if c := second.Upload.Counts; c.New != 0 || c.Changed != 1 || c.Unchanged != 20 {
			t.Fatalf("one changed shape: %+v", c)
		}
		now := storedShapes(t, st, "16.07")[9]
		if now.RegionCode != "16.07.10" || now.UploadID != second.Upload.ID || now.Geometry[0][0][1][0] != p[0] {
			t.Fatalf("current shape: %s from upload %d, point %v", now.RegionCode, now.UploadID, now.Geometry[0][0][1])
		}
		revs, err := st.BoundaryRevisions(ctx, "16.07.10")
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 1 || revs[0].UploadID != second.Upload.ID || revs[0].OldUploadID != first.Upload.ID ||
			!revs[0].Geometry.Equal(before) || revs[0].Source != "cahyadsn" {
			t.Fatalf("revisions: %+v", revs)
		}
		if others, _ := st.BoundaryRevisions(ctx, "16.07.09"); len(others) != 0 {
			t.Fatalf("an unchanged shape got a revision: %+v", others)
		}
	})
}

// TestImportBoundariesSkipUnmatched: with SkipUnmatched a file wider than
// the instance stores what matches; the others are reported, and their
// geometry, even when broken, does not stop the import.
func TestImportBoundariesSkipUnmatched(t *testing.T) {
	catalogueStores(t, func(t *testing.T, st *store.Store) {
		fs := realFeatures(t, "kecamatan_16_07_banyuasin.geojson")
		fs[3].Properties["kode"] = "32.04.01"
		ring := fs[3].Geometry.Coordinates[0][0]
		fs[3].Geometry.Coordinates[0][0] = ring[:len(ring)-1] // unclosed, but not ours
		res, err := importBoundaries(t, st, collection(t, fs), importer.BoundaryRequest{Filename: "wide.geojson", SkipUnmatched: true})
		if err != nil {
			t.Fatal(err)
		}
		rep := res.Report
		if !res.Stored || rep.Matched != 20 || len(rep.Unmatched) != 1 || rep.Unmatched[0].Index != 3 || len(rep.Invalid) != 0 ||
			len(rep.Missing) != 1 || rep.Missing[0].Code != "16.07.04" {
			t.Fatalf("report: %+v", rep)
		}
		if got := storedShapes(t, st, "16.07"); len(got) != 20 {
			t.Fatalf("stored %d shapes", len(got))
		}
	})
}
