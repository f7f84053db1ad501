package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
)

// openAPIDocument describes the JSON API and the operational endpoints. A
// test walks the router and fails when a route is not in it, or when it
// names a route that does not exist.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiDoc is the part of the OpenAPI document the docs page shows.
type apiDoc struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	Paths map[string]map[string]apiOperation `json:"paths"`
}

type apiOperation struct {
	Tags        []string               `json:"tags"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description"`
	Parameters  []apiParameter         `json:"parameters"`
	Responses   map[string]apiResponse `json:"responses"`
}

type apiResponse struct {
	Description string `json:"description"`
}

type apiParameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Example     any    `json:"example"`
	Schema      struct {
		Type string   `json:"type"`
		Enum []string `json:"enum"`
	} `json:"schema"`
}

// parsedDoc is the document read once at start-up.
var parsedDoc = func() apiDoc {
	var d apiDoc
	if err := json.Unmarshal(openAPIDocument, &d); err != nil {
		panic("web: openapi.json: " + err.Error())
	}
	return d
}()

func (s *Server) openAPI(c *gin.Context) {
	c.Header("Access-Control-Allow-Origin", "*")
	c.Data(http.StatusOK, "application/json; charset=utf-8", openAPIDocument)
}

// docOperation is one endpoint on the docs page, with a link that tries it
// with the documented examples.
type docOperation struct {
	Method, Path string
	apiOperation
	Try       string
	Responses []string
}

// apiDocs renders the OpenAPI document as a page, served from the binary.
func (s *Server) apiDocs(c *gin.Context) {
	var ops []docOperation
	for path, methods := range parsedDoc.Paths {
		for method, op := range methods {
			d := docOperation{Method: strings.ToUpper(method), Path: path, apiOperation: op}
			for code, r := range op.Responses {
				d.Responses = append(d.Responses, code+" "+r.Description)
			}
			sort.Strings(d.Responses)
			if method == "get" {
				d.Try = exampleURL(path, op.Parameters)
			}
			ops = append(ops, d)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ti, tj := firstTag(ops[i]), firstTag(ops[j]); ti != tj {
			return ti < tj
		}
		return ops[i].Path < ops[j].Path
	})
	s.renderPage(c, http.StatusOK, publicFrame, "apidocs.html", map[string]any{"Doc": parsedDoc, "Ops": ops})
}

func firstTag(o docOperation) string {
	if len(o.Tags) > 0 {
		return o.Tags[0]
	}
	return ""
}

// exampleURL fills a path's parameters with their examples: required ones,
// and the optional ones that narrow a result (so a bulk export tried from
// the page stays small).
func exampleURL(path string, params []apiParameter) string {
	q := url.Values{}
	for _, p := range params {
		if p.Example == nil {
			continue
		}
		v := fmt.Sprint(p.Example)
		switch p.In {
		case "path":
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case "query":
			if p.Required || path == "/api/v1/export" || path == "/api/v1/export/metadata" {
				q.Set(p.Name, v)
			}
		}
	}
	if len(q) > 0 {
		return path + "?" + q.Encode()
	}
	return path
}
