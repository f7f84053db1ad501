package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/store"
)

// webCollection is the answer of GET /api/v1/boundaries, read loosely.
type webCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

func boundaries(t *testing.T, base, query string) (int, http.Header, webCollection, string) {
	t.Helper()
	code, h, body := fetch(t, base+"/api/v1/boundaries?"+query)
	var fc webCollection
	if code == 200 {
		if err := json.Unmarshal([]byte(body), &fc); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	return code, h, fc, body
}

// maxDecimals is the most decimals any coordinate of a body has.
func maxDecimals(t *testing.T, raw json.RawMessage) int {
	var nums []float64
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				walk(x)
			}
		case float64:
			nums = append(nums, v)
		}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
	most := 0
	for _, n := range nums {
		d := 0
		for d < 8 && math.Abs(n*math.Pow10(d)-math.Round(n*math.Pow10(d))) > 1e-6 {
			d++
		}
		most = max(most, d)
	}
	return most
}

func TestBoundariesAPI(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		names := map[string]string{}
		for _, k := range demo.Kecamatan {
			names[k[0]] = k[2]
		}
		code, h, fc, body := boundaries(t, base, "parent=16.07")
		if code != 200 || h.Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" || len(fc.Features) != 21 {
			t.Fatalf("parent=16.07: %d %s, %d features", code, h.Get("Content-Type"), len(fc.Features))
		}
		for _, f := range fc.Features {
			c := f.Properties["code"]
			if names[c] == "" || f.Properties["name"] != names[c] || (f.Geometry.Type != "Polygon" && f.Geometry.Type != "MultiPolygon") {
				t.Errorf("feature %v (%s)", f.Properties, f.Geometry.Type)
			}
			if d := maxDecimals(t, f.Geometry.Coordinates); d > 5 {
				t.Errorf("%s: coordinates with %d decimals", c, d)
			}
		}
		src, _ := os.ReadFile(filepath.Join("..", "demo", "data", "batas", "kecamatan_16_07_banyuasin.geojson"))
		if len(body) >= len(src) {
			t.Errorf("the simplified answer (%d bytes) is not smaller than the stored file (%d bytes)", len(body), len(src))
		}

		// Revalidation by data version; gzip for clients that ask for it.
		etag := h.Get("ETag")
		if code, _, _ := fetch(t, base+"/api/v1/boundaries?parent=16.07", "If-None-Match", etag); code != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", code)
		}
		req, _ := http.NewRequest("GET", base+"/api/v1/boundaries?parent=16.07", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		zipped, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("gzip: %v, Content-Encoding %q", err, resp.Header.Get("Content-Encoding"))
		}
		plain, _ := io.ReadAll(zr)
		if string(plain) != body || len(zipped)*3 > len(body) {
			t.Errorf("gzip answer: %d bytes for %d plain, equal %v", len(zipped), len(body), string(plain) == body)
		}

		for _, tt := range []struct {
			query string
			code  int
			n     int
		}{
			// The demo's catalogue holds one of South Sumatra's regencies.
			{"parent=16", 200, 1},
			{"parent=ID&level=kabupaten_kota", 200, 1},
			{"parent=16&level=kecamatan", 200, 21},
			{"parent=ID", 200, 0},       // South Sumatra has no shape in the demo
			{"parent=16.07.01", 200, 0}, // no village shapes
			{"parent=99", 404, 0},
			{"parent=", 400, 0},
			{"parent=ID&level=kota", 400, 0},
		} {
			code, _, fc, body := boundaries(t, base, tt.query)
			if code != tt.code || len(fc.Features) != tt.n {
				t.Errorf("%s: %d with %d features, want %d with %d (%.200s)", tt.query, code, len(fc.Features), tt.code, tt.n, body)
			}
			if code == 200 && tt.n == 0 && !strings.Contains(body, `"features":[]`) {
				t.Errorf("%s: empty collection is %s", tt.query, body)
			}
		}

		// An administrator imports a file with one changed shape: a dry run
		// first, then for real; the map follows the new data version.
		api := newAPIClient(t, base, admin.Email, "kata-sandi-panjang")
		var fcIn map[string]any
		if err := json.Unmarshal(src, &fcIn); err != nil {
			t.Fatal(err)
		}
		pt := fcIn["features"].([]any)[9].(map[string]any)["geometry"].(map[string]any)["coordinates"].([]any)[0].([]any)[0].([]any)[1].([]any)
		pt[0] = pt[0].(float64) + 0.01
		changed, _ := json.Marshal(fcIn)
		var answer struct {
			Data struct {
				Report struct {
					Matched      int    `json:"matched"`
					CodeProperty string `json:"code_property"`
				} `json:"report"`
				Upload domain.Upload `json:"upload"`
				Stored bool          `json:"stored"`
			} `json:"data"`
		}
		if code := api.call("POST", "/api/v1/boundaries?dry_run=true&source=test&licence=MIT", string(changed), &answer); code != 200 ||
			answer.Data.Stored || answer.Data.Report.Matched != 21 || answer.Data.Report.CodeProperty != "kode" || answer.Data.Upload.Changed != 21 {
			t.Fatalf("dry run: %d %+v", code, answer.Data)
		}
		if _, h2, _, _ := boundaries(t, base, "parent=16.07"); h2.Get("ETag") != etag {
			t.Errorf("a dry run moved the ETag")
		}
		if code := api.call("POST", "/api/v1/boundaries?source=test&licence=MIT", string(changed), &answer); code != 201 || !answer.Data.Stored {
			t.Fatalf("import: %d %+v", code, answer.Data)
		}
		_, h3, fc3, _ := boundaries(t, base, "parent=16.07")
		if h3.Get("ETag") == etag || len(fc3.Features) != 21 {
			t.Errorf("after an import: ETag %s (was %s), %d features", h3.Get("ETag"), etag, len(fc3.Features))
		}
		revs, err := st.BoundaryRevisions(t.Context(), "16.07.10")
		if err != nil || len(revs) != 1 {
			t.Errorf("revisions of 16.07.10: %v %+v", err, revs)
		}

		// A bad file: 422, the report naming the feature, nothing stored.
		bad := strings.Replace(string(src), `"kode":"16.07.05"`, `"kode":"32.04.01"`, 1)
		var refused struct {
			Error struct {
				Message string `json:"message"`
				Details struct {
					Report struct {
						Unmatched []struct {
							Feature string `json:"feature"`
						} `json:"unmatched"`
					} `json:"report"`
				} `json:"details"`
			} `json:"error"`
		}
		if code := api.call("POST", "/api/v1/boundaries", bad, &refused); code != 422 ||
			len(refused.Error.Details.Report.Unmatched) != 1 || !strings.Contains(refused.Error.Details.Report.Unmatched[0].Feature, "features[4] (kode 32.04.01, nama Betung)") {
			t.Errorf("bad file: %d %+v", code, refused.Error)
		}
		if _, h4, _, _ := boundaries(t, base, "parent=16.07"); h4.Get("ETag") != h3.Get("ETag") {
			t.Errorf("a refused file moved the ETag")
		}
	})
}
