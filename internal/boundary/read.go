// Package boundary reads administrative boundary files (GeoJSON
// FeatureCollections), finds which property holds each feature's region
// code by matching values against the instance's regions, checks every
// geometry, and shapes stored boundaries for the web (simplified to what a
// screen shows, coordinates rounded). It is pure: no SQL, no HTTP. The
// geometry work (simplification, rounding, areas) is orb's.
package boundary

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"pantau/internal/domain"
)

// DefaultMaxBytes bounds a boundary file when the caller sets no limit. The
// 514 regencies of Indonesia take 3.5 MB once simplified at the source;
// BIG's full-resolution national files run to hundreds of megabytes and
// should be simplified (mapshaper, ogr2ogr -simplify) before they come here.
const DefaultMaxBytes = 64 << 20

// ReadOptions bound the reading of a file.
type ReadOptions struct {
	// MaxBytes refuses a file larger than this (DefaultMaxBytes when 0).
	MaxBytes int64
}

// Feature is one feature of a file: its place in the file, its scalar
// properties as text, and its geometry as a MultiPolygon (a Polygon is a
// MultiPolygon of one). A feature whose geometry is unusable has a nil
// Geometry and a problem in File.Invalid.
type Feature struct {
	// Index is the feature's position in the file's "features" array, from 0.
	Index      int
	Properties map[string]string
	Geometry   orb.MultiPolygon
}

// File is a boundary file as read: every feature, and the problems of those
// whose geometry cannot be used.
type File struct {
	Features []Feature
	// Invalid lists the features whose geometry is missing, of another type
	// than Polygon or MultiPolygon, or not well formed. Their Feature field
	// is filled in by Match, which knows the code and name properties.
	Invalid []Problem
	// Dropped lists degenerate rings left out of a feature's geometry (slivers
	// without area, rings of 3 points); the feature itself is usable.
	Dropped []Problem
	// Bytes is the size of the file.
	Bytes int64
}

// ErrTooLarge is the error of a file over the size limit (wrapped, with the
// limit in its message).
var ErrTooLarge = errors.New("boundary file too large")

// limitedReader reads at most max bytes and fails past them, so that a
// file over the limit is refused after reading max+1 bytes, not all of it.
type limitedReader struct {
	r    io.Reader
	n    int64
	max  int64
	over bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n > l.max {
		l.over = true
		return 0, ErrTooLarge
	}
	if rest := l.max + 1 - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.over = true
		return n, ErrTooLarge
	}
	return n, err
}

// rawFeature is a feature before its geometry is decoded: the geometry's
// text stays raw so that one bad geometry is that feature's problem, not
// the file's.
type rawFeature struct {
	Type       string          `json:"type"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

// Read reads a GeoJSON FeatureCollection from r, one feature at a time: the
// file is never held whole, and what is kept (orb geometries, 16 bytes a
// point, against at least as many bytes of text a point in the file) stays
// below the file's size, so memory is bounded by a small multiple of it.
// An error means the file cannot be read as a FeatureCollection at all;
// features with unusable geometry are listed in File.Invalid instead.
// TopoJSON is refused with a way to convert it.
func Read(r io.Reader, opt ReadOptions) (*File, error) {
	max := opt.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	lr := &limitedReader{r: r, max: max}
	f, err := read(lr)
	if lr.over || errors.Is(err, ErrTooLarge) {
		return nil, domain.Errorf(domain.ErrInvalid, "the boundary file is larger than %d bytes (%d MB): simplify it first (mapshaper -simplify, or ogr2ogr -simplify) or raise the limit: %v", max, max>>20, ErrTooLarge)
	}
	if err != nil {
		return nil, err
	}
	f.Bytes = lr.n
	return f, nil
}

func read(r io.Reader) (*File, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber() // codes stored as numbers keep their digits
	notGeoJSON := func(format string, args ...any) error {
		return domain.Errorf(domain.ErrInvalid, "not a GeoJSON FeatureCollection: "+format, args...)
	}
	tok, err := dec.Token()
	if err != nil {
		if !isJSONError(err) {
			return nil, fmt.Errorf("boundary: read: %w", err)
		}
		return nil, notGeoJSON("the file is not JSON (%v)", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, notGeoJSON("the file does not start with a JSON object")
	}
	f := &File{}
	var typ string
	sawFeatures := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err, "")
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return nil, syntaxError(err, `"type"`)
			}
			if typ == "Topology" {
				return nil, domain.Errorf(domain.ErrInvalid, "this is TopoJSON, which Pantau does not read: convert it to GeoJSON first (topo2geo from topojson-client, or mapshaper FILE -o format=geojson)")
			}
			if typ != "FeatureCollection" {
				return nil, notGeoJSON("its type is %q; a boundary file is a FeatureCollection of Polygon or MultiPolygon features", typ)
			}
		case "features":
			sawFeatures = true
			if err := f.readFeatures(dec); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage // crs, bbox, name: small members, not kept
			if err := dec.Decode(&skip); err != nil {
				return nil, syntaxError(err, strconv.Quote(key))
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(err, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, notGeoJSON("there is more after the FeatureCollection's closing brace")
	}
	if typ != "FeatureCollection" {
		return nil, notGeoJSON(`it has no "type": "FeatureCollection"`)
	}
	if !sawFeatures {
		return nil, notGeoJSON(`it has no "features" array`)
	}
	return f, nil
}

// isJSONError tells a file that is not JSON (or ends early) from a reader
// that failed.
func isJSONError(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// syntaxError words a decoding error, naming where it happened.
func syntaxError(err error, where string) error {
	if !isJSONError(err) {
		return fmt.Errorf("boundary: read: %w", err) // the reader's own failure, such as a body limit
	}
	if where != "" {
		where = " in " + where
	}
	return domain.Errorf(domain.ErrInvalid, "the boundary file is not valid JSON%s: %v", where, err)
}

func (f *File) readFeatures(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err, `"features"`)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return domain.Errorf(domain.ErrInvalid, `not a GeoJSON FeatureCollection: "features" is not an array`)
	}
	for i := 0; dec.More(); i++ {
		var raw rawFeature
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(err, fmt.Sprintf("features[%d]", i))
		}
		ft := Feature{Index: i, Properties: scalars(raw.Properties)}
		if raw.Type != "Feature" {
			f.Invalid = append(f.Invalid, Problem{Index: i, Problem: fmt.Sprintf("its type is %q, not \"Feature\"", raw.Type)})
		} else if g, problem, dropped := geometryOf(raw.Geometry); problem != "" {
			f.Invalid = append(f.Invalid, Problem{Index: i, Problem: problem})
		} else {
			ft.Geometry = g
			for _, d := range dropped {
				f.Dropped = append(f.Dropped, Problem{Index: i, Problem: d})
			}
		}
		f.Features = append(f.Features, ft)
	}
	if _, err := dec.Token(); err != nil { // the closing ]
		return syntaxError(err, `"features"`)
	}
	return nil
}

// scalars keeps a feature's string, number and boolean properties as text
// (codes may be either strings or numbers); nested values are dropped.
func scalars(props map[string]any) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		switch v := v.(type) {
		case string:
			out[k] = strings.TrimSpace(v)
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = strconv.FormatBool(v)
		}
	}
	return out
}

// geometryOf decodes and checks one feature's geometry, returning it as a
// MultiPolygon, or the problem that makes it unusable.
func geometryOf(raw json.RawMessage) (mp orb.MultiPolygon, problem string, dropped []string) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, "it has no geometry", nil
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, fmt.Sprintf("its geometry cannot be read: %v", err), nil
	}
	switch c := g.Geometry().(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{c}
	case orb.MultiPolygon:
		mp = c
	case nil:
		return nil, "it has no geometry", nil
	default:
		return nil, fmt.Sprintf("its geometry is a %s, not a Polygon or MultiPolygon", c.GeoJSONType()), nil
	}
	return cleanMultiPolygon(mp)
}

// cleanMultiPolygon finds what makes a multipolygon unusable on a map —
// rings that do not close, points that are not WGS 84 longitude/latitude
// (a file in a projected system, or with latitude and longitude swapped:
// Indonesia's longitudes exceed 90) — and leaves out, reporting each, the
// degenerate parts a source's own simplification leaves behind: rings of
// fewer than 4 points or without area, which draw nothing (a hole among
// them is left out alone, an outer ring with its polygon). Only a geometry
// with nothing else left is invalid. Self-intersection is not checked: it
// costs a sweep per ring, and ECharts draws such rings anyway.
func cleanMultiPolygon(mp orb.MultiPolygon) (kept orb.MultiPolygon, problem string, dropped []string) {
	if len(mp) == 0 {
		return nil, "its geometry is empty", nil
	}
	for pi, p := range mp {
		var rings orb.Polygon
		for ri, ring := range p {
			where := fmt.Sprintf("ring %d of polygon %d", ri+1, pi+1)
			if len(mp) == 1 {
				where = fmt.Sprintf("ring %d", ri+1)
			}
			for _, pt := range ring {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || math.Abs(pt[0]) > 180 || math.Abs(pt[1]) > 90 {
					return nil, fmt.Sprintf("%s has the point [%g, %g], which is not [longitude, latitude] in degrees (WGS 84)", where, pt[0], pt[1]), nil
				}
			}
			if len(ring) > 0 && ring[0] != ring[len(ring)-1] { // orb's Closed also wants 4 points
				first, last := ring[0], ring[len(ring)-1]
				return nil, fmt.Sprintf("%s does not close: it starts at [%g, %g] and ends at [%g, %g]", where, first[0], first[1], last[0], last[1]), nil
			}
			var degenerate string
			switch {
			case len(ring) < 4:
				degenerate = fmt.Sprintf("%s has %d points; a closed ring needs at least 4 (the last repeating the first)", where, len(ring))
			case planar.Area(ring) == 0:
				degenerate = fmt.Sprintf("%s encloses no area", where)
			}
			if degenerate == "" {
				rings = append(rings, ring)
				continue
			}
			dropped = append(dropped, degenerate)
			if ri == 0 {
				break // without its outer ring the polygon is nothing
			}
		}
		if len(rings) > 0 { // its outer ring, at least, was kept
			kept = append(kept, rings)
		}
	}
	if len(kept) == 0 {
		if len(dropped) == 1 {
			return nil, dropped[0], nil
		}
		return nil, fmt.Sprintf("none of its polygons encloses any area (%s)", dropped[0]), nil
	}
	return kept, "", dropped
}
