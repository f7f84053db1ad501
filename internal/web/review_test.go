package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

// reviewServer is uploadServer with review required of agencies, and the
// people of a review: a planner, the walidata (an administrator) and an
// uploader of each agency, each with a logged-in browser.
type reviewServer struct {
	uploadServer
	planner, admin, bpsStaff, healthStaff *acctBrowser
}

func reviewServers(t *testing.T, fn func(t *testing.T, srv reviewServer)) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := openDemo(t, engine)
			base, _ := serveStore(t, st, web.Options{MaxUploadBytes: testMaxUpload, RequireReview: true})
			srv := reviewServer{uploadServer: uploadServer{base: base, st: st}}
			var err error
			if srv.bps, _, err = st.CreateToken(ctx, "bps-banyuasin", "test"); err != nil {
				t.Fatal(err)
			}
			if srv.health, _, err = st.CreateToken(ctx, "dinkes-banyuasin", "test"); err != nil {
				t.Fatal(err)
			}
			person := func(email string, role domain.Role, agency string) *acctBrowser {
				if _, err := st.CreateUser(ctx, domain.User{Email: email, Role: role, AgencyCode: agency}, "kata-sandi-panjang"); err != nil {
					t.Fatal(err)
				}
				b := newAcctBrowser(t, base)
				if resp := b.login(email, "kata-sandi-panjang"); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("login %s: %d", email, resp.StatusCode)
				}
				return b
			}
			srv.planner = person("perencana@bappeda.id", domain.RolePlanner, "")
			srv.admin = person("walidata@bappeda.id", domain.RoleAdmin, "")
			srv.bpsStaff = person("staf@bps.id", domain.RoleUploader, "bps-banyuasin")
			srv.healthStaff = person("staf@dinkes.id", domain.RoleUploader, "dinkes-banyuasin")
			fn(t, srv)
		})
	}
}

// api sends a request to the API as b (a logged-in browser, with its
// CSRF token on writes) or with a bearer token, and decodes the answer.
func (srv reviewServer) api(t *testing.T, b *acctBrowser, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = strings.NewReader(string(raw))
	}
	req, _ := http.NewRequest(method, srv.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := http.DefaultClient
	if b != nil {
		client = b.c
		if method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", b.csrf(t))
		}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out
}

// csrf is the browser's session CSRF token (GET /api/v1/me).
func (b *acctBrowser) csrf(t *testing.T) string {
	t.Helper()
	_, body := b.do("GET", "/api/v1/me", nil)
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.CSRF == "" {
		t.Fatalf("no CSRF token from /api/v1/me: %v %s", err, body)
	}
	return me.CSRF
}

// dig walks a decoded JSON answer: dig(v, "data", "submission", "state").
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestReviewWorkflow walks a submission from an agency's upload to
// publication over real HTTP on both databases: nothing of it is public
// before, planners and the agency preview it, only the walidata publishes
// or returns, and publication is an ordinary upload.
func TestReviewWorkflow(t *testing.T) {
	reviewServers(t, func(t *testing.T, srv reviewServer) {
		ctx := context.Background()
		before := srv.extremePoverty(t)
		version := srv.dataVersion(t)
		embedBefore := pageText(t, srv.base+"/embed/i/kemiskinan_ekstrem?region=16.07")
		exportBefore := pageText(t, srv.base+"/api/v1/export?indicator=kemiskinan_ekstrem&format=csv")
		file := povertyHeader + "16.07;kemiskinan_ekstrem;2024;0,47\n16.07;kemiskinan_ekstrem;2025;0,41\n"

		// The agency's token upload waits for review: 202, a submission.
		status, r, h := srv.post(t, srv.bps, "lang=en", file)
		sub := r.Data.Submission
		if status != http.StatusAccepted || sub == nil || sub.State != domain.Submitted || sub.Counts.New != 1 || sub.Counts.Changed != 1 ||
			h.Get("Location") != fmt.Sprintf("/api/v1/submissions/%d", sub.ID) || r.Data.Upload.ID != 0 {
			t.Fatalf("submit: %d %+v %v", status, r, h)
		}

		// Nothing of it is public: series, data version, embed, export.
		if got := srv.extremePoverty(t); got != before {
			t.Errorf("public series changed before publication:\n%s\n%s", before, got)
		}
		if v, _ := srv.st.DataVersion(ctx); v != version {
			t.Errorf("data version moved from %d to %d before publication", version, v)
		}
		if got := pageText(t, srv.base+"/embed/i/kemiskinan_ekstrem?region=16.07"); got != embedBefore || strings.Contains(got, "0,47") {
			t.Error("the embed changed before publication")
		}
		if got := pageText(t, srv.base+"/api/v1/export?indicator=kemiskinan_ekstrem&format=csv"); got != exportBefore {
			t.Error("the export changed before publication")
		}

		// Who sees it: planners, the walidata and the agency; not the other agency or the public.
		path := fmt.Sprintf("/api/v1/submissions/%d", sub.ID)
		for _, tt := range []struct {
			name   string
			b      *acctBrowser
			token  string
			status int
		}{
			{"public", nil, "", 401}, {"other agency's token", nil, srv.health, 403}, {"other agency's staff", srv.healthStaff, "", 403},
			{"own token", nil, srv.bps, 200}, {"own staff", srv.bpsStaff, "", 200}, {"planner", srv.planner, "", 200}, {"walidata", srv.admin, "", 200},
		} {
			if got, _ := srv.api(t, tt.b, tt.token, "GET", path, nil); got != tt.status {
				t.Errorf("GET %s as %s: %d, want %d", path, tt.name, got, tt.status)
			}
		}
		if _, list := srv.api(t, nil, srv.health, "GET", "/api/v1/submissions", nil); len(dig(list, "data").([]any)) != 0 {
			t.Errorf("the other agency lists submissions not its own: %v", list)
		}
		if _, list := srv.api(t, srv.planner, "", "GET", "/api/v1/submissions?state=submitted", nil); len(dig(list, "data").([]any)) != 1 {
			t.Errorf("the planner's list: %v", list)
		}

		// The planner previews what publishing would change, old → new.
		_, detail := srv.api(t, srv.planner, "", "GET", path+"?preview=true", nil)
		changes, _ := dig(detail, "data", "preview", "changes").([]any)
		found := false
		for _, c := range changes {
			if dig(c, "year") == 2024.0 && dig(c, "old_value") == 0.49 && dig(c, "new_value") == 0.47 && dig(c, "kind") == "changed" {
				found = true
			}
		}
		if !found {
			t.Errorf("the preview does not show 2024: 0.49 → 0.47: %v", dig(detail, "data", "preview"))
		}

		// The conversation: people who see it comment; tokens do not.
		if got, _ := srv.api(t, srv.planner, "", "POST", path+"/comments", map[string]string{"body": "Angka 2024 turun tajam; sumbernya Susenas Maret?"}); got != 201 {
			t.Errorf("planner's comment: %d", got)
		}
		if got, _ := srv.api(t, srv.bpsStaff, "", "POST", path+"/comments", map[string]string{"body": "Ya, Susenas Maret 2024."}); got != 201 {
			t.Errorf("agency's comment: %d", got)
		}
		if got, _ := srv.api(t, nil, srv.bps, "POST", path+"/comments", map[string]string{"body": "token"}); got != 403 {
			t.Errorf("a token's comment: %d, want 403", got)
		}
		if got, _ := srv.api(t, srv.planner, "", "POST", path+"/comments", map[string]string{"body": "  "}); got != 400 {
			t.Errorf("an empty comment: %d, want 400", got)
		}

		// Only the walidata publishes.
		for _, b := range []*acctBrowser{srv.planner, srv.bpsStaff} {
			if got, _ := srv.api(t, b, "", "POST", path+"/publish", nil); got != 403 {
				t.Errorf("publish by a non-walidata: %d, want 403", got)
			}
		}
		if got, _ := srv.api(t, nil, srv.bps, "POST", path+"/publish", nil); got != 403 {
			t.Errorf("publish with the agency's token: %d, want 403", got)
		}
		status, pub := srv.api(t, srv.admin, "", "POST", path+"/publish", nil)
		upload := dig(pub, "data", "upload", "id")
		if status != 201 || upload == nil || dig(pub, "data", "counts", "changed") != 1.0 || dig(pub, "data", "counts", "new") != 1.0 {
			t.Fatalf("publish: %d %v", status, pub)
		}
		if v, _ := srv.st.DataVersion(ctx); v <= version || float64(v) != upload.(float64) {
			t.Errorf("publication made data version %d, the answer says %v (before %d)", v, upload, version)
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, fmt.Sprintf("2024:0.47@%d:2", int64(upload.(float64)))) ||
			!strings.Contains(got, fmt.Sprintf("2025:0.41@%d:3", int64(upload.(float64)))) {
			t.Errorf("published series: %s", got)
		}
		// Embeds read the data version at most once a second (versionTTL).
		time.Sleep(1100 * time.Millisecond)
		if got := pageText(t, srv.base+"/embed/i/kemiskinan_ekstrem?region=16.07"); got == embedBefore || !strings.Contains(got, "0,47") {
			t.Error("the embed did not change after publication")
		}
		_, detail = srv.api(t, srv.bpsStaff, "", "GET", path, nil)
		if dig(detail, "data", "submission", "state") != "published" || dig(detail, "data", "submission", "upload_id") != upload ||
			!strings.HasPrefix(dig(detail, "data", "submission", "reviewed_by").(string), "user:") || len(dig(detail, "data", "comments").([]any)) != 2 {
			t.Errorf("published submission: %v", detail)
		}
		// The upload is the agency's, as sent.
		var up struct {
			Data struct {
				AgencyCode string `json:"agency"`
				CreatedBy  string `json:"created_by"`
				SHA256     string `json:"sha256"`
			} `json:"data"`
		}
		get(t, fmt.Sprintf("%s/api/v1/uploads/%v", srv.base, upload), &up)
		if up.Data.AgencyCode != "bps-banyuasin" || !strings.HasPrefix(up.Data.CreatedBy, "token:") || up.Data.SHA256 != sub.SHA256 {
			t.Errorf("the published upload: %+v (submission %s)", up.Data, sub.SHA256)
		}
		if got, _ := srv.api(t, srv.admin, "", "POST", path+"/publish", nil); got != 409 {
			t.Errorf("publishing twice: %d, want 409", got)
		}
		if got, _ := srv.api(t, srv.admin, "", "POST", "/api/v1/submissions/abc/publish", nil); got != 400 {
			t.Errorf("publishing submission abc: %d, want 400", got)
		}
		// A session request with a wrong CSRF token is told so.
		if resp, body := srv.admin.do("POST", path+"/withdraw", nil, "X-CSRF-Token", "salah"); resp.StatusCode != 403 || !strings.Contains(body, "CSRF") {
			t.Errorf("a stale CSRF token: %d %s", resp.StatusCode, body)
		}
		// Who published it is public; no email address is.
		var pubUp map[string]any
		get(t, fmt.Sprintf("%s/api/v1/uploads/%v", srv.base, upload), &pubUp)
		if dig(pubUp, "data", "submission") != float64(sub.ID) || dig(pubUp, "data", "reviewed_by") == nil ||
			strings.Contains(fmt.Sprint(pubUp), "@") {
			t.Errorf("the published upload's provenance: %v", pubUp)
		}
		// Sending what is stored already keeps nothing; the same file waits once.
		if status, r, _ := srv.post(t, srv.bps, "", file); status != 200 || !r.Data.NothingToReview || r.Data.Submission != nil {
			t.Errorf("a file with nothing new: %d %+v", status, r.Data)
		}
		again := povertyHeader + "16.07;kemiskinan_ekstrem;2025;0,39\n"
		if status, _, _ := srv.post(t, srv.bps, "", again); status != 202 {
			t.Errorf("a new file: %d", status)
		}
		if status, r, _ := srv.post(t, srv.bps, "", again); status != 409 || !strings.Contains(r.Error.Message, "already waits") {
			t.Errorf("the same file again: %d %+v", status, r.Error)
		}

		// Returned with a reason (none: 400), then it cannot be published.
		// (4,7 is tenfold the stored 0,47: a warning the sender confirms.)
		_, r2, _ := srv.post(t, srv.bps, "confirm_warnings=true", povertyHeader+"16.07;kemiskinan_ekstrem;2024;4,7\n")
		path2 := fmt.Sprintf("/api/v1/submissions/%d", r2.Data.Submission.ID)
		if got, _ := srv.api(t, srv.admin, "", "POST", path2+"/return", map[string]string{"note": ""}); got != 400 {
			t.Errorf("return without a reason: %d, want 400", got)
		}
		if got, _ := srv.api(t, srv.bpsStaff, "", "POST", path2+"/return", map[string]string{"note": "x"}); got != 403 {
			t.Errorf("return by the agency: %d, want 403", got)
		}
		if got, ret := srv.api(t, srv.admin, "", "POST", path2+"/return", map[string]string{"note": "4,7 is ten times the 2023 value: a misplaced comma?"}); got != 200 ||
			dig(ret, "data", "state") != "returned" {
			t.Errorf("return: %d %v", got, ret)
		}
		if got, _ := srv.api(t, srv.admin, "", "POST", path2+"/publish", nil); got != 409 {
			t.Errorf("publishing a returned submission: %d, want 409", got)
		}

		// Withdrawn by the agency's staff (a web upload of a logged-in uploader).
		_, r3, _ := srv.postAs(t, srv.bpsStaff, povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,48\n")
		if r3.Data.Submission == nil || !strings.HasPrefix(r3.Data.Submission.SubmittedBy, "user:") {
			t.Fatalf("the uploader's upload did not go to review: %+v", r3.Data)
		}
		path3 := fmt.Sprintf("/api/v1/submissions/%d", r3.Data.Submission.ID)
		if got, _ := srv.api(t, srv.healthStaff, "", "POST", path3+"/withdraw", nil); got != 403 {
			t.Errorf("withdrawal by another agency: %d, want 403", got)
		}
		if got, w := srv.api(t, srv.bpsStaff, "", "POST", path3+"/withdraw", nil); got != 200 || dig(w, "data", "state") != "withdrawn" {
			t.Errorf("withdrawal: %d %v", got, w)
		}

		// The walidata's own upload is published as it is stored.
		status, r4, _ := srv.postAs(t, srv.admin, povertyHeader+"16.07;kemiskinan_ekstrem;2023;0,56\n")
		if status != 201 || r4.Data.Submission != nil || r4.Data.Counts.Unchanged != 1 {
			t.Errorf("the walidata's upload: %d %+v", status, r4.Data)
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, "2024:0.47@") {
			t.Errorf("returned or withdrawn values reached the public: %s", got)
		}
		for _, u := range []string{fmt.Sprintf("/api/v1/uploads/%d", r4.Data.Upload.ID), "/api/v1/observations/history?indicator=kemiskinan_ekstrem&region=16.07",
			"/i/kemiskinan_ekstrem?region=16.07"} {
			if body := pageText(t, srv.base+u); strings.Contains(body, "@bappeda.id") || strings.Contains(body, "@bps.id") {
				t.Errorf("%s shows a person's email address", u)
			}
		}

		// Every review step is in the audit log.
		var audit struct {
			Data []store.AuditEntry `json:"data"`
		}
		_, body := srv.admin.do("GET", "/api/v1/audit?limit=100", nil)
		if err := json.Unmarshal([]byte(body), &audit); err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range audit.Data {
			actions[e.Action]++
		}
		for _, a := range []string{"submit upload", "publish submission", "returned submission", "withdrawn submission", "comment submission"} {
			if actions[a] == 0 {
				t.Errorf("no %q in the audit log: %v", a, actions)
			}
		}
	})
}

// TestReviewPages drives the review pages as their users do, with forms.
func TestReviewPages(t *testing.T) {
	reviewServers(t, func(t *testing.T, srv reviewServer) {
		_, r, _ := srv.post(t, srv.bps, "", povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,44\n")
		id := r.Data.Submission.ID
		page := fmt.Sprintf("/tinjau/%d", id)

		// The account page tells who may review how much waits.
		if _, akun := srv.admin.do("GET", "/akun?lang=id", nil); !strings.Contains(akun, "1 menunggu") {
			t.Error("the walidata's account page does not say that 1 submission waits")
		}
		if _, akun := srv.healthStaff.do("GET", "/akun?lang=id", nil); strings.Contains(akun, "menunggu") {
			t.Error("another agency's account page counts bps-banyuasin's submission")
		}
		resp, list := srv.planner.do("GET", "/tinjau", nil)
		if resp.StatusCode != 200 || !strings.Contains(list, fmt.Sprintf(`href="/tinjau/%d"`, id)) {
			t.Fatalf("the planner's list: %d %.500s", resp.StatusCode, list)
		}
		resp, _ = srv.healthStaff.do("GET", page, nil)
		if resp.StatusCode != 403 {
			t.Errorf("another agency's staff on the page: %d, want 403", resp.StatusCode)
		}
		resp, body := srv.planner.do("GET", page, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "0,49 → <strong>0,44</strong>") || strings.Contains(body, "/terbitkan") {
			t.Errorf("the planner's page (a preview, and no publish button): %d %s", resp.StatusCode, body)
		}
		// The planner sees the indicator page as it will be once published;
		// the public page, and anyone without access, do not.
		previewURL := fmt.Sprintf("/i/kemiskinan_ekstrem?region=16.07&pratinjau=%d", id)
		if !strings.Contains(body, `href="`+strings.ReplaceAll(previewURL, "&", "&amp;")+`"`) {
			t.Errorf("the review page does not link the previewed chart %s", previewURL)
		}
		resp, preview := srv.planner.do("GET", previewURL, nil)
		if resp.StatusCode != 200 || !strings.Contains(preview, fmt.Sprintf("#%d", id)) || !strings.Contains(preview, "0,44%") ||
			!strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
			t.Errorf("the planner's preview: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		if public := pageText(t, srv.base+"/i/kemiskinan_ekstrem?region=16.07"); strings.Contains(public, "0,44%") {
			t.Error("the public indicator page shows the submitted value")
		}
		anon := newAcctBrowser(t, srv.base)
		if resp, _ := anon.do("GET", previewURL, nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/masuk?next=") {
			t.Errorf("an anonymous preview: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, other := srv.healthStaff.do("GET", previewURL, nil); resp.StatusCode != 403 || strings.Contains(other, "0,44%") {
			t.Errorf("another agency's preview: %d", resp.StatusCode)
		}

		// The agency's token may preview its own submission too; that
		// answer is never kept for the public (the page cache).
		resp, byToken := anon.do("GET", previewURL, nil, "Authorization", "Bearer "+srv.bps)
		if resp.StatusCode != 200 || !strings.Contains(byToken, "0,44%") {
			t.Errorf("the agency token's preview: %d", resp.StatusCode)
		}
		if resp, leaked := newAcctBrowser(t, srv.base).do("GET", previewURL, nil); resp.StatusCode != http.StatusSeeOther || strings.Contains(leaked, "0,44%") {
			t.Errorf("an anonymous request after the token's preview: %d (the page cache kept it?)", resp.StatusCode)
		}

		// A planner's comment, through the form.
		resp, _ = srv.planner.do("POST", page+"/komentar", url.Values{"body": {"Cek ulang <b>baris 2</b>"}, "csrf_token": {formToken(t, body)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("comment form: %d", resp.StatusCode)
		}
		// A stale form (no CSRF token) does nothing.
		resp, _ = srv.admin.do("POST", page+"/terbitkan", url.Values{})
		if resp.StatusCode != 403 {
			t.Errorf("publish without a CSRF token: %d, want 403", resp.StatusCode)
		}
		if got := srv.extremePoverty(t); strings.Contains(got, "2024:0.44") {
			t.Fatalf("published without a CSRF token: %s", got)
		}
		_, body = srv.admin.do("GET", page, nil)
		if !strings.Contains(body, "Cek ulang &lt;b&gt;baris 2&lt;/b&gt;") || !strings.Contains(body, "/terbitkan") {
			t.Errorf("the walidata's page (the comment as text, a publish button): %s", body)
		}
		resp, _ = srv.admin.do("POST", page+"/terbitkan", url.Values{"csrf_token": {formToken(t, body)}})
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), page+"?selesai=published") {
			t.Fatalf("publish form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := srv.extremePoverty(t); !strings.Contains(got, "2024:0.44") {
			t.Errorf("not published: %s", got)
		}
		_, body = srv.admin.do("GET", page+"?selesai=published", nil)
		if !strings.Contains(body, `class="done"`) || strings.Contains(body, "/terbitkan") {
			t.Errorf("after publishing: %s", body)
		}
		if resp, _ := srv.planner.do("GET", previewURL, nil); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/i/kemiskinan_ekstrem?region=16.07" {
			t.Errorf("previewing a published submission: %d %s, want 303 to the published page", resp.StatusCode, resp.Header.Get("Location"))
		}
		// Publishing again from a stale page: 409 with the reason.
		resp, body = srv.admin.do("POST", page+"/terbitkan", url.Values{"csrf_token": {formToken(t, body)}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `class="problem"`) {
			t.Errorf("publishing twice from the page: %d", resp.StatusCode)
		}
	})
}

// pageText is the body of a GET.
func pageText(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}

// postAs sends a CSV to the upload API as a logged-in person.
func (srv reviewServer) postAs(t *testing.T, b *acctBrowser, body string) (int, uploadReply, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("X-CSRF-Token", b.csrf(t))
	return doAs(t, b.c, req)
}

// TestUploadPageConfirmIsTheSamePerson: the upload page keeps a checked
// file for its confirmation; only the person who checked it, still logged
// in with the same role and agency, stores it.
func TestUploadPageConfirmIsTheSamePerson(t *testing.T) {
	reviewServers(t, func(t *testing.T, srv reviewServer) {
		_, form := srv.bpsStaff.do("GET", "/unggah", nil)
		b, ct := fileForm("miskin.csv", povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,45\n", "csrf_token", formToken(t, form))
		req, _ := http.NewRequest("POST", srv.base+"/unggah", b)
		req.Header.Set("Content-Type", ct)
		r2, err := srv.bpsStaff.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(r2.Body)
		r2.Body.Close()
		page := string(raw)
		m := regexp.MustCompile(`name="pending" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
		if r2.StatusCode != 200 || m == nil || !strings.Contains(page, "Kirim untuk ditinjau") {
			t.Fatalf("the preview: %d %.400s", r2.StatusCode, page)
		}
		// Someone else, without the session, cannot confirm it.
		resp, _ := newAcctBrowser(t, srv.base).do("POST", "/unggah/simpan", url.Values{"pending": {m[1]}})
		if resp.StatusCode != 403 {
			t.Errorf("a confirmation without the session: %d, want 403", resp.StatusCode)
		}
		if _, list := srv.api(t, srv.planner, "", "GET", "/api/v1/submissions", nil); len(dig(list, "data").([]any)) != 0 {
			t.Errorf("something was submitted: %v", list)
		}
	})
}
