package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

// testMaxUpload is the upload limit of the test servers, small enough to
// cross in a test.
const testMaxUpload = 64 << 10

// uploadServer is a real HTTP server over the demo data, with a token for
// BPS Banyuasin (poverty, IPM, unemployment…) and one for the health office
// (stunting only).
type uploadServer struct {
	base        string
	st          *store.Store
	bps, health string
}

func uploadServers(t *testing.T, fn func(t *testing.T, srv uploadServer)) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := openDemo(t, engine)
			base, _ := serveStore(t, st, web.Options{MaxUploadBytes: testMaxUpload})
			srv := uploadServer{base: base, st: st}
			var err error
			if srv.bps, _, err = st.CreateToken(ctx, "bps-banyuasin", "test"); err != nil {
				t.Fatal(err)
			}
			if srv.health, _, err = st.CreateToken(ctx, "dinkes-banyuasin", "test"); err != nil {
				t.Fatal(err)
			}
			fn(t, srv)
		})
	}
}

// uploadAnswer is the part of the upload API's answer the tests read.
type uploadAnswer struct {
	Upload struct {
		ID int64 `json:"id"`
	} `json:"upload"`
	Counts struct {
		New, Changed, Unchanged, Missing, Rejected int
	} `json:"counts"`
	Accepted bool   `json:"accepted"`
	DryRun   bool   `json:"dry_run"`
	SHA256   string `json:"sha256"`
	Dialect  struct {
		Delimiter, Decimal, Layout string
		Columns                    []struct {
			Name         string `json:"name"`
			PercentCells int    `json:"percent_cells"`
		} `json:"columns"`
	} `json:"dialect"`
	Errors   []rowError `json:"errors"`
	Warnings []rowError `json:"warnings"`
	Changes  []struct {
		Region string   `json:"region"`
		Year   int      `json:"year"`
		Kind   string   `json:"kind"`
		Line   int      `json:"line"`
		Old    *float64 `json:"old_value"`
		New    float64  `json:"new_value"`
	} `json:"changes"`
	FileURL         string             `json:"file_url"`
	Submission      *domain.Submission `json:"submission"`
	NothingToReview bool               `json:"nothing_to_review"`
}

type rowError struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

type uploadReply struct {
	Data  uploadAnswer `json:"data"`
	Error struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

// post sends a CSV body to the upload API.
func (srv uploadServer) post(t *testing.T, token, query, body string) (int, uploadReply, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads?"+query, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

// do sends req and decodes the upload API's answer.
func do(t *testing.T, req *http.Request) (int, uploadReply, http.Header) {
	t.Helper()
	return doAs(t, http.DefaultClient, req)
}

// doAs is do through client (with its cookies).
func doAs(t *testing.T, client *http.Client, req *http.Request) (int, uploadReply, http.Header) {
	t.Helper()
	var r uploadReply
	status, h := decodeAnswer(t, client, req, &r)
	return status, r, h
}

// decodeAnswer sends req through client and decodes its JSON answer into
// v; an answer that is not JSON fails the test.
func decodeAnswer(t *testing.T, client *http.Client, req *http.Request, v any) (int, http.Header) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s %s: %d %v: %s", req.Method, req.URL, resp.StatusCode, err, raw)
	}
	return resp.StatusCode, resp.Header
}

// dataVersion is the store's data version, which every import moves.
func (srv uploadServer) dataVersion(t *testing.T) int64 {
	t.Helper()
	v, err := srv.st.DataVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// extremePoverty is the public series of kemiskinan_ekstrem in 16.07 (no
// disaggregation) as year:value@upload:line, for comparing before and
// after.
func (srv uploadServer) extremePoverty(t *testing.T) string {
	var s struct {
		Data struct {
			Observations []struct {
				Year           int     `json:"year"`
				Value          float64 `json:"value"`
				Disaggregation string  `json:"disaggregation"`
				Line           int     `json:"line"`
				UploadID       int64   `json:"upload_id"`
			} `json:"observations"`
		} `json:"data"`
	}
	get(t, srv.base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s)
	var parts []string
	for _, o := range s.Data.Observations {
		if o.Disaggregation == "" {
			parts = append(parts, fmt.Sprintf("%d:%g@%d:%d", o.Year, o.Value, o.UploadID, o.Line))
		}
	}
	return strings.Join(parts, " ")
}

const povertyHeader = "kode_wilayah;kode_indikator;tahun;nilai\n"

// TestUploadAPI walks an agency's uploads over real HTTP on both databases.
func TestUploadAPI(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		before := srv.extremePoverty(t)
		changed := povertyHeader + "16.07;kemiskinan_ekstrem;2024;0,50\n16.07;kemiskinan_ekstrem;2025;0,40\n"

		// Refusals first: none of them may store anything.
		for _, tt := range []struct {
			name, token, query, body string
			status                   int
			code                     string
		}{
			{name: "no token", body: changed, status: 401, code: "unauthorized"},
			{name: "bad token", token: "pantau_nope", body: changed, status: 401, code: "unauthorized"},
			{name: "another agency's indicator", token: srv.health, body: changed, status: 403, code: "forbidden"},
			{name: "bad flag", token: srv.bps, query: "dry_run=perhaps", body: changed, status: 400, code: "invalid"},
			{name: "bad decimal", token: srv.bps, query: "decimal=x", body: changed, status: 400, code: "invalid"},
			{name: "empty file", token: srv.bps, body: "", status: 422, code: "rejected"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				status, r, h := srv.post(t, tt.token, tt.query, tt.body)
				if status != tt.status || r.Error.Code != tt.code {
					t.Fatalf("%d %+v, want %d %s", status, r.Error, tt.status, tt.code)
				}
				if status == 401 && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %v", h)
				}
				if status == 403 && (!strings.Contains(r.Error.Message, "kemiskinan_ekstrem") || !strings.Contains(string(r.Error.Details), "kemiskinan_ekstrem")) {
					t.Errorf("403 does not name the indicator: %+v", r.Error)
				}
			})
		}

		// A rejected file lists every bad row with line, column and value.
		status, r, _ := srv.post(t, srv.bps, "lang=en", povertyHeader+"16.07;kemiskinan_ekstrem;2025;0,40\n16.07;kemiskinan_ekstrem;2026;abc\n99.99;kemiskinan_ekstrem;2026;1\n")
		var rejected uploadAnswer
		if err := json.Unmarshal(r.Error.Details, &rejected); err != nil || status != 422 || r.Error.Code != "rejected" {
			t.Fatalf("rejected file: %d %+v %v", status, r.Error, err)
		}
		if len(rejected.Errors) != 2 || rejected.Errors[0].Line != 3 || rejected.Errors[0].Column != "nilai" || rejected.Errors[0].Value != "abc" ||
			rejected.Errors[1].Line != 4 || rejected.Counts.Rejected != 2 || rejected.Accepted || rejected.Dialect.Delimiter != ";" {
			t.Errorf("rejected file's report: %+v", rejected)
		}

		// A dry run shows what would change and changes nothing.
		status, r, _ = srv.post(t, srv.bps, "dry_run=true", changed)
		if status != 200 || !r.Data.DryRun || !r.Data.Accepted || r.Data.Counts.New != 1 || r.Data.Counts.Changed != 1 || r.Data.Upload.ID != 0 {
			t.Fatalf("dry run: %d %+v", status, r)
		}
		kinds := map[string]string{}
		for _, c := range r.Data.Changes {
			old := "-"
			if c.Old != nil {
				old = fmt.Sprint(*c.Old)
			}
			kinds[fmt.Sprint(c.Year)] = fmt.Sprintf("%s %s→%g line %d", c.Kind, old, c.New, c.Line)
		}
		if kinds["2024"] != "changed 0.49→0.5 line 2" || kinds["2025"] != "new -→0.4 line 3" {
			t.Errorf("dry-run changes: %v", kinds)
		}
		if got := srv.extremePoverty(t); got != before {
			t.Fatalf("dry run changed the series: %s → %s", before, got)
		}

		// Commit: 201, and the file is kept byte for byte.
		status, r, h := srv.post(t, srv.bps, "", changed)
		if status != 201 || !r.Data.Accepted || r.Data.Upload.ID == 0 || r.Data.Counts.New != 1 || r.Data.Counts.Changed != 1 {
			t.Fatalf("commit: %d %+v", status, r)
		}
		id := r.Data.Upload.ID
		if r.Data.SHA256 != sha256Hex(changed) || h.Get("Location") != fmt.Sprintf("/api/v1/uploads/%d", id) {
			t.Errorf("commit: sha256 %s, Location %q", r.Data.SHA256, h.Get("Location"))
		}
		var detail struct {
			Data struct {
				ID      int64           `json:"id"`
				Agency  string          `json:"agency"`
				SHA256  string          `json:"sha256"`
				Dialect json.RawMessage `json:"dialect"`
				New     int             `json:"new"`
			} `json:"data"`
		}
		get(t, fmt.Sprintf("%s/api/v1/uploads/%d", srv.base, id), &detail)
		if detail.Data.SHA256 != r.Data.SHA256 || detail.Data.Agency != "bps-banyuasin" || detail.Data.New != 1 || !strings.Contains(string(detail.Data.Dialect), `"delimiter":";"`) {
			t.Errorf("upload detail: %+v %s", detail.Data, detail.Data.Dialect)
		}
		resp, err := http.Get(srv.base + r.Data.FileURL)
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(kept) != changed || sha256Hex(string(kept)) != detail.Data.SHA256 ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || resp.Header.Get("Repr-Digest") == "" {
			t.Errorf("kept file: %d %q %v", resp.StatusCode, kept, resp.Header)
		}
		// Every stored value names its upload and line.
		if got, want := srv.extremePoverty(t), fmt.Sprintf("2024:0.5@%d:2 2025:0.4@%d:3", id, id); !strings.HasSuffix(got, want) {
			t.Errorf("series %s, want it to end with %s", got, want)
		}

		// The same file again changes nothing.
		status, r, _ = srv.post(t, srv.bps, "", changed)
		if status != 201 || r.Data.Counts.New != 0 || r.Data.Counts.Changed != 0 || r.Data.Counts.Unchanged != 2 {
			t.Errorf("re-upload: %d %+v", status, r.Data.Counts)
		}

		// A changed upload writes a revision the history shows; a jump
		// against the stored year before (4,5 is ten times 0,45) is a
		// warning, not an error: refused until it is confirmed, then stored.
		jump := povertyHeader + "16.07;kemiskinan_ekstrem;2025;0,45\n16.07;kemiskinan_ekstrem;2026;4,5\n"
		if status, r, _ := srv.post(t, srv.bps, "lang=en", jump); status != 422 || r.Error.Code != "warnings" {
			t.Fatalf("unconfirmed jump: %d %+v", status, r.Error)
		}
		status, r, _ = srv.post(t, srv.bps, "lang=en&confirm_warnings=true", jump)
		if status != 201 || r.Data.Counts.Changed != 1 || r.Data.Counts.New != 1 || len(r.Data.Warnings) == 0 || r.Data.Warnings[0].Line != 3 {
			t.Fatalf("changed upload: %d %+v", status, r.Data)
		}
		var hist struct {
			Data []struct {
				Year        int     `json:"year"`
				OldValue    float64 `json:"old_value"`
				NewValue    float64 `json:"new_value"`
				OldUploadID int64   `json:"old_upload_id"`
				UploadID    int64   `json:"upload_id"`
			} `json:"data"`
		}
		get(t, srv.base+"/api/v1/observations/history?indicator=kemiskinan_ekstrem&region=16.07", &hist)
		revs := map[int]string{}
		for _, h := range hist.Data {
			revs[h.Year] = fmt.Sprintf("%g→%g", h.OldValue, h.NewValue)
		}
		if revs[2024] != "0.49→0.5" || revs[2025] != "0.4→0.45" || len(hist.Data) != 2 {
			t.Errorf("history: %+v", hist.Data)
		}

		// A multipart form carries the file and its options.
		body, ct := fileForm(`C:\Data\kemiskinan wide.csv`, "kode_wilayah;nama_wilayah;2023;2024\n16.07;Kab. Banyu Asin;0,56;0,49\n",
			"dry_run", "true", "indicator", "kemiskinan_ekstrem")
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+srv.bps)
		status, r, _ = do(t, req)
		if status != 200 || r.Data.Dialect.Layout != "wide" || r.Data.Counts.Unchanged != 1 || r.Data.Counts.Changed != 1 { // 2024 is 0.5 by now
			t.Errorf("multipart wide dry run: %d %+v %+v", status, r.Data, r.Error)
		}
	})
}

// TestUploadLimits: bodies over the limit are refused with 413 before they
// are read whole, whether they announce their length or not.
func TestUploadLimits(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		big := povertyHeader + strings.Repeat("16.07;kemiskinan_ekstrem;2025;0,40\n", testMaxUpload/30)
		for _, tt := range []struct {
			name    string
			chunked bool
			path    string
		}{
			{name: "Content-Length", path: "/api/v1/uploads"},
			{name: "chunked", chunked: true, path: "/api/v1/uploads"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var r io.Reader = strings.NewReader(big)
				if tt.chunked {
					r = io.MultiReader(r) // hides the length: sent chunked
				}
				req, _ := http.NewRequest(http.MethodPost, srv.base+tt.path, r)
				req.Header.Set("Authorization", "Bearer "+srv.bps)
				req.Header.Set("Content-Type", "text/csv")
				status, reply, _ := do(t, req)
				if status != 413 || reply.Error.Code != "too_large" {
					t.Errorf("%d %+v", status, reply.Error)
				}
			})
		}
		var n int
		srv.st.DB().Get(&n, `SELECT count(*) FROM upload_files`)
		var demoFiles int
		srv.st.DB().Get(&demoFiles, `SELECT count(DISTINCT sha256) FROM uploads WHERE sha256 <> ''`)
		if n != demoFiles {
			t.Errorf("%d files kept, %d uploads with files", n, demoFiles)
		}
	})
}

// TestUploadPage: choose a file, see the preview, confirm — with plain forms.
func TestUploadPage(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		page := func(method, path string, body io.Reader, contentType string) (int, string) {
			req, _ := http.NewRequest(method, srv.base+path, body)
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s: %s", method, path, resp.Header.Get("Content-Type"))
			}
			return resp.StatusCode, string(b)
		}
		for _, tt := range []struct{ path, want string }{
			{"/unggah", "Unggah data indikator"},
			{"/upload?lang=en", "Upload indicator data"},
		} {
			if status, html := page("GET", tt.path, nil, ""); status != 200 || !strings.Contains(html, tt.want) || !strings.Contains(html, `type="file"`) {
				t.Errorf("%s: %d lacks %q", tt.path, status, tt.want)
			}
		}
		// Large files show their progress: the page loads its script (allowed
		// by its policy), which the server serves as JavaScript.
		resp, err := http.Get(srv.base + "/unggah")
		if err != nil {
			t.Fatal(err)
		}
		formPage, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		script := regexp.MustCompile(`<script src="(/static/pantau-upload-[0-9a-f]{12}\.js)" defer></script>`).FindSubmatch(formPage)
		if script == nil || !strings.Contains(string(formPage), `<progress id="upload-progress"`) {
			t.Fatalf("upload page lacks its progress bar or script")
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("upload page policy %q", csp)
		}
		js, err := http.Get(srv.base + string(script[1]))
		if err != nil {
			t.Fatal(err)
		}
		jsBody, _ := io.ReadAll(js.Body)
		js.Body.Close()
		if js.StatusCode != 200 || !strings.HasPrefix(js.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(jsBody), "upload.onprogress") {
			t.Errorf("progress script: %d %s", js.StatusCode, js.Header.Get("Content-Type"))
		}
		form := func(token, csv string) (io.Reader, string) {
			return fileForm("kemiskinan.csv", csv, "token", token, "decimal", "")
		}
		// A bad token, a bad file: the page says so, stores nothing.
		body, ct := form("pantau_wrong", povertyHeader+"16.07;kemiskinan_ekstrem;2025;0,40\n")
		if status, html := page("POST", "/unggah", body, ct); status != 401 || !strings.Contains(html, "Token tidak dikenal") {
			t.Errorf("bad token: %d", status)
		}
		body, ct = form(srv.bps, povertyHeader+"16.07;kemiskinan_ekstrem;2025;abc\n")
		status, html := page("POST", "/unggah?lang=en", body, ct)
		if status != 422 || !strings.Contains(html, `<tr class="err"><td>2</td><td>nilai</td>`) || strings.Contains(html, `name="pending"`) {
			t.Errorf("rejected file: %d\n%s", status, html)
		}
		// A good file: preview with old → new in Indonesian numbers, then confirm.
		body, ct = form(srv.bps, povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,47\n16.07;kemiskinan_ekstrem;2025;0,40\n")
		status, html = page("POST", "/unggah", body, ct)
		if status != 200 || !strings.Contains(html, "0,49 → <strong>0,47</strong>") || !strings.Contains(html, "<strong>0,4</strong>") {
			t.Fatalf("preview: %d\n%s", status, html)
		}
		if got := srv.extremePoverty(t); strings.Contains(got, "0.47") {
			t.Fatalf("the preview stored %s", got)
		}
		m := regexp.MustCompile(`name="pending" value="([0-9a-f]{32})"`).FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("no confirm form:\n%s", html)
		}
		confirm := url.Values{"pending": {m[1]}}.Encode()
		status, html = page("POST", "/unggah/simpan", strings.NewReader(confirm), "application/x-www-form-urlencoded")
		if status != 201 || !strings.Contains(html, "Tersimpan sebagai unggahan") {
			t.Fatalf("confirm: %d\n%s", status, html)
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, "2024:0.47") || !strings.Contains(got, "2025:0.4") {
			t.Errorf("after confirming: %s", got)
		}
		// A preview is confirmed once.
		if status, html := page("POST", "/unggah/simpan", strings.NewReader(confirm), "application/x-www-form-urlencoded"); status != 410 || !strings.Contains(html, "kedaluwarsa") {
			t.Errorf("second confirm: %d", status)
		}
	})
}

// pageClient sends the upload page's forms as a browser without scripts
// does, and returns the status and the HTML.
type pageClient struct {
	t    *testing.T
	base string
}

func (pc pageClient) do(method, path string, body io.Reader, contentType string) (int, string) {
	pc.t.Helper()
	req, _ := http.NewRequest(method, pc.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		pc.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		pc.t.Errorf("%s %s: %s", method, path, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, string(b)
}

// file posts a file through the upload form, with fields.
func (pc pageClient) file(path, name string, content []byte, fields map[string]string) (int, string) {
	pc.t.Helper()
	var kv []string
	for k, v := range fields {
		kv = append(kv, k, v)
	}
	b, ct := fileForm(name, string(content), kv...)
	return pc.do("POST", path, b, ct)
}

// fileForm is a multipart form as a browser or curl -F sends it: the
// fields (name, value, … in order), then a file named name holding
// content. It returns the body and its content type.
func fileForm(name, content string, fields ...string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (pc pageClient) form(path string, v url.Values) (int, string) {
	pc.t.Helper()
	return pc.do("POST", path, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
}

var pendingID = regexp.MustCompile(`name="pending" value="([0-9a-f]{32})"`)

// workbook is a real .xlsx, as Excel saves one.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"kode_wilayah", "kode_indikator", "tahun", "nilai"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"16.07", "kemiskinan_ekstrem", 2024, 0.47})
	return workbookBytes(t, f)
}

// TestUploadPageRefusals: a file refused as a whole says why and what to
// do, on the page, in the page's language — never "fix the rows below"
// with no rows; a wide table that names no indicator offers the agency's
// indicators and is checked again, as it was sent, with the one chosen.
func TestUploadPageRefusals(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		pc := pageClient{t: t, base: srv.base}
		token := map[string]string{"token": srv.bps}
		generic := []string{"perbaiki baris berikut", "fix the rows below"}
		for _, tt := range []struct {
			name, path, file string
			content          []byte
			want             []string
		}{
			{"empty", "/unggah", "kosong.csv", nil, []string{"Berkas yang dipilih kosong", "pilih berkas itu lagi"}},
			{"blank lines", "/unggah", "kosong.csv", []byte("\n\n  \n"), []string{"Berkas yang dipilih kosong"}},
			{"binary", "/unggah", "foto.csv", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 200)...),
				[]string{"bukan tabel yang dapat dibaca", "simpan sebagai CSV UTF-8"}},
			{"binary in English", "/unggah?lang=en", "photo.csv", []byte("%PDF-1.7\n\x00\x01\x02\x03binary"),
				[]string{"not a table Pantau can read", "save it as CSV UTF-8", "Upload indicator data"}},
			{"no header", "/unggah", "catatan.csv", []byte("Laporan tahunan\nisi bebas tanpa tabel\n"),
				[]string{"tidak menemukan baris judul kolom", "kode_wilayah (atau nama_wilayah), tahun dan nilai", "Detail teknis"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				status, html := pc.file(tt.path, tt.file, tt.content, token)
				if status != 422 || pendingID.MatchString(html) {
					t.Errorf("%d, confirm form %v", status, pendingID.MatchString(html))
				}
				for _, w := range tt.want {
					if !strings.Contains(html, w) {
						t.Errorf("the page lacks %q:\n%s", w, html)
					}
				}
				for _, g := range generic {
					if strings.Contains(html, g) {
						t.Errorf("the page says %q with no rows", g)
					}
				}
			})
		}

		// A workbook: refused with the way to save it as CSV until the
		// reader takes workbooks; then previewed as its CSV would be.
		t.Run("xlsx", func(t *testing.T) {
			status, html := pc.file("/unggah", "kemiskinan.xlsx", workbook(t), token)
			switch status {
			case 422:
				if !strings.Contains(html, "buku kerja Excel") || !strings.Contains(html, "CSV UTF-8") {
					t.Errorf("workbook refused without the way out:\n%s", html)
				}
			case 200:
				if !strings.Contains(html, "0,49 → <strong>0,47</strong>") {
					t.Errorf("workbook preview:\n%s", html)
				}
			default:
				t.Errorf("workbook: %d\n%s", status, html)
			}
		})

		// A BPS-style wide table with no indicator: the agency's indicators
		// to choose from, the file kept, then the same file checked again.
		wide := []byte("kode_wilayah;nama_wilayah;2023;2024\n16.07;Kab. Banyu Asin;0,56;0,47\n")
		status, html := pc.file("/unggah", "tabel-bps.csv", wide, token)
		m := pendingID.FindStringSubmatch(html)
		if status != 422 || m == nil || !strings.Contains(html, "tidak menyebut indikator") || !strings.Contains(html, `action="/unggah/indikator`) {
			t.Fatalf("wide table without indicator: %d\n%s", status, html)
		}
		sel := regexp.MustCompile(`(?s)<select id="choose-indicator".*?</select>`).FindString(html)
		if !strings.Contains(sel, `value="kemiskinan_ekstrem"`) || !strings.Contains(sel, ">Kemiskinan ekstrem</option>") || strings.Contains(sel, "stunting") {
			t.Errorf("the choice is not BPS Banyuasin's indicators: %s", sel)
		}
		if strings.Contains(srv.extremePoverty(t), "0.47") {
			t.Fatal("a refused file stored values")
		}
		status, html = pc.form("/unggah/indikator", url.Values{"pending": {m[1]}, "indicator": {"kemiskinan_ekstrem"}})
		m2 := pendingID.FindStringSubmatch(html)
		if status != 200 || m2 == nil || !strings.Contains(html, "0,49 → <strong>0,47</strong>") || !strings.Contains(html, "--indicator kemiskinan_ekstrem") {
			t.Fatalf("checked again with the indicator: %d\n%s", status, html)
		}
		// Names first: the indicator and region by name, codes small.
		if !strings.Contains(html, `<td>Kemiskinan ekstrem<br><small class="code">kemiskinan_ekstrem</small>`) {
			t.Errorf("the preview does not name the indicator before its code")
		}
		if !regexp.MustCompile(`Banyuasin<br><small class="code">16\.07</small>`).MatchString(html) {
			t.Errorf("the preview does not name the region before its code")
		}
		if !regexp.MustCompile(`(?s)<details class="tech">.*SHA-256.*</details>`).MatchString(html) {
			t.Errorf("SHA-256 is not folded under the technical details")
		}
		status, html = pc.form("/unggah/simpan", url.Values{"pending": {m2[1]}})
		if status != 201 || !strings.Contains(html, `href="/i/kemiskinan_ekstrem?region=16.07"`) || !strings.Contains(html, "Halaman yang berubah") {
			t.Fatalf("stored: %d\n%s", status, html)
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, "2024:0.47") {
			t.Errorf("after confirming: %s", got)
		}
		// The kept file is gone once used: choosing again finds nothing.
		if status, _ := pc.form("/unggah/indikator", url.Values{"pending": {m[1]}, "indicator": {"kemiskinan_ekstrem"}}); status != 410 {
			t.Errorf("a used file chosen again: %d", status)
		}
		// Another agency's token cannot choose for a file it did not send.
		status, html = pc.file("/unggah", "tabel-bps.csv", wide, map[string]string{"token": srv.health})
		m = pendingID.FindStringSubmatch(html)
		sel = regexp.MustCompile(`(?s)<select id="choose-indicator".*?</select>`).FindString(html)
		if status != 422 || m == nil || strings.Contains(sel, `value="kemiskinan_ekstrem"`) || !strings.Contains(sel, "Dinas Kesehatan") {
			t.Fatalf("health office's wide table: %d %s", status, sel)
		}
		if status, _ = pc.form("/unggah/indikator", url.Values{"pending": {m[1]}, "indicator": {"kemiskinan_ekstrem"}}); status != 403 {
			t.Errorf("the health office chose BPS's indicator: %d", status)
		}
	})
}

// TestUploadGridYears: the form is for a year Pantau stores (domain.MinYear
// on) and no later than next year; no year is last year; anything else is
// refused in words that repeat what was asked for.
func TestUploadGridYears(t *testing.T) {
	base, _ := serveStore(t, openDemo(t, "sqlite"))
	pc := pageClient{t: t, base: base}
	now := time.Now().Year()
	for _, tt := range []struct {
		name, tahun string
		status      int
		want        string
	}{
		{"last year when none is given", "", 200, fmt.Sprintf(`name="tahun" value="%d"`, now-1)},
		{"the first year stored", strconv.Itoa(domain.MinYear), 200, fmt.Sprintf(`name="tahun" value="%d"`, domain.MinYear)},
		{"next year", strconv.Itoa(now + 1), 200, fmt.Sprintf(`name="tahun" value="%d"`, now+1)},
		{"before the first year stored", strconv.Itoa(domain.MinYear - 1), 400, fmt.Sprintf("Tahun %d di luar rentang", domain.MinYear-1)},
		{"after next year", strconv.Itoa(now + 2), 400, fmt.Sprintf("Tahun %d di luar rentang", now+2)},
		{"not a year", "dua", 400, "Tahun dua di luar rentang"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, html := pc.do("GET", "/unggah/isian?indicator=kemiskinan_ekstrem&tahun="+url.QueryEscape(tt.tahun), nil, "")
			if status != tt.status || !strings.Contains(html, tt.want) {
				t.Errorf("tahun=%q: %d, want %d with %q", tt.tahun, status, tt.status, tt.want)
			}
		})
	}
}

// TestUploadGridForm: one indicator, one year, the instance's regions with
// their stored values; what is typed in becomes an ordinary upload —
// previewed, confirmed, kept as CSV, in the revision history.
func TestUploadGridForm(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		pc := pageClient{t: t, base: srv.base}
		status, html := pc.do("GET", "/unggah", nil, "")
		if status != 200 || !strings.Contains(html, `action="/unggah/isian"`) || !strings.Contains(html, `name="tahun"`) {
			t.Fatalf("the upload page lacks the grid chooser: %d", status)
		}
		status, html = pc.do("GET", "/unggah/isian?indicator=kemiskinan_ekstrem&tahun=2024", nil, "")
		if status != 200 || !strings.Contains(html, `id="cur-16.07">0,49</td>`) || !strings.Contains(html, `name="nilai_16.07.01"`) ||
			strings.Count(html, `inputmode="decimal"`) < 20 || !strings.Contains(html, "Banyuasin I") {
			t.Fatalf("grid: %d\n%s", status, html)
		}
		if status, _ := pc.do("GET", "/unggah/isian?indicator=tidak_ada&tahun=2024", nil, ""); status != 404 {
			t.Errorf("an unknown indicator's grid: %d", status)
		}
		// A box that is not a number: the grid again, the box marked, nothing read.
		v := url.Values{"token": {srv.bps}, "indicator": {"kemiskinan_ekstrem"}, "tahun": {"2024"}, "nilai_16.07": {"0.45"}, "nilai_16.07.01": {"satu"}}
		status, html = pc.form("/unggah/isian", v)
		if status != 422 || !strings.Contains(html, `aria-invalid="true"`) || !strings.Contains(html, "“satu” bukan angka") || !strings.Contains(html, `value="0.45"`) {
			t.Fatalf("bad box: %d\n%s", status, html)
		}
		// "0.45" on the Indonesian page and "1,25" both read as decimals.
		v.Set("nilai_16.07.01", "1,25")
		status, html = pc.form("/unggah/isian", v)
		m := pendingID.FindStringSubmatch(html)
		if status != 200 || m == nil || !strings.Contains(html, "0,49 → <strong>0,45</strong>") || !strings.Contains(html, "<strong>1,25</strong>") {
			t.Fatalf("grid preview: %d\n%s", status, html)
		}
		if strings.Contains(srv.extremePoverty(t), "0.45") {
			t.Fatal("the grid's preview stored values")
		}
		status, html = pc.form("/unggah/simpan", url.Values{"pending": {m[1]}})
		if status != 201 || !strings.Contains(html, `href="/i/kemiskinan_ekstrem?region=16.07.01"`) {
			t.Fatalf("grid stored: %d\n%s", status, html)
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, "2024:0.45") {
			t.Errorf("after the grid: %s", got)
		}
		var hist struct {
			Data []struct {
				Year      int     `json:"year"`
				OldValue  float64 `json:"old_value"`
				NewValue  float64 `json:"new_value"`
				UploadID  int64   `json:"upload_id"`
				ChangedBy string  `json:"changed_by"`
			} `json:"data"`
		}
		get(t, srv.base+"/api/v1/observations/history?indicator=kemiskinan_ekstrem&region=16.07", &hist)
		if len(hist.Data) != 1 || hist.Data[0].OldValue != 0.49 || hist.Data[0].NewValue != 0.45 || !strings.HasPrefix(hist.Data[0].ChangedBy, "token:") {
			t.Fatalf("history: %+v", hist.Data)
		}
		resp, err := http.Get(srv.base + "/api/v1/uploads/" + itoa(hist.Data[0].UploadID) + "/file")
		if err != nil {
			t.Fatal(err)
		}
		kept, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(kept) != "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2024;0.45\n16.07.01;kemiskinan_ekstrem;2024;1.25\n" {
			t.Errorf("kept file: %q", kept)
		}
		// The English page reads "0.5" and "0,5" alike; "1.250" is 1.25 there.
		status, html = pc.form("/unggah/isian?lang=en", url.Values{"token": {srv.bps}, "indicator": {"kemiskinan_ekstrem"}, "tahun": {"2025"},
			"nilai_16.07": {"0,5"}, "nilai_16.07.01": {"1.250"}})
		if status != 200 || !strings.Contains(html, "<strong>0.5</strong>") || !strings.Contains(html, "<strong>1.25</strong>") {
			t.Errorf("English grid: %d\n%s", status, html)
		}
	})
}

// sessionClient is a person logged in: forms carry the session's CSRF token.
type sessionClient struct {
	b    *acctBrowser
	csrf string
}

func signedIn(t *testing.T, base, email, password string) sessionClient {
	t.Helper()
	b := newAcctBrowser(t, base)
	if resp := b.login(email, password); resp.StatusCode != 303 {
		t.Fatalf("login %s: %d", email, resp.StatusCode)
	}
	_, page := b.do("GET", "/unggah", nil)
	return sessionClient{b: b, csrf: formToken(t, page)}
}

func (sc sessionClient) form(path string, v url.Values) (int, string) {
	v.Set("csrf_token", sc.csrf)
	resp, body := sc.b.do("POST", path, v)
	return resp.StatusCode, body
}

func (sc sessionClient) do(method, path string, _ io.Reader, _ string) (int, string) {
	resp, body := sc.b.do(method, path, nil)
	return resp.StatusCode, body
}

// TestHistoryNamesAndZones: the revision history and the review pages name
// people by display name and agency and write times in the region's zone.
func TestHistoryNamesAndZones(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		ctx := context.Background()
		pc := pageClient{t: t, base: srv.base}
		if _, err := srv.st.CreateUser(ctx, domain.User{Email: "siti@bps.go.id", Name: "Siti Aminah", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin"}, "kata-sandi-panjang"); err != nil {
			t.Fatal(err)
		}
		jar := signedIn(t, srv.base, "siti@bps.go.id", "kata-sandi-panjang")
		status, html := jar.form("/unggah/isian", url.Values{"indicator": {"kemiskinan_ekstrem"}, "tahun": {"2024"}, "nilai_16.07": {"0,44"}})
		m := pendingID.FindStringSubmatch(html)
		if status != 200 || m == nil {
			t.Fatalf("signed-in grid: %d\n%s", status, html)
		}
		if status, html = jar.form("/unggah/simpan", url.Values{"pending": {m[1]}}); status != 201 {
			t.Fatalf("signed-in confirm: %d\n%s", status, html)
		}
		// A token with a label: its label and agency.
		label, _, err := srv.st.CreateToken(ctx, "bps-banyuasin", "Laptop statistik")
		if err != nil {
			t.Fatal(err)
		}
		if status, r, _ := srv.post(t, label, "", povertyHeader+"16.07;kemiskinan_ekstrem;2023;0,55\n"); status != 201 {
			t.Fatalf("token upload: %d %+v", status, r.Error)
		}
		_, page := pc.do("GET", "/i/kemiskinan_ekstrem?region=16.07", nil, "")
		hist := regexp.MustCompile(`(?s)<h2[^>]*>Riwayat revisi.*?</table>`).FindString(page)
		if hist == "" {
			hist = page
		}
		for _, w := range []string{"Siti Aminah (BPS Kabupaten Banyuasin)", "token Laptop statistik (BPS Kabupaten Banyuasin)", " WIB</td>"} {
			if !strings.Contains(hist, w) {
				t.Errorf("history lacks %q:\n%s", w, hist)
			}
		}
		if strings.Contains(hist, "user:") || strings.Contains(hist, "token:") {
			t.Errorf("history shows a raw source:\n%s", hist)
		}
		if !regexp.MustCompile(`<td>\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) 20\d\d \d\d\.\d\d WIB</td>`).MatchString(hist) {
			t.Errorf("history times are not written as 2 Des 2026 09.15 WIB:\n%s", hist)
		}
		_, en := pc.do("GET", "/i/kemiskinan_ekstrem?region=16.07&lang=en", nil, "")
		if !regexp.MustCompile(`<td>\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) 20\d\d \d\d:\d\d WIB</td>`).MatchString(en) {
			t.Errorf("English history times")
		}

		// Review: the sender by name, the time in the home region's zone.
		v := url.Values{"indicator": {"kemiskinan_ekstrem"}, "tahun": {"2025"}, "nilai_16.07": {"0,41"}, "review": {"true"}}
		status, html = jar.form("/unggah/isian", v)
		if m = pendingID.FindStringSubmatch(html); status != 200 || m == nil {
			t.Fatalf("review grid: %d\n%s", status, html)
		}
		if status, html = jar.form("/unggah/simpan", url.Values{"pending": {m[1]}}); status != 202 {
			t.Fatalf("sent for review: %d\n%s", status, html)
		}
		status, list := jar.do("GET", "/tinjau?state=submitted", nil, "")
		if status != 200 || !strings.Contains(list, "<td>Siti Aminah (BPS Kabupaten Banyuasin)</td>") || !regexp.MustCompile(`\d\d\.\d\d WIB</td>`).MatchString(list) {
			t.Errorf("review list: %d\n%s", status, list)
		}
		id := regexp.MustCompile(`href="/tinjau/(\d+)"`).FindStringSubmatch(list)
		if id == nil {
			t.Fatal("no submission listed")
		}
		_, detail := jar.do("GET", "/tinjau/"+id[1], nil, "")
		if !strings.Contains(detail, "<dd>Siti Aminah (BPS Kabupaten Banyuasin)</dd>") || !strings.Contains(detail, "BPS Kabupaten Banyuasin <small><code>bps-banyuasin</code></small>") {
			t.Errorf("review detail:\n%s", detail)
		}
	})
}
