package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
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
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
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

func do(t *testing.T, req *http.Request) (int, uploadReply, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r uploadReply
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: %d %v: %s", req.Method, req.URL, resp.StatusCode, err, raw)
	}
	return resp.StatusCode, r, resp.Header
}

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
		sum := sha256.Sum256([]byte(changed))
		if r.Data.SHA256 != hex.EncodeToString(sum[:]) || h.Get("Location") != fmt.Sprintf("/api/v1/uploads/%d", id) {
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
		keptSum := sha256.Sum256(kept)
		if resp.StatusCode != 200 || string(kept) != changed || hex.EncodeToString(keptSum[:]) != detail.Data.SHA256 ||
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
		// against the stored year before is a warning, not an error.
		status, r, _ = srv.post(t, srv.bps, "lang=en", povertyHeader+"16.07;kemiskinan_ekstrem;2025;0,45\n16.07;kemiskinan_ekstrem;2026;4,5\n")
		if status != 201 || r.Data.Counts.Changed != 1 || r.Data.Counts.New != 1 || len(r.Data.Warnings) != 1 || r.Data.Warnings[0].Line != 3 {
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
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("dry_run", "true")
		mw.WriteField("indicator", "kemiskinan_ekstrem")
		fw, _ := mw.CreateFormFile("file", `C:\Data\kemiskinan wide.csv`)
		io.WriteString(fw, "kode_wilayah;nama_wilayah;2023;2024\n16.07;Kab. Banyu Asin;0,56;0,49\n")
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
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
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("token", token)
			mw.WriteField("decimal", "")
			fw, _ := mw.CreateFormFile("file", "kemiskinan.csv")
			io.WriteString(fw, csv)
			mw.Close()
			return &b, mw.FormDataContentType()
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
