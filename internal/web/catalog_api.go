package web

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
)

// Catalogue API (/api/v1/catalog…), administrators only (routes.go): the
// catalogue file of `pantau catalog export` and `pantau catalog import`
// over HTTP, through the same importer path, so a refusal, a revision and
// an audit entry are the same whichever way a change comes.

// maxCatalogBody bounds a catalogue body: the starter catalogue is 20 kB,
// a national region bridge a few MB.
const maxCatalogBody = 16 << 20

// catalogChange is one change of a catalogue import as the API answers it
// and the pages show it: the entry, and for a change each field old → new.
type catalogChange struct {
	Kind   string                    `json:"kind"`
	Code   string                    `json:"code"`
	Action domain.CatalogAction      `json:"action"`
	Fields []catalogfile.FieldChange `json:"fields,omitempty"`
	Old    any                       `json:"old,omitempty"`
	New    any                       `json:"new,omitempty"`
}

// catalogAnswer is the answer to a catalogue import or its dry run.
type catalogAnswer struct {
	DryRun    bool            `json:"dry_run"`
	ImportID  int64           `json:"import_id,omitempty"`
	Added     int             `json:"added"`
	Changed   int             `json:"changed"`
	Removed   int             `json:"removed"`
	Unchanged int             `json:"unchanged"`
	Changes   []catalogChange `json:"changes"`
}

func catalogAnswerOf(res importer.CatalogResult, dryRun bool) catalogAnswer {
	a := catalogAnswer{DryRun: dryRun, ImportID: res.Import.ID, Unchanged: res.Import.Unchanged, Changes: changesOf(res.Changes)}
	a.Added, a.Changed, a.Removed = res.Counts()
	return a
}

func changesOf(changes []domain.CatalogChange) []catalogChange {
	out := make([]catalogChange, len(changes))
	for i, ch := range changes {
		out[i] = catalogChange{Kind: ch.Kind, Code: ch.Code, Action: ch.Action, Old: ch.Old, New: ch.New}
		if ch.Action == domain.CatalogChanged {
			out[i].Fields = catalogfile.FieldChanges(ch.Old, ch.New)
		}
	}
	return out
}

// catalogDocument is the stored catalogue as a catalogue file's document
// (top-level lists of items with the file's field names), so that what
// GET answers, as JSON or YAML, POST takes back unchanged.
func (s *Server) catalogDocument(c *gin.Context) ([]byte, map[string]any, error) {
	entries, err := s.store.CatalogEntries(c.Request.Context(), true)
	if err != nil {
		return nil, nil, err
	}
	var b bytes.Buffer
	if err := catalogfile.WriteYAML(&b, catalogfile.Stored(entries)); err != nil {
		return nil, nil, err
	}
	doc := map[string]any{}
	if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
		return nil, nil, err
	}
	for _, k := range catalogfile.Kinds {
		if doc[string(k)] == nil {
			doc[string(k)] = []any{}
		}
	}
	return b.Bytes(), doc, nil
}

// getCatalog answers GET /api/v1/catalog: the whole catalogue, as JSON, or
// as the YAML file `pantau catalog export` writes with ?format=yaml.
func (s *Server) getCatalog(c *gin.Context) {
	private(c)
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "yaml" {
		s.fail(c, domain.Errorf(domain.ErrInvalid, "format %q: want json or yaml", format))
		return
	}
	raw, doc, err := s.catalogDocument(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if format == "yaml" {
		c.Header("Content-Disposition", `attachment; filename="catalog.yaml"`)
		c.Data(http.StatusOK, "application/yaml; charset=utf-8", raw)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": doc})
}

// getCatalogKind answers GET /api/v1/catalog/{kind}: one list of the
// catalogue (agencies, regions, indicators or plans) as catalogue items.
func (s *Server) getCatalogKind(c *gin.Context) {
	private(c)
	kind := c.Param("kind")
	if !isKind(kind) {
		s.fail(c, domain.Errorf(domain.ErrNotFound, "no catalogue list %q (agencies, regions, indicators, plans)", kind))
		return
	}
	_, doc, err := s.catalogDocument(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"data": doc[kind]})
}

func isKind(s string) bool {
	for _, k := range catalogfile.Kinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

// postCatalog answers POST /api/v1/catalog: a catalogue file as the body —
// YAML or JSON (the same document), or one kind's CSV (text/csv with
// ?kind=indicators…) — applied all-or-nothing, or with ?dry_run=true only
// checked; the answer lists every change old → new. 201 when stored, 200
// for a dry run or a file that changes nothing, 422 listing every problem
// (file, line, path, field) when refused.
func (s *Server) postCatalog(c *gin.Context) {
	private(c)
	dryRun, err := boolQuery(c, "dry_run")
	if err != nil {
		s.fail(c, err)
		return
	}
	l := lang(c)
	cat, err := readCatalogBody(c, l)
	if err == nil {
		var res importer.CatalogResult
		res, err = importer.ApplyCatalog(c.Request.Context(), s.store, importer.CatalogRequest{Catalogue: cat,
			Filename: "api", By: principal(c).String(), DryRun: dryRun, Lang: l})
		if err == nil {
			status := http.StatusOK
			if res.Import.ID != 0 {
				status = http.StatusCreated
				c.Set(auditActionKey, "catalog_import")
				c.Set(auditObjectKey, "catalog_import:"+strconv.FormatInt(res.Import.ID, 10))
			}
			c.JSON(status, gin.H{"data": catalogAnswerOf(res, dryRun)})
			return
		}
	}
	var probs catalogfile.Problems
	if errors.As(err, &probs) {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, errorBody("rejected", probs[0].Message, gin.H{"problems": probs}))
		return
	}
	s.fail(c, err)
}

// readCatalogBody reads the request's catalogue by its content type.
func readCatalogBody(c *gin.Context, l locale.Lang) (*catalogfile.Catalogue, error) {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxCatalogBody)
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	var cat *catalogfile.Catalogue
	var err error
	switch mt {
	case "application/json":
		cat, err = catalogfile.ReadYAML(body, "catalog.json", l) // JSON is YAML: one reader, one set of messages
	case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml":
		cat, err = catalogfile.ReadYAML(body, "catalog.yaml", l)
	case "text/csv":
		kind := c.Query("kind")
		if !isKind(kind) {
			return nil, domain.Errorf(domain.ErrInvalid, "a CSV catalogue is one kind: give ?kind=agencies, regions, indicators or plans")
		}
		cat, err = catalogfile.ReadCSV(body, kind+".csv", l)
	default:
		return nil, domain.Errorf(domain.ErrInvalid, "Content-Type %q: send application/json, application/yaml or text/csv", mt)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, domain.Errorf(domain.ErrInvalid, "the catalogue is larger than %d MB", maxCatalogBody>>20)
	}
	return cat, err
}

// boolQuery reads an optional true/false query parameter.
func boolQuery(c *gin.Context, name string) (bool, error) {
	switch v := strings.ToLower(c.Query(name)); v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	default:
		return false, domain.Errorf(domain.ErrInvalid, "%s=%q: want true or false", name, v)
	}
}
