package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"

	"pantau/internal/testdb"
)

type openAPIDoc struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			Name     string `json:"name"`
			In       string `json:"in"`
			Required bool   `json:"required"`
			Example  any    `json:"example"`
		} `json:"parameters"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"paths"`
}

var (
	specOnce sync.Once
	spec     *openapi3.T
	specErr  error
)

// apiClient is a logged-in browser calling the JSON API with the session's
// CSRF token, checking every answer against the OpenAPI document.
type apiClient struct {
	*acctBrowser
	csrf   string
	router routers.Router
}

func newAPIClient(t *testing.T, base, email, password string) *apiClient {
	t.Helper()
	b := newAcctBrowser(t, base)
	if resp := b.login(email, password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, resp.StatusCode)
	}
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	_, body := b.do("GET", "/api/v1/me", nil)
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.CSRFToken == "" {
		t.Fatalf("me: %v %s", err, body)
	}
	return &apiClient{acctBrowser: b, csrf: me.CSRFToken, router: openAPIRouter(t)}
}

// call sends a JSON request and decodes the answer into v (when not nil);
// the status and body must be what the OpenAPI document says.
func (a *apiClient) call(method, path, body string, v any) int {
	a.t.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	status, raw := a.send(method, path, ctype, body, nil)
	if v != nil {
		if err := json.Unmarshal([]byte(raw), v); err != nil {
			a.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return status
}

// send sends a body of content type ctype (none when empty) and decodes
// a JSON answer into v (when not nil); the status and body must be what
// the OpenAPI document says.
func (a *apiClient) send(method, path, ctype, body string, v any) (int, string) {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-CSRF-Token", a.csrf)
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	check := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		check.Header.Set("Content-Type", ctype)
	}
	if err := checkAnswer(a.router, check, resp.StatusCode, resp.Header, string(raw), true); err != nil {
		a.t.Errorf("%s %s: %v", method, path, err)
	}
	if v != nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, v); err != nil {
			a.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, string(raw)
}

// openAPIRouter finds the routes of openapi.json, for checking answers
// against it.
func openAPIRouter(t *testing.T) routers.Router {
	t.Helper()
	specOnce.Do(func() {
		raw, err := os.ReadFile("openapi.json")
		if err != nil {
			specErr = err
			return
		}
		spec, specErr = openapi3.NewLoader().LoadFromData(raw)
		if specErr == nil {
			spec.Servers = nil
		}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	r, err := legacy.NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkAnswer checks an answer to req against the document behind router:
// req's route must be in it, and the status, headers and body what it
// says; a body that is not JSON is checked only when allBodies.
func checkAnswer(router routers.Router, req *http.Request, status int, h http.Header, body string, allBodies bool) error {
	route, params, err := router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("not in the OpenAPI document: %v", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: h, Body: io.NopCloser(strings.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true,
			ExcludeResponseBody: !allBodies && !strings.HasPrefix(h.Get("Content-Type"), "application/json")},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("answer does not match the document: %.600v", err)
	}
	return nil
}

// pages are server-rendered HTML, not API: the OpenAPI document need not
// list them.
var pages = regexp.MustCompile(`^/(|d/.*|i/.*|embed/.*|oembed|static/.*|favicon\.ico|manifest\.webmanifest|kelengkapan|completeness|unggah|unggah/simpan|unggah/isian|unggah/indikator|upload)$`)

// TestOpenAPIDocumentsEveryRoute walks the router and the document: every
// API and operational route must be documented, and every documented route
// must exist.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	st := testdb.SQLite(t)
	h := newHandler(t, st)
	engine, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("web.New returned %T, not the gin engine whose routes this test walks", h)
	}
	doc := readDoc(t, h)
	documented := map[string]bool{}
	for path, methods := range doc.Paths {
		for m := range methods {
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	param := regexp.MustCompile(`[:*]([A-Za-z_]+)`)
	routed := map[string]bool{}
	var missing []string
	for _, r := range engine.Routes() {
		if pages.MatchString(r.Path) {
			continue
		}
		key := r.Method + " " + param.ReplaceAllString(r.Path, "{$1}")
		routed[key] = true
		if !documented[key] {
			missing = append(missing, key)
		}
	}
	var stale []string
	for k := range documented {
		if !routed[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes missing from internal/web/openapi.json: %v", missing)
	}
	if len(stale) > 0 {
		t.Errorf("openapi.json documents routes the router does not have: %v", stale)
	}
}

func readDoc(t *testing.T, h http.Handler) openAPIDoc {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var doc openAPIDoc
	if rec.Code != 200 {
		t.Fatalf("openapi.json: status %d", rec.Code)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// TestOpenAPIContract calls every documented GET with its examples over
// real HTTP on both databases: the status must be one the document lists
// for it, JSON answers must parse, and errors must have the error shape.
// The docs page must list every path.
func TestOpenAPIContract(t *testing.T) {
	demoServers(t, func(t *testing.T, base string) {
		resp, err := http.Get(base + "/api/v1/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var doc openAPIDoc
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		// The document itself must be valid OpenAPI 3, and every answer
		// below is validated against its schemas.
		spec, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := spec.Validate(context.Background()); err != nil {
			t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
		}
		spec.Servers = nil // match any host: the test server's port is random
		router, err := legacy.NewRouter(spec)
		if err != nil {
			t.Fatal(err)
		}
		code, _, docsPage := fetch(t, base+"/api/docs")
		if code != 200 {
			t.Fatalf("/api/docs: %d", code)
		}
		for path, methods := range doc.Paths {
			if !strings.Contains(docsPage, ">"+path+"</h2>") {
				t.Errorf("/api/docs does not show %s", path)
			}
			op, ok := methods["get"]
			if !ok {
				continue
			}
			u, q := path, url.Values{}
			for _, p := range op.Parameters {
				if p.Example == nil {
					continue
				}
				v := fmt.Sprint(p.Example)
				if p.In == "path" {
					u = strings.ReplaceAll(u, "{"+p.Name+"}", v)
				} else if p.Required || strings.HasPrefix(path, "/api/v1/export") {
					q.Set(p.Name, v)
				}
			}
			if len(q) > 0 {
				u += "?" + q.Encode()
			}
			status, h, body := fetch(t, base+u)
			if _, ok := op.Responses[fmt.Sprint(status)]; !ok {
				t.Errorf("GET %s: status %d not documented (%s)", u, status, firstLine(body))
				continue
			}
			// Only JSON bodies are checked against schemas; CSV and HTML
			// are checked by their own tests.
			if err := checkAnswer(router, httptest.NewRequest(http.MethodGet, u, nil), status, h, body, false); err != nil {
				t.Errorf("GET %s: %v", u, err)
				continue
			}
			if strings.HasPrefix(h.Get("Content-Type"), "application/json") {
				var v map[string]any
				var arr []any
				if json.Unmarshal([]byte(body), &v) != nil && json.Unmarshal([]byte(body), &arr) != nil {
					t.Errorf("GET %s: body is not JSON", u)
				}
				if status >= 400 {
					e, _ := v["error"].(map[string]any)
					if e == nil || e["code"] == nil || e["message"] == nil {
						t.Errorf("GET %s: error body %s", u, body)
					}
				}
			}
		}
	})
}
