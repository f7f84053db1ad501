package boundary

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"pantau/internal/domain"
)

func TestKemendagriOf(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"16", "16"}, {"1607", "16.07"}, {"160701", "16.07.01"}, {"1607012001", "16.07.01.2001"},
		{"16.07", "16.07"}, {"1607010", "1607010"}, {"IDN.16.7_1", "IDN.16.7_1"},
	} {
		if got := kemendagriOf(tt.in); got != tt.want {
			t.Errorf("kemendagriOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCodeLike(t *testing.T) {
	file := func(vals ...string) *File {
		f := &File{}
		for i, v := range vals {
			f.Features = append(f.Features, Feature{Index: i, Properties: map[string]string{"p": v}})
		}
		return f
	}
	for _, tt := range []struct {
		name string
		vals []string
		want bool
	}{
		{"Kemendagri kecamatan", []string{"16.07.01", "16.07.02", "16.07.03"}, true},
		{"BPS kecamatan", []string{"1607010", "1607020", "1607021"}, true},
		{"regencies without dots", []string{"1601", "1602", "1671"}, true},
		{"row numbers", []string{"1", "2", "3", "10", "16", "17"}, false},
		{"names", []string{"Betung", "Rambutan"}, false},
		{"one level mixed with another", []string{"16", "16.07", "16.07.01", "16.07.02"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := codeLike(file(tt.vals...), "p"); got != tt.want {
				t.Errorf("codeLike(%v) = %v", tt.vals, got)
			}
		})
	}
}

func TestReadRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, file, want string
	}{
		{"empty", "", "not JSON"},
		{"array", `[1,2]`, "does not start with a JSON object"},
		{"truncated", `{"type":"FeatureCollection","features":[{"type":"Feature"`, "not valid JSON"},
		{"no features", `{"type":"FeatureCollection"}`, `no "features" array`},
		{"no type", `{"features":[]}`, `no "type": "FeatureCollection"`},
		{"trailing data", `{"type":"FeatureCollection","features":[]} {}`, "more after"},
		{"topojson", `{"type":"Topology","arcs":[]}`, "TopoJSON"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.file), ReadOptions{})
			if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestReadGeometryProblems(t *testing.T) {
	square := `[[104,-3],[105,-3],[105,-2],[104,-2],[104,-3]]`
	for _, tt := range []struct {
		name, geometry, want string
	}{
		{"polygon", `{"type":"Polygon","coordinates":[` + square + `]}`, ""},
		{"null", `null`, "no geometry"},
		{"line", `{"type":"LineString","coordinates":[[104,-3],[105,-3]]}`, "is a LineString"},
		{"open ring", `{"type":"Polygon","coordinates":[[[104,-3],[105,-3],[105,-2],[104,-2]]]}`, "does not close"},
		{"short ring", `{"type":"Polygon","coordinates":[[[104,-3],[105,-3],[104,-3]]]}`, "at least 4"},
		{"projected", `{"type":"Polygon","coordinates":[[[400000,9600000],[400100,9600000],[400100,9600100],[400000,9600000]]]}`, "not [longitude, latitude]"},
		{"no area", `{"type":"Polygon","coordinates":[[[104,-3],[105,-3],[104,-3],[104,-3]]]}`, "encloses no area"},
		{"unknown type", `{"type":"Circle","coordinates":[104,-3]}`, "cannot be read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kode":"16.07"},"geometry":`+tt.geometry+`}]}`), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && (len(f.Invalid) != 0 || len(f.Features[0].Geometry) != 1):
				t.Fatalf("invalid: %+v", f.Invalid)
			case tt.want != "" && (len(f.Invalid) != 1 || !strings.Contains(f.Invalid[0].Problem, tt.want)):
				t.Fatalf("invalid: %+v, want %q", f.Invalid, tt.want)
			}
		})
	}
}

// endless is a FeatureCollection that never ends.
type endless struct{ buf []byte }

func (e *endless) Read(p []byte) (int, error) {
	if e.buf == nil {
		e.buf = []byte(`{"type":"FeatureCollection","features":[`)
	}
	for len(e.buf) < len(p) {
		e.buf = append(e.buf, `{"type":"Feature","properties":{"kode":"16.07"},"geometry":{"type":"Polygon","coordinates":[[[104,-3],[105,-3],[105,-2],[104,-3]]]}},`...)
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}

// TestReadIsBounded: a file over the limit is refused after the limit is
// read, and what a file keeps stays within a small multiple of its size.
func TestReadIsBounded(t *testing.T) {
	const limit = 4 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Read(&endless{}, ReadOptions{MaxBytes: limit})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "larger than 4194304 bytes") {
		t.Fatalf("endless file: %v", err)
	}
	if peak := after.HeapSys; peak > before.HeapSys+12*limit {
		t.Errorf("reading %d bytes grew the heap by %d bytes", limit, peak-before.HeapSys)
	}

	// The 514 regencies: what is kept after reading stays below twice the file.
	f, err := os.Open(filepath.Join("..", "..", "testdata", "batas", "kabupaten_kota_indonesia.geojson.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&before)
	file, err := Read(zr, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if len(file.Features) != 514 || len(file.Invalid) != 0 || kept > 2*file.Bytes {
		t.Errorf("514 regencies: %d features, invalid %v, %d bytes kept for a %d-byte file", len(file.Features), file.Invalid, kept, file.Bytes)
	}
	runtime.KeepAlive(file)
}

func TestWebCollection(t *testing.T) {
	empty, err := WebCollection(nil)
	if err != nil || !strings.Contains(string(empty), `"features":[]`) || !strings.Contains(string(empty), `"type":"FeatureCollection"`) {
		t.Fatalf("empty: %s %v", empty, err)
	}
	// A regency-sized square with a dense edge, and an islet far smaller
	// than a pixel of the map: the edge is simplified, the islet dropped,
	// but a region that is only an islet keeps it.
	var edge orb.Ring
	for i := 0; i <= 1000; i++ {
		edge = append(edge, orb.Point{104 + float64(i)/1000, -3 + 0.00001*float64(i%2)})
	}
	edge = append(edge, orb.Point{105, -2}, orb.Point{104, -2}, orb.Point{104, -3})
	islet := orb.Polygon{{{104.5, -1.5}, {104.50001, -1.5}, {104.50001, -1.49999}, {104.5, -1.5}}}
	b, err := WebCollection([]Region{
		{Code: "16.07", Name: "Banyuasin", Geometry: orb.MultiPolygon{{edge}, islet}},
		{Code: "16.08", Name: "Pulau", Geometry: orb.MultiPolygon{islet}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties map[string]string `json:"properties"`
			Geometry   struct {
				Type        string        `json:"type"`
				Coordinates [][][]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 2 || fc.Features[0].Properties["code"] != "16.07" || fc.Features[1].Properties["name"] != "Pulau" {
		t.Fatalf("features: %s", b)
	}
	if g := fc.Features[0].Geometry; g.Type != "Polygon" || len(g.Coordinates[0]) > 10 {
		t.Errorf("Banyuasin: %s with %d points", g.Type, len(g.Coordinates[0]))
	}
	if g := fc.Features[1].Geometry; g.Type != "Polygon" || len(g.Coordinates[0]) != 4 {
		t.Errorf("the islet region lost its shape: %+v", g)
	}
}
