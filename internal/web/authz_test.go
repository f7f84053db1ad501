package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// The columns of the authorization matrix: who makes the request.
const (
	colNone       = iota // no credentials, no cookies at all
	colExpired           // an administrator's session cookie, expired
	colRevoked           // a revoked agency token
	colOtherToken        // another agency's token (dinkes-banyuasin)
	colToken             // the uploader's own agency token (bps-banyuasin)
	colPublic            // a browser without login that has seen the login form
	colPlanner           // logged-in planner
	colUploader          // logged-in uploader of bps-banyuasin
	colAdmin             // logged-in administrator
	nCols
)

var colNames = [nCols]string{"none", "expired-session", "revoked-token", "other-agency-token", "own-token", "public", "planner", "uploader", "admin"}

// want is an expected answer: a status and, for redirects, where to.
type want struct {
	code int
	loc  string
}

func (w want) String() string {
	if w.loc != "" {
		return fmt.Sprintf("%d→%s", w.code, w.loc)
	}
	return fmt.Sprint(w.code)
}

var (
	s200, s400, s401, s403 = want{code: 200}, want{code: 400}, want{code: 401}, want{code: 403}
	toLogin                = want{303, "/masuk"}
)

// everyone: any principal may; a dead token is refused on every route.
func everyone(ok want) [nCols]want {
	return [nCols]want{ok, ok, s401, ok, ok, ok, ok, ok, ok}
}

// viewers: those who may see bps-banyuasin's submissions — its token
// and uploader, planners, administrators; other is the other agency's
// token's answer. The public gets 401.
func viewers(other, ok want) [nCols]want {
	return [nCols]want{s401, s401, s401, other, ok, s401, ok, ok, ok}
}

// cellSubmission is a submission made for the current cell alone (for
// routes that close the submission they are given).
var cellSubmission int64

// loggedInPage: a page for people with an account; the others are sent
// to the login page.
func loggedInPage(ok want) [nCols]want {
	return [nCols]want{toLogin, toLogin, s401, toLogin, toLogin, toLogin, ok, ok, ok}
}

// adminAPI: administrators only; 401 without credentials, 403 otherwise.
func adminAPI(ok want) [nCols]want {
	return [nCols]want{s401, s401, s401, s403, s403, s401, s403, s403, ok}
}

// adminPage: administration pages; people without an account are sent to
// the login page, logged-in people of other roles get 403.
func adminPage(ok want) [nCols]want {
	return [nCols]want{toLogin, toLogin, s401, toLogin, toLogin, toLogin, s403, s403, ok}
}

// call is one request of a row; fresh is a token made for this cell
// alone (for routes that destroy what they are given).
type call struct {
	method, url, contentType string
	body                     []byte
}

type rule struct {
	req  func(fresh int64) call
	want [nCols]want
}

func getReq(u string) func(int64) call {
	return func(int64) call { return call{method: "GET", url: u} }
}

func jsonReq(method, u, body string) func(int64) call {
	return func(int64) call {
		return call{method: method, url: u, contentType: "application/json", body: []byte(body)}
	}
}

func form(method, u string, v url.Values) func(int64) call {
	return func(int64) call {
		return call{method: method, url: u, contentType: "application/x-www-form-urlencoded", body: []byte(v.Encode())}
	}
}

// multipartCSV is a form with one CSV file and no agency token.
func multipartCSV() (string, []byte) {
	b, ct := fileForm("kemiskinan.csv", uploadCSV)
	return ct, b.Bytes()
}

// uploadCSV names one indicator of bps-banyuasin.
// scopeRules are uploads the matrix sends beyond each route's one: the
// targets of plans, which belong to the plan's owner (issue 21.9). The
// instance is Banyuasin's: its agencies own the regency's RPJMD, and no
// one but an administrator (or a token given the plan) writes the RPJMN.
var scopeRules = []struct {
	name string
	rule
}{
	{"an RPJMN target", rule{func(int64) call {
		return call{"POST", "/api/v1/uploads?dry_run=true&targets=true", "text/csv",
			[]byte("rencana;kode_indikator;kode_wilayah;tahun;nilai\nrpjmn-2025-2029;kemiskinan;ID;2029;25\n")}
	}, [nCols]want{s401, s401, s401, s403, s403, s401, s403, s403, s200}}},
	{"an RPJMD Banyuasin target", rule{func(int64) call {
		return call{"POST", "/api/v1/uploads?dry_run=true&targets=true", "text/csv",
			[]byte("rencana;kode_indikator;kode_wilayah;tahun;nilai\nrpjmd-banyuasin-2025-2029;kemiskinan;16.07;2029;9\n")}
	}, [nCols]want{s401, s401, s401, s403, s200, s401, s403, s200, s200}}},
}

const uploadCSV = "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2024;10,5\n"

// loginCSRF is the double-submit token the browser columns carry.
const loginCSRF = "0123456789abcdef0123456789abcdef-login"

// policy is who may call which route, with the status each gets. Every
// route of the router must have an entry: a new route without one fails
// TestAuthorizationMatrix.
var policy = map[string]rule{
	"GET /healthz":      {getReq("/healthz"), everyone(s200)},
	"GET /readyz":       {getReq("/readyz"), everyone(s200)},
	"GET /metrics":      {getReq("/metrics"), everyone(s200)},
	"GET /":             {getReq("/"), everyone(s200)},
	"GET /kelengkapan":  {getReq("/kelengkapan"), everyone(s200)},
	"GET /completeness": {getReq("/completeness"), everyone(s200)},
	"GET /d/:dashboard": {getReq("/d/makro-banyuasin"), everyone(s200)},
	"GET /i/:indicator": {getReq("/i/kemiskinan?region=16.07"), everyone(s200)},
	"GET /static/:file": {getReq("/static/LICENSE-echarts"), everyone(s200)},
	// Embeds are public pages for other sites; oEmbed answers for this host only.
	"GET /embed/i/:indicator":        {getReq("/embed/i/kemiskinan?region=16.07"), everyone(s200)},
	"GET /embed/d/:dashboard/:panel": {getReq("/embed/d/makro-banyuasin/kemiskinan"), everyone(s200)},
	"GET /static/embed.js":           {getReq("/static/embed.js"), everyone(s200)},
	"GET /favicon.ico":               {getReq("/favicon.ico"), everyone(s200)},
	"GET /static/icon.svg":           {getReq("/static/icon.svg"), everyone(s200)},
	"GET /static/icon-192.png":       {getReq("/static/icon-192.png"), everyone(s200)},
	"GET /static/icon-512.png":       {getReq("/static/icon-512.png"), everyone(s200)},
	"GET /manifest.webmanifest":      {getReq("/manifest.webmanifest"), everyone(s200)},
	"GET /oembed":                    {getReq("/oembed?url=http%3A%2F%2Fexample.org%2Fi%2Fkemiskinan"), everyone(want{code: 404})},
	"GET /api/docs":                  {getReq("/api/docs"), everyone(s200)},

	// The upload page takes a logged-in uploader or administrator, or the
	// agency token typed into the form (none here): 401 without either, 403
	// for a planner. Its preview is a dry run (200).
	"GET /unggah": {getReq("/unggah"), everyone(s200)},
	"GET /upload": {getReq("/upload"), everyone(s200)},
	"POST /unggah": {func(int64) call { ct, b := multipartCSV(); return call{"POST", "/unggah", ct, b} },
		[nCols]want{s401, s401, s401, s401, s401, s401, s403, s200, s200}},
	"POST /unggah/simpan": {form("POST", "/unggah/simpan", url.Values{"id": {"00000000000000000000000000000000"}}),
		everyone(want{code: http.StatusGone})},
	// A wide table's indicator chosen on its refusal: the kept file is
	// unknown here, whoever asks. The grid form is anyone's to see; sending
	// it is an upload, taken as POST /unggah takes one.
	"POST /unggah/indikator": {form("POST", "/unggah/indikator", url.Values{"pending": {"00000000000000000000000000000000"}, "indicator": {"kemiskinan"}}),
		everyone(want{code: http.StatusGone})},
	// A template to fill in: an uploader's own agency's indicators, an
	// administrator's any; a planner uploads nothing (403).
	"GET /unggah/templat": {getReq("/unggah/templat?indicator=kemiskinan&format=csv"),
		[nCols]want{toLogin, toLogin, s401, toLogin, toLogin, toLogin, s403, s200, s200}},
	"GET /upload/template": {getReq("/upload/template?indicator=kemiskinan&format=xlsx"),
		[nCols]want{toLogin, toLogin, s401, toLogin, toLogin, toLogin, s403, s200, s200}},
	"GET /unggah/isian": {getReq("/unggah/isian?indicator=kemiskinan&tahun=2024"), everyone(s200)},
	"POST /unggah/isian": {form("POST", "/unggah/isian", url.Values{"indicator": {"kemiskinan"}, "tahun": {"2024"}, "nilai_16.07": {"10,5"}}),
		[nCols]want{s401, s401, s401, s401, s401, s401, s403, s200, s200}},

	// Accounts.
	"GET /masuk": {getReq("/masuk"), [nCols]want{s200, s200, s401, s200, s200, s200, {303, "/akun"}, {303, "/akun"}, {303, "/akun"}}},
	// A wrong password: 401 for a browser that carries the form's
	// double-submit cookie, 403 (CSRF) for a client without it.
	"POST /masuk": {form("POST", "/masuk", url.Values{"email": {"nobody@example.id"}, "password": {"salah-salah-salah"}, "csrf_token": {loginCSRF}}),
		[nCols]want{s403, s401, s401, s403, s403, s401, s401, s401, s401}},
	"GET /keluar":  {getReq("/keluar"), [nCols]want{{303, "/"}, {303, "/"}, s401, {303, "/"}, {303, "/"}, {303, "/"}, s200, s200, s200}},
	"POST /keluar": {form("POST", "/keluar", nil), loggedInPage(want{303, "/"})},
	"GET /akun":    {getReq("/akun"), loggedInPage(s200)},
	// Different new passwords: the form again with 400, for anyone logged in.
	"POST /akun/sandi": {form("POST", "/akun/sandi", url.Values{"current_password": {"x"}, "new_password": {"kata-sandi-baru-1"}, "confirm_password": {"kata-sandi-baru-2"}}),
		loggedInPage(s400)},

	// Open data.
	"GET /api/v1/indicators":           {getReq("/api/v1/indicators"), everyone(s200)},
	"GET /api/v1/indicators/:code":     {getReq("/api/v1/indicators/kemiskinan"), everyone(s200)},
	"GET /api/v1/regions":              {getReq("/api/v1/regions"), everyone(s200)},
	"GET /api/v1/regions/:code":        {getReq("/api/v1/regions/16.07"), everyone(s200)},
	"GET /api/v1/series":               {getReq("/api/v1/series?indicator=kemiskinan&region=16.07"), everyone(s200)},
	"GET /api/v1/boundaries":           {getReq("/api/v1/boundaries?parent=16.07"), everyone(s200)},
	"GET /api/v1/progress":             {getReq("/api/v1/progress?indicator=kemiskinan&region=16.07"), everyone(s200)},
	"GET /api/v1/disparity":            {getReq("/api/v1/disparity?indicator=kemiskinan&parent=16.07"), everyone(s200)},
	"GET /api/v1/alignment":            {getReq("/api/v1/alignment?indicator=kemiskinan&region=16.07"), everyone(s200)},
	"GET /api/v1/targets":              {getReq("/api/v1/targets?indicator=kemiskinan&region=16.07"), everyone(s200)},
	"GET /api/v1/observations/history": {getReq("/api/v1/observations/history?indicator=kemiskinan&region=16.07&year=2024"), everyone(s200)},
	"GET /api/v1/openapi.json":         {getReq("/api/v1/openapi.json"), everyone(s200)},
	"GET /api/v1/export":               {getReq("/api/v1/export"), everyone(s200)},
	"GET /api/v1/export/metadata":      {getReq("/api/v1/export/metadata"), everyone(s200)},
	"GET /api/v1/changes":              {getReq("/api/v1/changes?since=0"), everyone(s200)},
	"GET /api/v1/completeness":         {getReq("/api/v1/completeness"), everyone(s200)},
	"GET /api/v1/uploads/:id":          {getReq("/api/v1/uploads/1"), everyone(s200)},
	"GET /api/v1/uploads/:id/file":     {getReq("/api/v1/uploads/1/file"), everyone(s200)},

	// Uploads: an agency's token or uploader for its own indicators, or an
	// administrator. The file names a bps-banyuasin indicator: another
	// agency's token gets 403, and so does a planner.
	"POST /api/v1/uploads": {func(int64) call {
		return call{"POST", "/api/v1/uploads?dry_run=true", "text/csv", []byte(uploadCSV)}
	}, [nCols]want{s401, s401, s401, s403, s200, s401, s403, s200, s200}},

	// Review. Submission 1 (and each cell's fresh one, cellSubmission)
	// was sent by bps-banyuasin: planners, the walidata (administrators)
	// and that agency see it; the other agency does not. Only the walidata
	// publishes or returns; the agency or the walidata withdraws; people,
	// not tokens, comment.
	"GET /api/v1/submissions":          {getReq("/api/v1/submissions"), viewers(s200, s200)},
	"GET /api/v1/submissions/:id":      {getReq("/api/v1/submissions/1?preview=true"), viewers(s403, s200)},
	"GET /api/v1/submissions/:id/file": {getReq("/api/v1/submissions/1/file"), viewers(s403, s200)},
	"POST /api/v1/submissions/:id/publish": {func(int64) call {
		return call{method: "POST", url: fmt.Sprintf("/api/v1/submissions/%d/publish", cellSubmission)}
	}, [nCols]want{s401, s401, s401, s403, s403, s401, s403, s403, {code: 201}}},
	"POST /api/v1/submissions/:id/return": {func(int64) call {
		return call{"POST", fmt.Sprintf("/api/v1/submissions/%d/return", cellSubmission), "application/json", []byte(`{"note":"kolom tahun salah"}`)}
	}, [nCols]want{s401, s401, s401, s403, s403, s401, s403, s403, s200}},
	"POST /api/v1/submissions/:id/withdraw": {func(int64) call {
		return call{method: "POST", url: fmt.Sprintf("/api/v1/submissions/%d/withdraw", cellSubmission)}
	}, [nCols]want{s401, s401, s401, s403, s200, s401, s403, s200, s200}},
	"POST /api/v1/submissions/:id/comments": {func(int64) call {
		return call{"POST", "/api/v1/submissions/1/comments", "application/json", []byte(`{"body":"angka 2024 sudah dicek"}`)}
	}, [nCols]want{s401, s401, s401, s403, s403, s401, {code: 201}, {code: 201}, {code: 201}}},
	"GET /tinjau":     {getReq("/tinjau"), loggedInPage(s200)},
	"GET /tinjau/:id": {getReq("/tinjau/1"), loggedInPage(s200)},
	"POST /tinjau/:id/:action": {form("POST", "/tinjau/1/komentar", url.Values{"body": {"mohon cek baris 2"}}),
		loggedInPage(want{303, "/tinjau/1"})},

	// Accounts API.
	"GET /api/v1/me":     {getReq("/api/v1/me"), everyone(s200)},
	"GET /api/v1/audit":  {getReq("/api/v1/audit?limit=5"), adminAPI(s200)},
	"GET /api/v1/tokens": {getReq("/api/v1/tokens"), adminAPI(s200)},
	// Boundaries are imported by administrators (a dry run here).
	"POST /api/v1/boundaries": {func(int64) call {
		return call{"POST", "/api/v1/boundaries?dry_run=true", "application/geo+json", []byte(matrixBoundaries)}
	}, adminAPI(s200)},
	"DELETE /api/v1/tokens/:id": {func(fresh int64) call { return call{method: "DELETE", url: fmt.Sprintf("/api/v1/tokens/%d", fresh)} },
		adminAPI(s200)},

	// Administration of accounts and tokens. User 1 is the planner.
	"POST /api/v1/tokens":             {jsonReq("POST", "/api/v1/tokens", `{"agency":"dinkes-banyuasin","label":"matrix"}`), adminAPI(want{code: 201})},
	"GET /api/v1/users":               {getReq("/api/v1/users"), adminAPI(s200)},
	"POST /api/v1/users":              {jsonReq("POST", "/api/v1/users", `{"email":"matrix@bappeda.id","role":"planner"}`), adminAPI(want{code: 201})},
	"PATCH /api/v1/users/:id":         {jsonReq("PATCH", "/api/v1/users/1", `{"name":"Perencana"}`), adminAPI(s200)},
	"POST /api/v1/users/:id/password": {jsonReq("POST", "/api/v1/users/1/password", `{}`), adminAPI(s200)},
	"GET /admin/pengguna":             {getReq("/admin/pengguna"), adminPage(s200)},
	"POST /admin/pengguna":            {form("POST", "/admin/pengguna", url.Values{"email": {"halaman@bappeda.id"}, "role": {"planner"}}), adminPage(s200)},
	"POST /admin/pengguna/:id":        {form("POST", "/admin/pengguna/1", url.Values{"name": {"Perencana"}}), adminPage(want{303, "/admin/pengguna"})},
	"POST /admin/pengguna/:id/sandi":  {form("POST", "/admin/pengguna/1/sandi", nil), adminPage(s200)},
	"GET /admin/token":                {getReq("/admin/token"), adminPage(s200)},
	"POST /admin/token":               {form("POST", "/admin/token", url.Values{"agency": {"dinkes-banyuasin"}}), adminPage(s200)},
	"POST /admin/token/:id/cabut": {func(fresh int64) call {
		return form("POST", fmt.Sprintf("/admin/token/%d/cabut", fresh), nil)(fresh)
	}, adminPage(want{303, "/admin/token"})},

	// The catalogue: pages and API, administrators only.
	"GET /admin/katalog":                 {getReq("/admin/katalog?q=kemiskinan"), adminPage(s200)},
	"GET /admin/katalog/indikator/baru":  {getReq("/admin/katalog/indikator/baru"), adminPage(s200)},
	"GET /admin/katalog/indikator/:code": {getReq("/admin/katalog/indikator/kemiskinan"), adminPage(s200)},
	"POST /admin/katalog/indikator": {form("POST", "/admin/katalog/indikator", url.Values{"code": {"matrix_ind"}, "name_id": {"Indikator matriks"},
		"unit": {"persen"}, "polarity": {"higher"}}), adminPage(want{303, "/admin/katalog/indikator/matrix_ind"})},
	"POST /admin/katalog/indikator/:code": {form("POST", "/admin/katalog/indikator/ipm", url.Values{"name_id": {"Indeks Pembangunan Manusia"},
		"unit": {"indeks"}, "polarity": {"higher"}, "assess": {"true"}, "step": {"preview"}}), adminPage(s200)},
	"GET /admin/katalog/rencana": {getReq("/admin/katalog/rencana?amends=rpjmn-2025-2029"), adminPage(s200)},
	"POST /admin/katalog/rencana": {form("POST", "/admin/katalog/rencana", url.Values{"code": {"matrix-plan"}, "name": {"Rencana matriks"}, "kind": {"RKPD"},
		"level": {"kabupaten_kota"}, "region": {"16.07"}, "start_year": {"2026"}, "end_year": {"2026"}}), adminPage(want{303, "/admin/katalog/rencana"})},
	"GET /admin/katalog/wilayah": {getReq("/admin/katalog/wilayah?induk=16.07"), adminPage(s200)},
	"POST /admin/katalog/wilayah/:code": {form("POST", "/admin/katalog/wilayah/16.07?induk=16", url.Values{"bps_code": {"1607"}}),
		adminPage(want{303, "/admin/katalog/wilayah"})},
	"GET /admin/katalog/instansi":  {getReq("/admin/katalog/instansi"), adminPage(s200)},
	"POST /admin/katalog/instansi": {form("POST", "/admin/katalog/instansi", url.Values{"code": {"matrix-agency"}, "name": {"Instansi matriks"}}), adminPage(want{303, "/admin/katalog/instansi"})},
	"POST /admin/katalog/instansi/:code": {form("POST", "/admin/katalog/instansi/dinkes-banyuasin", url.Values{"name": {"Dinas Kesehatan Kabupaten Banyuasin"}}),
		adminPage(want{303, "/admin/katalog/instansi"})},
	"GET /api/v1/catalog":       {getReq("/api/v1/catalog"), adminAPI(s200)},
	"GET /api/v1/catalog/:kind": {getReq("/api/v1/catalog/plans"), adminAPI(s200)},
	"POST /api/v1/catalog": {func(int64) call {
		return call{"POST", "/api/v1/catalog?dry_run=true", "application/yaml", []byte("agencies:\n  - code: matrix-yaml\n    name: Instansi YAML\n")}
	}, adminAPI(s200)},
}

// matrixBoundaries is one kecamatan of Banyuasin, Kemendagri-style.
const matrixBoundaries = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kode":"16.07.01","nama":"Banyuasin I"},
"geometry":{"type":"Polygon","coordinates":[[[104.7,-2.9],[104.8,-2.9],[104.8,-2.8],[104.7,-2.9]]]}}]}`

// matrixFixture is the people and tokens of the matrix, on one server.
type matrixFixture struct {
	st                              *store.Store
	base                            string
	planner, uploader, admin        domain.User
	revoked, otherToken, ownToken   string
	client                          *http.Client
	routes                          gin.RoutesInfo
	expiredSession, expiredUnusable string
	submitted                       int
}

func newMatrixFixture(t *testing.T, url string) *matrixFixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, url)
	if err := demo.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	base, h := serveStore(t, st)
	f := &matrixFixture{st: st, base: base, routes: h.(*gin.Engine).Routes(),
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	mk := func(email string, role domain.Role, agency string) domain.User {
		u, err := st.CreateUser(ctx, domain.User{Email: email, Role: role, AgencyCode: agency}, "kata-sandi-panjang")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.planner = mk("perencana@bappeda.id", domain.RolePlanner, "")
	f.uploader = mk("staf@bps.id", domain.RoleUploader, "bps-banyuasin")
	f.admin = mk("admin@bappeda.id", domain.RoleAdmin, "")
	tok := func(agency string) (string, int64) {
		secret, t0, err := st.CreateToken(ctx, agency, "matrix")
		if err != nil {
			t.Fatal(err)
		}
		return secret, t0.ID
	}
	f.ownToken, _ = tok("bps-banyuasin")
	f.otherToken, _ = tok("dinkes-banyuasin")
	var id int64
	f.revoked, id = tok("bps-banyuasin")
	if _, err := st.RevokeToken(ctx, id, "test"); err != nil {
		t.Fatal(err)
	}
	if f.submit(t) != 1 {
		t.Fatal("the matrix's shared submission is not number 1")
	}
	return f
}

// submit sends a small file of bps-banyuasin's to review.
func (f *matrixFixture) submit(t *testing.T) int64 {
	t.Helper()
	// Each one a different file: the same file waits for review once.
	f.submitted++
	file := fmt.Sprintf("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2024;10,%02d\n", f.submitted%100)
	res, err := importer.Import(context.Background(), f.st, strings.NewReader(file), importer.Request{Review: true, Agency: "bps-banyuasin",
		Upload: domain.Upload{Filename: "kemiskinan.csv", AgencyCode: "bps-banyuasin", CreatedBy: "token:0:bps-banyuasin"}})
	if err != nil || res.Submission == nil {
		t.Fatalf("submit: %v %+v", err, res)
	}
	return res.Submission.ID
}

// session opens a fresh session for u (each cell gets its own: some
// routes end the session they are given).
func (f *matrixFixture) session(t *testing.T, u domain.User) (string, store.Session) {
	t.Helper()
	secret, sess, err := f.st.CreateSession(context.Background(), u.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return secret, sess
}

func (f *matrixFixture) expired(t *testing.T) string {
	t.Helper()
	secret, sess := f.session(t, f.admin)
	db := f.st.DB()
	if _, err := db.Exec(db.Rebind(`UPDATE sessions SET expires_at = ? WHERE id_hash = ?`), time.Now().UTC().Add(-time.Minute), sess.IDHash); err != nil {
		t.Fatal(err)
	}
	return secret
}

// do sends one cell's request as column col, from its own loopback
// address (127.0.row.col+1), so that the per-client rate limits of one
// cell do not spill into the next: the limits have tests of their own.
func (f *matrixFixture) do(t *testing.T, row, col int, c call) *http.Response {
	t.Helper()
	local := &net.TCPAddr{IP: net.IPv4(127, 0, byte(row), byte(col+1))}
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: f.client.CheckRedirect}
	req, err := http.NewRequest(c.method, f.base+c.url, bytes.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	asBrowser := func() { req.AddCookie(&http.Cookie{Name: "pantau_csrf", Value: loginCSRF}) }
	login := func(u domain.User) {
		secret, sess := f.session(t, u)
		asBrowser()
		req.AddCookie(&http.Cookie{Name: "pantau_session", Value: secret})
		if c.method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", sess.CSRF)
		}
	}
	switch col {
	case colExpired:
		asBrowser()
		req.AddCookie(&http.Cookie{Name: "pantau_session", Value: f.expired(t)})
	case colRevoked:
		req.Header.Set("Authorization", "Bearer "+f.revoked)
	case colOtherToken:
		req.Header.Set("Authorization", "Bearer "+f.otherToken)
	case colToken:
		req.Header.Set("Authorization", "Bearer "+f.ownToken)
	case colPublic:
		asBrowser()
	case colPlanner:
		login(f.planner)
	case colUploader:
		login(f.uploader)
	case colAdmin:
		login(f.admin)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestAuthorizationMatrix sends every route of gin's route table as every
// kind of principal and checks the status against the policy table, on
// SQLite and PostgreSQL. A route without a policy entry fails.
func TestAuthorizationMatrix(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			f := newMatrixFixture(t, testdb.URL(t, engine))
			var missing []string
			seen := map[string]bool{}
			for row, r := range f.routes {
				key := r.Method + " " + r.Path
				seen[key] = true
				p, ok := policy[key]
				if !ok {
					missing = append(missing, key)
					continue
				}
				for col := 0; col < nCols; col++ {
					// Each cell gets a token of its own to revoke.
					_, fresh, err := f.st.CreateToken(context.Background(), "dinkes-banyuasin", "fresh")
					if err != nil {
						t.Fatal(err)
					}
					if strings.HasPrefix(r.Path, "/api/v1/submissions/:id/") && r.Method == http.MethodPost {
						cellSubmission = f.submit(t)
					}
					c := p.req(fresh.ID)
					resp := f.do(t, row+1, col, c)
					w := p.want[col]
					loc := resp.Header.Get("Location")
					if resp.StatusCode != w.code || (w.loc != "" && strings.Split(strings.Split(loc, "?")[0], "#")[0] != w.loc) {
						t.Errorf("%s %s as %s: got %d %s, want %s", c.method, c.url, colNames[col], resp.StatusCode, loc, w)
					}
					if resp.StatusCode == http.StatusUnauthorized && strings.HasPrefix(r.Path, "/api/") && resp.Header.Get("WWW-Authenticate") == "" {
						t.Errorf("%s %s as %s: 401 without WWW-Authenticate", c.method, c.url, colNames[col])
					}
				}
			}
			for i, r := range scopeRules {
				for col := 0; col < nCols; col++ {
					c := r.req(0)
					resp := f.do(t, len(f.routes)+1+i, col, c)
					if w := r.want[col]; resp.StatusCode != w.code {
						t.Errorf("%s %s (%s) as %s: got %d, want %s", c.method, c.url, r.name, colNames[col], resp.StatusCode, w)
					}
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("routes without an entry in the authorization policy (internal/web/authz_test.go): %v", missing)
			}
			for key := range policy {
				if !seen[key] {
					// Routes being built on other branches may be listed
					// before they are routed; say so without failing.
					t.Logf("policy lists %s, which the router does not have", key)
				}
			}
		})
	}
}
