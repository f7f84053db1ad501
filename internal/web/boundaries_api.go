package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/boundary"
	"pantau/internal/domain"
	"pantau/internal/httpx"
	"pantau/internal/importer"
	"pantau/internal/store"
)

// webShapes is the version of the simplification in boundary.WebCollection:
// part of every ETag, so that a release that simplifies differently is not
// answered 304 from a client's old copy.
const webShapes = "1"

// shapeKey names one answer of GET /api/v1/boundaries.
type shapeKey struct {
	st      *store.Store
	version int64
	parent  string
	level   domain.Level
}

// shapeAnswer is a simplified collection with its coded forms: the
// simplification and each compression are done once per data version.
type shapeAnswer struct {
	coded *httpx.Variants
	// codes are the regions that have a shape, for the map tab.
	codes map[string]bool
}

// shapeCache keeps the latest answers. The data version is in the key, so
// an import makes every entry unreachable; the oldest go first once there
// are shapeCacheEntries. It is keyed by store too, because tests run many
// servers, each with its own versions, in one process.
var shapeCache = struct {
	sync.Mutex
	entries map[shapeKey]*shapeAnswer
	order   []shapeKey
}{entries: map[shapeKey]*shapeAnswer{}}

const shapeCacheEntries = 64

func cachedShapes(k shapeKey) *shapeAnswer {
	shapeCache.Lock()
	defer shapeCache.Unlock()
	return shapeCache.entries[k]
}

func keepShapes(k shapeKey, a *shapeAnswer) {
	shapeCache.Lock()
	defer shapeCache.Unlock()
	if _, ok := shapeCache.entries[k]; ok {
		return
	}
	shapeCache.entries[k] = a
	shapeCache.order = append(shapeCache.order, k)
	for len(shapeCache.order) > shapeCacheEntries {
		delete(shapeCache.entries, shapeCache.order[0])
		shapeCache.order = shapeCache.order[1:]
	}
}

// getBoundaries answers the shapes of the regions below ?parent= (its
// children; with ?level=, every region of that level under it, so
// ?parent=ID&level=kabupaten_kota is the country's regencies) as a GeoJSON
// FeatureCollection simplified for a map of boundary.MapPixels, with
// properties.code and properties.name. Regions without a stored shape are
// left out (an empty collection when none has one); an unknown parent is
// 404. The answer is computed once per data version and sent compressed
// (brotli or gzip, each made once) to clients that accept it: the ETag is
// the data version's, so a revalidation costs no work.
func (s *Server) getBoundaries(c *gin.Context) {
	ctx := c.Request.Context()
	parent, level := strings.TrimSpace(c.Query("parent")), domain.Level(strings.TrimSpace(c.Query("level")))
	if parent == "" {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "parent is required (?parent=16.07 for Banyuasin's kecamatan, ?parent=ID for the provinces)"))
		return
	}
	if level != "" {
		if _, err := domain.LevelOfCode(parent); err != nil {
			s.fail(c, err)
			return
		}
		switch level {
		case domain.LevelProvince, domain.LevelRegency, domain.LevelDistrict, domain.LevelVillage:
		default:
			s.fail(c, domain.Errorf(domain.ErrInvalid, "level %q: want provinsi, kabupaten_kota, kecamatan or desa", level))
			return
		}
	}
	if _, err := s.store.Region(ctx, parent); err != nil {
		s.fail(c, err)
		return
	}
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	if httpx.Conditional(c, fmt.Sprintf(`"b%s-%d-%s-%s"`, webShapes, version, parent, level), time.Time{}) {
		return
	}
	a, err := s.shapesAt(c, version, parent, level)
	if err != nil {
		s.fail(c, err)
		return
	}
	a.coded.Serve(c, http.StatusOK, "application/geo+json")
}

// shapesAt is the simplified collection below parent at data version,
// from the cache when it was made before.
func (s *Server) shapesAt(c *gin.Context, version int64, parent string, level domain.Level) (*shapeAnswer, error) {
	k := shapeKey{st: s.store, version: version, parent: parent, level: level}
	if a := cachedShapes(k); a != nil {
		return a, nil
	}
	a, err := s.simplifiedShapes(c, parent, level)
	if err != nil {
		return nil, err
	}
	keepShapes(k, a)
	return a, nil
}

func (s *Server) simplifiedShapes(c *gin.Context, parent string, level domain.Level) (*shapeAnswer, error) {
	stored, err := s.store.ChildBoundaries(c.Request.Context(), parent, level)
	if err != nil {
		return nil, err
	}
	regions := make([]boundary.Region, len(stored))
	codes := make(map[string]bool, len(stored))
	for i, b := range stored {
		regions[i] = boundary.Region{Code: b.RegionCode, Name: b.Name, Geometry: b.Geometry}
		codes[b.RegionCode] = true
	}
	plain, err := boundary.WebCollection(regions)
	if err != nil {
		return nil, fmt.Errorf("web: boundaries below %s: %w", parent, err)
	}
	return &shapeAnswer{coded: httpx.NewVariants(plain, nil, nil), codes: codes}, nil
}

// postBoundaries imports a boundary file for an administrator: the whole
// body (application/geo+json) or the multipart field "file", with
// ?dry_run=, ?skip_unmatched=, ?code_property=, ?source= and ?licence=
// (or form fields). It
// answers the report — matched regions, unmatched features, invalid
// geometry, regions without a feature — with 201 when stored, 200 for a
// dry run, and 422 with the same report when nothing was stored.
func (s *Server) postBoundaries(c *gin.Context) {
	if c.Request.ContentLength > s.uploads.maxBytes {
		s.failTooLarge(c)
		return
	}
	u, err := s.readUpload(c)
	if tooLarge(err) {
		s.failTooLarge(c)
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	defer u.close()
	if u.form == nil && c.Query("filename") == "" {
		u.filename = "boundaries.geojson" // readUpload names a bare body for CSV
	}
	req := importer.BoundaryRequest{Filename: u.filename, CreatedBy: principal(c).Email,
		CodeProperty: u.param("code_property"), Source: u.param("source"), Licence: u.param("licence"), MaxBytes: s.uploads.maxBytes}
	if req.DryRun, err = u.flag("dry_run"); err != nil {
		s.fail(c, err)
		return
	}
	if req.SkipUnmatched, err = u.flag("skip_unmatched"); err != nil {
		s.fail(c, err)
		return
	}
	res, err := importer.ImportBoundaries(c.Request.Context(), s.store, u.file, req)
	switch {
	case tooLarge(err):
		s.failTooLarge(c)
		return
	case errors.Is(err, domain.ErrInvalid):
		var details any
		if res.Report != nil {
			details = res
		}
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorBody("rejected", domain.Message(err), details))
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	status := http.StatusOK
	if res.Stored {
		status = http.StatusCreated
		c.Header("Location", fmt.Sprintf("/api/v1/uploads/%d", res.Upload.ID))
		c.Set(auditActionKey, "boundaries_import")
		c.Set(auditObjectKey, fmt.Sprintf("upload:%d", res.Upload.ID))
	}
	c.JSON(status, gin.H{"data": res})
}
