package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// adminServers runs fn against a real server over the demo with one
// administrator (admin@bappeda.id), on SQLite and on PostgreSQL.
func adminServers(t *testing.T, fn func(t *testing.T, base string, st *store.Store, admin domain.User)) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		admin, err := st.CreateUser(context.Background(), domain.User{Email: "admin@bappeda.id", Name: "Admin Bappeda", Role: domain.RoleAdmin}, "kata-sandi-panjang")
		if err != nil {
			t.Fatal(err)
		}
		fn(t, base, st, admin)
	})
}

type userAnswer struct {
	Data     domain.User `json:"data"`
	Password string      `json:"password"`
}

func TestAdminUsersAPI(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		a := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")

		// Create: a generated password is answered once and works.
		var created userAnswer
		if code := a.call("POST", "/api/v1/users", `{"email":"Staf@BPS.id","name":"Staf BPS","role":"uploader","agency":"bps-banyuasin"}`, &created); code != 201 {
			t.Fatalf("create: %d", code)
		}
		if created.Data.Email != "staf@bps.id" || created.Data.AgencyCode != "bps-banyuasin" || len(created.Password) < domain.MinPasswordLength {
			t.Fatalf("created %+v", created)
		}
		staf := newAPIClient(t, base, "staf@bps.id", created.Password)
		var typed userAnswer
		if code := a.call("POST", "/api/v1/users", `{"email":"perencana@bappeda.id","role":"planner","password":"kata-sandi-perencana"}`, &typed); code != 201 || typed.Password != "" {
			t.Fatalf("create with a password: %d, answered password %q", code, typed.Password)
		}
		if code := a.call("POST", "/api/v1/users", `{"email":"staf@bps.id","role":"planner"}`, nil); code != 409 {
			t.Errorf("taken address: %d, want 409", code)
		}
		for _, body := range []string{
			`{"email":"x@bps.id","role":"uploader"}`,
			`{"email":"x@bps.id","role":"public"}`,
			`{"email":"x@bps.id","role":"planner","password":"pendek"}`,
			`{"email":"x@bps.id","role":"planner","admin":true}`,
			`[1]`,
		} {
			if code := a.call("POST", "/api/v1/users", body, nil); code != 400 {
				t.Errorf("%s: %d, want 400", body, code)
			}
		}
		if code := a.call("POST", "/api/v1/users", `{"email":"x@bps.id","role":"uploader","agency":"bpbd"}`, nil); code != 404 {
			t.Errorf("unknown agency: %d", code)
		}

		// The list: every account, with the last login of those who did.
		var list struct {
			Data []domain.User `json:"data"`
		}
		if code := a.call("GET", "/api/v1/users", "", &list); code != 200 || len(list.Data) != 3 {
			t.Fatalf("list: %d %+v", code, list.Data)
		}
		if list.Data[1].Email != "staf@bps.id" || list.Data[1].LastLoginAt == nil || list.Data[2].LastLoginAt != nil {
			t.Errorf("last logins: %+v", list.Data)
		}

		// Role change drops the agency; disabling ends the sessions.
		var changed userAnswer
		path := fmt.Sprintf("/api/v1/users/%d", created.Data.ID)
		if code := a.call("PATCH", path, `{"role":"planner","name":"Staf"}`, &changed); code != 200 || changed.Data.AgencyCode != "" || changed.Data.Name != "Staf" {
			t.Fatalf("role change: %d %+v", code, changed.Data)
		}
		if code := a.call("PATCH", path, `{"disabled":true}`, &changed); code != 200 || !changed.Data.Disabled {
			t.Fatalf("disable: %d %+v", code, changed.Data)
		}
		var me struct {
			Data domain.Principal `json:"data"`
		}
		_, body := staf.do("GET", "/api/v1/me", nil)
		json.Unmarshal([]byte(body), &me)
		if me.Data.Kind != domain.Anonymous {
			t.Fatalf("a disabled account's session still works: %s", body)
		}
		if code := a.call("PATCH", "/api/v1/users/999", `{"disabled":true}`, nil); code != 404 {
			t.Errorf("unknown user: %d", code)
		}
		if code := a.call("PATCH", path, `{"disabeld":false}`, nil); code != 400 {
			t.Errorf("misspelt field: %d", code)
		}
		// The last active administrator cannot disable or demote itself.
		self := fmt.Sprintf("/api/v1/users/%d", admin.ID)
		for _, body := range []string{`{"disabled":true}`, `{"role":"planner"}`} {
			if code := a.call("PATCH", self, body, nil); code != 409 {
				t.Errorf("last admin %s: %d, want 409", body, code)
			}
		}
		if code := a.call("PATCH", path, `{"disabled":false}`, nil); code != 200 {
			t.Fatalf("enable: %d", code)
		}

		// Reset: a generated password (empty body), the old one dead.
		var reset userAnswer
		if code := a.call("POST", path+"/password", "", &reset); code != 200 || len(reset.Password) < domain.MinPasswordLength {
			t.Fatalf("reset: %d %+v", code, reset)
		}
		if resp := newAcctBrowser(t, base).login("staf@bps.id", created.Password); resp.StatusCode != 401 {
			t.Errorf("old password after reset: %d", resp.StatusCode)
		}
		if resp := newAcctBrowser(t, base).login("staf@bps.id", reset.Password); resp.StatusCode != 303 {
			t.Errorf("new password after reset: %d", resp.StatusCode)
		}
		var typedReset userAnswer
		if code := a.call("POST", path+"/password", `{"password":"kata-sandi-pilihan"}`, &typedReset); code != 200 || typedReset.Password != "" {
			t.Errorf("reset to a typed password: %d, answered %q", code, typedReset.Password)
		}

		// Tokens: the secret once, then it authenticates as the agency.
		var tok struct {
			Data   store.Token `json:"data"`
			Secret string      `json:"secret"`
		}
		if code := a.call("POST", "/api/v1/tokens", `{"agency":"bps-banyuasin","label":"skrip impor"}`, &tok); code != 201 || !strings.HasPrefix(tok.Secret, "pantau_") || tok.Data.Label != "skrip impor" {
			t.Fatalf("token: %d %+v", code, tok)
		}
		_, body = newAcctBrowser(t, base).do("GET", "/api/v1/me", nil, "Authorization", "Bearer "+tok.Secret)
		if !strings.Contains(body, `"agency":"bps-banyuasin"`) {
			t.Fatalf("the new token: %s", body)
		}
		for body, want := range map[string]int{`{"agency":"bpbd"}`: 404, `{"agency":"Not A Code"}`: 400, `{"agency":"bps-banyuasin","label":"` + strings.Repeat("x", 201) + `"}`: 400} {
			if code := a.call("POST", "/api/v1/tokens", body, nil); code != want {
				t.Errorf("token %s: %d, want %d", body[:min(len(body), 40)], code, want)
			}
		}

		// Without the CSRF header a browser's write does nothing.
		if resp, _ := a.do("POST", "/api/v1/users", nil); resp.StatusCode != 403 {
			t.Errorf("write without CSRF token: %d", resp.StatusCode)
		}

		// Every write is in the audit log; no password or secret is.
		entries, err := st.AuditLog(context.Background(), store.AuditQuery{})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			for _, secret := range []string{created.Password, reset.Password, tok.Secret, "kata-sandi-perencana", "kata-sandi-pilihan"} {
				if secret != "" && (strings.Contains(e.Detail, secret) || strings.Contains(e.Object, secret)) {
					t.Errorf("audit entry %d carries a secret: %+v", e.ID, e)
				}
			}
			if e.Action == "user_disable" && (e.Object != fmt.Sprintf("user:%d", created.Data.ID) || !strings.HasPrefix(e.Principal, "user:") || e.Status != 200) {
				t.Errorf("disable audited as %+v", e)
			}
		}
		for action, n := range map[string]int{"user_create": 2, "user_update": 1, "user_disable": 1, "user_enable": 1, "password_reset": 2, "token_create": 1} {
			if actions[action] != n {
				t.Errorf("audit: %d %s, want %d (%v)", actions[action], action, n, actions)
			}
		}
	})
}

// adminPage fetches an administration page as b: a 200 showing every one
// of want, never kept by a cache, under the strict CSP.
func (b *acctBrowser) adminPage(path string, want ...string) string {
	b.t.Helper()
	resp, page := b.do("GET", path, nil)
	ok := resp.StatusCode == 200 && resp.Header.Get("Cache-Control") == "no-store" &&
		strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	for _, w := range want {
		ok = ok && strings.Contains(page, w)
	}
	if !ok {
		b.t.Fatalf("%s: %d %v %.300s", path, resp.StatusCode, resp.Header, page)
	}
	return page
}

var secretShown = regexp.MustCompile(`<code class="copy" id="secret">([^<]+)</code>`)

func TestAdminPages(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		ctx := context.Background()
		b := newAcctBrowser(t, base)
		b.login("admin@bappeda.id", "kata-sandi-panjang")
		_, page := b.do("GET", "/akun", nil)
		if !strings.Contains(page, `href="/admin/pengguna"`) || !strings.Contains(page, `href="/admin/token"`) {
			t.Errorf("the account page does not link the administration pages")
		}
		page = b.adminPage("/admin/pengguna", "Tambah pengguna", "admin@bappeda.id")
		if _, en := b.do("GET", "/admin/pengguna?lang=en", nil); !strings.Contains(en, "Add a user") || !strings.Contains(en, `action="/admin/pengguna?lang=en#baru"`) {
			t.Errorf("English users page")
		}
		tok := formToken(t, page)

		// Create with a generated password, shown once on the answer.
		resp, page := b.do("POST", "/admin/pengguna", url.Values{"csrf_token": {tok}, "email": {"staf@bps.id"}, "name": {"Staf <b>BPS</b>"},
			"role": {"uploader"}, "agency": {"bps-banyuasin"}})
		m := secretShown.FindStringSubmatch(page)
		if resp.StatusCode != 200 || m == nil || strings.Contains(page, "<b>BPS</b>") {
			t.Fatalf("create: %d, secret shown %v", resp.StatusCode, m != nil)
		}
		if resp := newAcctBrowser(t, base).login("staf@bps.id", m[1]); resp.StatusCode != 303 {
			t.Fatalf("the shown password does not log in: %d", resp.StatusCode)
		}
		if _, again := b.do("GET", "/admin/pengguna", nil); strings.Contains(again, m[1]) {
			t.Fatal("the generated password is shown again")
		}
		// Typed password: redirect, nothing shown; a planner with the
		// agency select still set is fine (the agency is ignored).
		resp, _ = b.do("POST", "/admin/pengguna?lang=en", url.Values{"csrf_token": {tok}, "email": {"perencana@bappeda.id"}, "role": {"planner"},
			"agency": {"bps-banyuasin"}, "password": {"kata-sandi-perencana"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pengguna?ok=created&lang=en" {
			t.Fatalf("create with a password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// Refusals keep the form and say why.
		resp, page = b.do("POST", "/admin/pengguna", url.Values{"csrf_token": {tok}, "email": {"staf@bps.id"}, "role": {"planner"}})
		if resp.StatusCode != 409 || !strings.Contains(page, "Sudah ada akun") || !strings.Contains(page, `value="staf@bps.id"`) {
			t.Errorf("taken address: %d", resp.StatusCode)
		}
		if resp, _ := b.do("POST", "/admin/pengguna", url.Values{"email": {"x@bps.id"}, "role": {"planner"}}); resp.StatusCode != 403 {
			t.Errorf("create without CSRF token: %d", resp.StatusCode)
		}

		users, _ := st.Users(ctx)
		staf := users[1]
		path := fmt.Sprintf("/admin/pengguna/%d", staf.ID)
		// Disable, enable, change role.
		resp, _ = b.do("POST", path, url.Values{"csrf_token": {tok}, "disabled": {"1"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pengguna?ok=disabled" {
			t.Fatalf("disable: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, page := b.do("GET", "/admin/pengguna?ok=disabled", nil); !strings.Contains(page, "Akun dinonaktifkan") || !strings.Contains(page, `class="tag off">nonaktif`) {
			t.Errorf("the page does not show the disabled account")
		}
		b.do("POST", path, url.Values{"csrf_token": {tok}, "disabled": {"0"}})
		resp, _ = b.do("POST", path, url.Values{"csrf_token": {tok}, "name": {"Staf"}, "role": {"planner"}, "agency": {"bps-banyuasin"}})
		if u, _ := st.User(ctx, staf.ID); resp.StatusCode != 303 || u.Disabled || u.Role != domain.RolePlanner || u.AgencyCode != "" || u.Name != "Staf" {
			t.Fatalf("role change: %d %+v", resp.StatusCode, u)
		}
		// The last administrator may not step down.
		resp, page = b.do("POST", fmt.Sprintf("/admin/pengguna/%d", admin.ID), url.Values{"csrf_token": {tok}, "disabled": {"1"}})
		if resp.StatusCode != 409 || !strings.Contains(page, "administrator aktif terakhir") {
			t.Errorf("last admin: %d", resp.StatusCode)
		}
		// Reset with a generated password.
		resp, page = b.do("POST", path+"/sandi", url.Values{"csrf_token": {tok}})
		if m := secretShown.FindStringSubmatch(page); resp.StatusCode != 200 || m == nil {
			t.Fatalf("reset: %d", resp.StatusCode)
		} else if resp := newAcctBrowser(t, base).login("staf@bps.id", m[1]); resp.StatusCode != 303 {
			t.Errorf("the reset password does not log in: %d", resp.StatusCode)
		}

		// Tokens: create (secret once), list, revoke.
		resp, page = b.do("GET", "/admin/token", nil)
		if resp.StatusCode != 200 || !strings.Contains(page, "Buat token") {
			t.Fatalf("tokens page: %d", resp.StatusCode)
		}
		resp, page = b.do("POST", "/admin/token", url.Values{"csrf_token": {tok}, "agency": {"dinkes-banyuasin"}, "label": {"skrip <i>dinkes</i>"}})
		m = secretShown.FindStringSubmatch(page)
		if resp.StatusCode != 200 || m == nil || !strings.HasPrefix(m[1], "pantau_") || strings.Contains(page, "<i>dinkes") {
			t.Fatalf("create token: %d", resp.StatusCode)
		}
		if _, body := newAcctBrowser(t, base).do("GET", "/api/v1/me", nil, "Authorization", "Bearer "+m[1]); !strings.Contains(body, "dinkes-banyuasin") {
			t.Fatalf("the shown token: %s", body)
		}
		toks, _ := st.AllTokens(ctx, "")
		resp, _ = b.do("POST", fmt.Sprintf("/admin/token/%d/cabut", toks[0].ID), url.Values{"csrf_token": {tok}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/token?ok=revoked" {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if _, page := b.do("GET", "/admin/token", nil); !strings.Contains(page, "oleh admin@bappeda.id") || strings.Contains(page, m[1]) {
			t.Errorf("the tokens page does not show the revocation (or shows the secret)")
		}
		if resp, _ := b.do("POST", "/admin/token", url.Values{"csrf_token": {tok}, "agency": {"bpbd"}}); resp.StatusCode != 404 {
			t.Errorf("unknown agency: %d", resp.StatusCode)
		}

		entries, _ := st.AuditLog(ctx, store.AuditQuery{})
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
		}
		for action, n := range map[string]int{"user_create": 2, "user_disable": 1, "user_enable": 1, "user_update": 1, "password_reset": 1, "token_create": 1, "token_revoke": 1} {
			if actions[action] != n {
				t.Errorf("audit: %d %s, want %d (%v)", actions[action], action, n, actions)
			}
		}

		// A planner gets a page saying the administration is not theirs,
		// and no links to it from the account page.
		p := newAcctBrowser(t, base)
		p.login("perencana@bappeda.id", "kata-sandi-perencana")
		if resp, page := p.do("GET", "/admin/token", nil); resp.StatusCode != 403 || !strings.Contains(page, "Khusus administrator") {
			t.Errorf("planner on the tokens page: %d", resp.StatusCode)
		}
		if _, page := p.do("GET", "/akun", nil); strings.Contains(page, "/admin/") {
			t.Errorf("the planner's account page links the administration")
		}
	})
}

// TestAdminPagesBrowser loads both pages in headless Chromium as the
// administrator (the test server adds the session cookie: Chromium's
// command line cannot), failing on any console message or off-site
// request, and takes desktop and phone screenshots into
// PANTAU_SCREENSHOTS (default: a temporary folder).
func TestAdminPagesBrowser(t *testing.T) {
	bin := browser(t)
	st := openDemo(t, "sqlite")
	ctx := context.Background()
	admin, err := st.CreateUser(ctx, domain.User{Email: "admin@bappeda.id", Name: "Admin Bappeda", Role: domain.RoleAdmin}, "kata-sandi-panjang")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []domain.User{
		{Email: "staf.statistik@bps.banyuasinkab.go.id", Name: "Rina Marlina", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin",
			Territory: "16.07.01 16.07.02", Plans: "rpjmd-banyuasin-2025-2029"},
		{Email: "perencana@bappeda.banyuasinkab.go.id", Name: "Ahmad Fauzi", Role: domain.RolePlanner},
		{Email: "gizi@dinkes.banyuasinkab.go.id", Role: domain.RoleUploader, AgencyCode: "dinkes-banyuasin"},
	} {
		if _, err := st.CreateUser(ctx, u, "kata-sandi-panjang"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, _, err := st.Login(ctx, "staf.statistik@bps.banyuasinkab.go.id", "kata-sandi-panjang", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.UpdateUser(ctx, 4, domain.UserChange{Disabled: ptrTo(true)}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ agency, label string }{{"bps-banyuasin", "skrip impor Susenas"}, {"dinkes-banyuasin", "aplikasi e-PPGBM"}, {"bps-banyuasin", "laptop lama"}} {
		if _, _, err := st.CreateToken(ctx, a.agency, a.label); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.RevokeToken(ctx, 3, domain.UserPrincipal(admin).String()); err != nil {
		t.Fatal(err)
	}
	secret, _, err := st.CreateSession(ctx, admin.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, st)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(&http.Cookie{Name: "pantau_session", Value: secret})
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	base := srv.URL

	dir := os.Getenv("PANTAU_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/admin/pengguna?lang=id", []string{"Tambah pengguna", "Rina Marlina", "nonaktif", "belum pernah", "Kelola", "(16.07.02)", "(rpjmd-banyuasin-2025-2029)", "wilayah mana pun"}},
		{"/admin/pengguna?lang=en", []string{"Add a user", "disabled", "never", "Territory and plans", "any region"}},
		{"/admin/token?lang=id", []string{"skrip impor Susenas", "dicabut", "oleh admin@bappeda.id", "Buat token"}},
		{"/admin/token?lang=en", []string{"Create a token", "revoked"}},
	} {
		dom := chromiumPage(t, bin, base, tt.path, "--window-size=1280,900", "--dump-dom")
		for _, w := range tt.want {
			if !strings.Contains(dom, w) {
				t.Errorf("%s: lacks %q", tt.path, w)
			}
		}
	}
	screenshots(newCDPBrowser(t, bin), base, dir, map[string]shot{
		"admin-pengguna-desktop.png":      {"/admin/pengguna?lang=id", "1280,900"},
		"admin-pengguna-phone.png":        {"/admin/pengguna?lang=id", "390,844"},
		"admin-pengguna-desktop-dark.png": {"/admin/pengguna?lang=id&theme=dark", "1280,900"},
		"admin-pengguna-phone-dark.png":   {"/admin/pengguna?lang=en&theme=dark", "390,844"},
		"admin-token-desktop.png":         {"/admin/token?lang=id", "1280,900"},
		"admin-token-phone.png":           {"/admin/token?lang=en", "390,844"},
	})
	t.Logf("screenshots in %s", dir)
}

func ptrTo[T any](v T) *T { return &v }
