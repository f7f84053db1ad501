package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/wilayah"
)

// bigRegencies rewrites the demo's real South Sumatra regencies as BIG
// publishes regency boundaries: KDPPUM/WADMPR for the province, KDPKAB
// (Kemendagri code) and WADMKK (name without "Kabupaten").
func bigRegencies(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "demo", "data", "batas", "kabupaten_kota_16_sumsel.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc map[string]any
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	for i, f := range fc["features"].([]any) {
		ft := f.(map[string]any)
		p := ft["properties"].(map[string]any)
		name := strings.TrimPrefix(strings.TrimPrefix(p["nama"].(string), "Kabupaten "), "Kota ")
		ft["properties"] = map[string]any{"OBJECTID": i + 1, "KDPPUM": "16", "WADMPR": "Sumatera Selatan",
			"KDPKAB": p["kode"], "WADMKK": name, "TIPADM": 2, "SHAPE_Area": 0.3}
	}
	out, _ := json.Marshal(fc)
	return string(out)
}

// TestBoundariesImportCommand: a province instance (South Sumatra and its
// 17 regencies from the official list) imports a BIG-style file with no
// option given, on each database, and its server then answers the 17
// shapes. A dry run stores nothing; a bad file exits 1 naming the feature.
func TestBoundariesImportCommand(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			url := testdb.URL(t, engine)
			getenv := env("PANTAU_DATABASE_URL", url)
			st, err := openStore(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			list, err := wilayah.Official()
			if err != nil {
				t.Fatal(err)
			}
			nation, _ := list.Lookup(domain.NationalCode)
			province, _ := list.Lookup("16")
			regions := []domain.Region{nation.Region(), province.Region()}
			for _, e := range list.Children("16") {
				regions = append(regions, e.Region())
			}
			if err := st.PutRegions(ctx, regions...); err != nil {
				t.Fatal(err)
			}
			// Prepared by hand as `pantau init --region 16` would record it:
			// serve refuses a database never prepared.
			if err := st.SetInstance(ctx, "16", store.PreparedByInit); err != nil {
				t.Fatal(err)
			}
			st.Close()
			file := writeFile(t, "BATAS_KABUPATEN_SUMSEL.geojson", bigRegencies(t))

			var out, errb bytes.Buffer
			if err := run(ctx, []string{"pantau", "boundaries", "import", "--dry-run", file}, getenv, &out, &errb); err != nil {
				t.Fatalf("dry run: %v\n%s%s", err, out.String(), errb.String())
			}
			for _, s := range []string{`codes from "KDPKAB" (kemendagri), names from "WADMKK"`, "matched 17 regions, 0 unmatched", "new 17", "dry run"} {
				if !strings.Contains(out.String(), s) {
					t.Errorf("dry run output lacks %q:\n%s", s, out.String())
				}
			}
			out.Reset()
			if err := run(ctx, []string{"pantau", "boundaries", "import", "--source", "BIG", "--licence", "CC BY 4.0", file}, getenv, &out, &errb); err != nil {
				t.Fatalf("import: %v\n%s%s", err, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), "stored as upload") {
				t.Errorf("import output:\n%s", out.String())
			}

			bad := writeFile(t, "bad.geojson", strings.Replace(bigRegencies(t), `"KDPKAB":"16.07"`, `"KDPKAB":"18.07"`, 1))
			out.Reset()
			err = run(ctx, []string{"pantau", "boundaries", "import", bad}, getenv, &out, &errb)
			if exitCode(err) != 1 || !strings.Contains(out.String(), "unmatched: features[6] (KDPKAB 18.07, WADMKK Banyuasin): its code names no region") ||
				!strings.Contains(out.String(), "without a feature: 16.07 Kabupaten Banyuasin") {
				t.Errorf("bad file: exit %d (%v)\n%s", exitCode(err), err, out.String())
			}

			base := startServer(t, getenv)
			var fc struct {
				Features []struct {
					Properties map[string]string `json:"properties"`
				} `json:"features"`
			}
			if code := getJSON(t, base+"/api/v1/boundaries?parent=16", &fc); code != 200 || len(fc.Features) != 17 {
				t.Fatalf("GET boundaries?parent=16: %d, %d features", code, len(fc.Features))
			}
			if p := fc.Features[6].Properties; p["code"] != "16.07" || p["name"] != "Kabupaten Banyuasin" {
				t.Errorf("feature 6: %v", p)
			}
		})
	}
}
