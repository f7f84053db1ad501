package boundary

import (
	"encoding/json"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// Region is a stored boundary with the region it draws.
type Region struct {
	Code     string
	Name     string
	Geometry orb.MultiPolygon
}

// MapPixels is the width, in pixels, of the largest map the web shapes are
// simplified for: detail below half a pixel of it is dropped.
const MapPixels = 1000

// WebCollection is regions as a GeoJSON FeatureCollection for a map of
// MapPixels: each feature has properties.code and properties.name; its
// geometry is simplified (Douglas–Peucker) with a tolerance of half a pixel
// of the whole collection's extent, and its coordinates are rounded to the
// decimals that still resolve a tenth of a pixel (3 to 5). Polygons that
// vanish at that scale (islets under a pixel) are dropped, but every region
// keeps at least its largest polygon, so none disappears from the map.
func WebCollection(regions []Region) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(regions)) // [] rather than null when empty
	if len(regions) == 0 {
		return json.Marshal(fc)
	}
	var bound orb.Bound
	for i, r := range regions {
		if i == 0 {
			bound = r.Geometry.Bound()
		} else {
			bound = bound.Union(r.Geometry.Bound())
		}
	}
	extent := math.Max(bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1])
	pixel := extent / MapPixels
	if pixel <= 0 {
		pixel = 1e-5
	}
	decimals := int(math.Ceil(-math.Log10(pixel / 10)))
	decimals = min(5, max(3, decimals))
	factor := int(math.Pow10(decimals))
	dp := simplify.DouglasPeucker(pixel / 2)
	for _, r := range regions {
		g := webGeometry(r.Geometry, dp, factor)
		ft := geojson.NewFeature(g)
		ft.Properties = geojson.Properties{"code": r.Code, "name": r.Name}
		fc.Append(ft)
	}
	return json.Marshal(fc)
}

// webGeometry simplifies and rounds one region's polygons.
func webGeometry(mp orb.MultiPolygon, dp *simplify.DouglasPeuckerSimplifier, factor int) orb.Geometry {
	out := make(orb.MultiPolygon, 0, len(mp))
	largest, largestArea := -1, -1.0
	for i, p := range mp {
		if a := math.Abs(planar.Area(p[0])); a > largestArea {
			largest, largestArea = i, a
		}
		// orb simplifies a copy; the stored geometry stays as it is.
		s := orb.Round(dp.Polygon(p.Clone()), factor).(orb.Polygon)
		if len(s) > 0 && len(s[0]) >= 4 && planar.Area(s[0]) != 0 {
			out = append(out, s)
		}
	}
	if len(out) == 0 && largest >= 0 {
		// Too small for the map: keep it as it is, rounded, so the region
		// still shows (as a dot) and can be hovered.
		out = append(out, orb.Round(mp[largest].Clone(), factor).(orb.Polygon))
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}
