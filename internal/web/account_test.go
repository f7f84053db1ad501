package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

// accountServer is a demo server with an administrator.
func accountServer(t *testing.T, opt web.Options) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	st := testdb.SQLite(t)
	if err := demo.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, domain.User{Email: "admin@bappeda.id", Role: domain.RoleAdmin}, "kata-sandi-panjang"); err != nil {
		t.Fatal(err)
	}
	base, _ := serveStore(t, st, opt)
	return st, base
}

type acctBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newAcctBrowser(t *testing.T, base string) *acctBrowser {
	jar, _ := cookiejar.New(nil)
	return &acctBrowser{t, base, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *acctBrowser) do(method, path string, form url.Values, header ...string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func formToken(t *testing.T, page string) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf_token in the page: %.300s", page)
	}
	return m[1]
}

func (b *acctBrowser) login(email, password string) *http.Response {
	b.t.Helper()
	_, page := b.do("GET", "/masuk", nil)
	resp, _ := b.do("POST", "/masuk", url.Values{"email": {email}, "password": {password}, "csrf_token": {formToken(b.t, page)}})
	return resp
}

// loginFrom logs in as b from client, an address a trusted proxy names in
// X-Forwarded-For, and returns the status of the answer.
func (b *acctBrowser) loginFrom(client, email, password string) int {
	_, page := b.do("GET", "/masuk", nil, "X-Forwarded-For", client)
	resp, _ := b.do("POST", "/masuk", url.Values{"email": {email}, "password": {password}, "csrf_token": {formToken(b.t, page)}},
		"X-Forwarded-For", client)
	return resp.StatusCode
}

func TestLoginSessionPasswordChangeLogout(t *testing.T) {
	_, base := accountServer(t, web.Options{})
	b := newAcctBrowser(t, base)
	resp, page := b.do("GET", "/masuk?lang=en", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Log in") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("login page: %d %.200s", resp.StatusCode, page)
	}
	if _, page := b.do("GET", "/masuk", nil); !strings.Contains(page, "Kata sandi") {
		t.Fatal("the login page is not Indonesian by default")
	}
	resp = b.login("ADMIN@bappeda.id", "kata-sandi-panjang")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/akun" {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "pantau_session" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure on plain HTTP", cookie)
	}
	resp, page = b.do("GET", "/akun", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "admin@bappeda.id") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("account page: %d", resp.StatusCode)
	}
	tok := formToken(t, page)

	// A form without the session's token does nothing.
	change := url.Values{"current_password": {"kata-sandi-panjang"}, "new_password": {"kata-sandi-baru-1"}, "confirm_password": {"kata-sandi-baru-1"}}
	if resp, _ := b.do("POST", "/akun/sandi", change); resp.StatusCode != 403 {
		t.Fatalf("password change without CSRF token: %d", resp.StatusCode)
	}
	change.Set("csrf_token", "wrong"+tok)
	if resp, _ := b.do("POST", "/akun/sandi", change); resp.StatusCode != 403 {
		t.Fatalf("password change with a wrong CSRF token: %d", resp.StatusCode)
	}
	// Another acctBrowser logged in as the same person is logged out by the change.
	other := newAcctBrowser(t, base)
	other.login("admin@bappeda.id", "kata-sandi-panjang")
	change.Set("csrf_token", tok)
	resp, _ = b.do("POST", "/akun/sandi", change)
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/akun?changed=1") {
		t.Fatalf("password change: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.do("GET", "/akun", nil); resp.StatusCode != 200 {
		t.Fatalf("this acctBrowser lost its session after the change: %d", resp.StatusCode)
	}
	if resp, _ := other.do("GET", "/akun", nil); resp.StatusCode != 303 {
		t.Fatalf("the other session survived the change: %d", resp.StatusCode)
	}
	if resp := newAcctBrowser(t, base).login("admin@bappeda.id", "kata-sandi-panjang"); resp.StatusCode != 401 {
		t.Fatalf("the old password still works: %d", resp.StatusCode)
	}

	// The API answers the logged-in person, with the token for scripts.
	var me struct {
		Data      domain.Principal `json:"data"`
		CSRFToken string           `json:"csrf_token"`
	}
	_, body := b.do("GET", "/api/v1/me", nil)
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.Data.Role != domain.RoleAdmin || me.CSRFToken == "" {
		t.Fatalf("me: %v %s", err, body)
	}

	_, page = b.do("GET", "/keluar", nil)
	if resp, _ := b.do("POST", "/keluar", url.Values{"csrf_token": {formToken(t, page)}}); resp.StatusCode != 303 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if resp, _ := b.do("GET", "/akun", nil); resp.StatusCode != 303 {
		t.Fatalf("still logged in after logout: %d", resp.StatusCode)
	}
}

func TestSecureCookiesBehindProxy(t *testing.T) {
	_, base := accountServer(t, web.Options{SecureCookies: true})
	resp := newAcctBrowser(t, base).login("admin@bappeda.id", "kata-sandi-panjang")
	for _, c := range resp.Cookies() {
		if c.Name == "pantau_session" && !c.Secure {
			t.Fatal("PANTAU_SECURE_COOKIES=true but the session cookie is not Secure")
		}
	}
}

// loginFlood fills in n login forms as n browsers of one client (headers
// name it behind a proxy), then sends them all at once, a wrong password
// each, and returns the answers. The limit takes a try from the client's
// budget as the try arrives, before the password is checked: however slow
// the checks (under the race detector each takes seconds), the tries all
// arrive well within the six seconds in which the budget grows back by one.
func loginFlood(t *testing.T, base string, n int, headers ...string) []*http.Response {
	t.Helper()
	reqs := make([]*http.Request, n)
	clients := make([]*http.Client, n)
	for i := range reqs {
		b := newAcctBrowser(t, base)
		_, page := b.do("GET", "/masuk", nil, headers...)
		form := url.Values{"email": {"nobody@bappeda.id"}, "password": {"salah-salah-salah"}, "csrf_token": {formToken(t, page)}}
		req, _ := http.NewRequest("POST", base+"/masuk", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		reqs[i], clients[i] = req, b.c
	}
	out := make([]*http.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = clients[i].Do(reqs[i])
			if errs[i] == nil {
				out[i].Body.Close()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// refusedLogins counts the flood's 429s, failing t for one without
// Retry-After.
func refusedLogins(t *testing.T, flood []*http.Response) int {
	t.Helper()
	n := 0
	for _, resp := range flood {
		if resp.StatusCode == http.StatusTooManyRequests {
			n++
			if resp.Header.Get("Retry-After") == "" {
				t.Errorf("login flood: 429 without Retry-After")
			}
		}
	}
	return n
}

func TestLoginLimits(t *testing.T) {
	st, base := accountServer(t, web.Options{})
	b := newAcctBrowser(t, base)
	start := time.Now()
	// Lockout: after five failures the right password is refused too, with
	// the same message.
	for i := 0; i < store.LockoutThreshold; i++ {
		if resp := b.login("admin@bappeda.id", "salah-salah-salah"); resp.StatusCode != 401 {
			t.Fatalf("wrong password %d: %d", i, resp.StatusCode)
		}
	}
	if resp := b.login("admin@bappeda.id", "kata-sandi-panjang"); resp.StatusCode != 401 {
		t.Fatalf("locked account: %d", resp.StatusCode)
	}
	// Per client: the login form allows ten tries a minute, then 429. The
	// lockout's tries came out of the same budget, which grows back by one
	// try every six seconds since: of eleven tries at once, all but what
	// is left of the ten are refused.
	left := min(10, 10-(store.LockoutThreshold+1)+int(time.Since(start)/(6*time.Second)))
	if refused := refusedLogins(t, loginFlood(t, base, 11)); refused < 11-left {
		t.Fatalf("login flood: %d of 11 tries refused, want at least %d", refused, 11-left)
	}
	// Refused logins are in the audit log, with the address tried.
	entries, err := st.AuditLog(context.Background(), store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, e := range entries {
		if e.Action == "login_failed" && e.Object == "email:admin@bappeda.id" && e.IP == "127.0.0.1" && e.RequestID != "" {
			failed++
		}
	}
	if failed != store.LockoutThreshold+1 {
		t.Fatalf("%d refused logins audited, want %d", failed, store.LockoutThreshold+1)
	}
}

func TestTokenRateLimitAndRevocation(t *testing.T) {
	st, base := accountServer(t, web.Options{})
	ctx := context.Background()
	secret, tok, err := st.CreateToken(ctx, "bps-banyuasin", "script")
	if err != nil {
		t.Fatal(err)
	}
	b := newAcctBrowser(t, base)
	auth := []string{"Authorization", "Bearer " + secret}
	if resp, _ := b.do("GET", "/api/v1/me", nil, auth...); resp.StatusCode != 200 {
		t.Fatalf("token: %d", resp.StatusCode)
	}
	// The administrator revokes it through the API, with the session's
	// CSRF token in a header.
	b.login("admin@bappeda.id", "kata-sandi-panjang")
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	_, body := b.do("GET", "/api/v1/me", nil)
	json.Unmarshal([]byte(body), &me)
	path := "/api/v1/tokens/" + strconv.FormatInt(tok.ID, 10)
	if resp, _ := b.do("DELETE", path, nil); resp.StatusCode != 403 {
		t.Fatalf("revoke without CSRF token: %d", resp.StatusCode)
	}
	if resp, body := b.do("DELETE", path, nil, "X-CSRF-Token", me.CSRFToken); resp.StatusCode != 200 || !strings.Contains(body, "revoked_at") {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	anon := newAcctBrowser(t, base)
	if resp, _ := anon.do("GET", "/api/v1/indicators", nil, auth...); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("revoked token: %d", resp.StatusCode)
	}
	_, body = b.do("GET", "/api/v1/tokens", nil)
	if !strings.Contains(body, `"revoked_by":"user:`) || !strings.Contains(body, `"last_used_at"`) {
		t.Fatalf("token list: %s", body)
	}

	// Audit: the revocation, with who, from where and which request.
	_, body = b.do("GET", "/api/v1/audit?limit=1", nil)
	var page struct {
		Data []store.AuditEntry `json:"data"`
		Next *int64             `json:"next"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Data) != 1 || page.Next == nil {
		t.Fatalf("audit page: %v %s", err, body)
	}
	e := page.Data[0]
	if e.Action != "token_revoke" || e.Object != "token:"+strconv.FormatInt(tok.ID, 10) || !strings.HasPrefix(e.Principal, "user:") || e.IP == "" || e.RequestID == "" || e.Status != 200 || e.Route != "/api/v1/tokens/:id" {
		t.Fatalf("audit entry %+v", e)
	}
	resp, body := b.do("GET", "/api/v1/audit?format=csv", nil)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if resp.StatusCode != 200 || err != nil || len(rows) < 3 || rows[0][0] != "id" {
		t.Fatalf("audit CSV: %d %v %d rows", resp.StatusCode, err, len(rows))
	}

	// Per client: a flood of token requests gets 429 with Retry-After.
	secret2, _, _ := st.CreateToken(ctx, "bps-banyuasin", "flood")
	var last *http.Response
	for i := 0; i < 130 && (last == nil || last.StatusCode != 429); i++ {
		last, _ = anon.do("GET", "/api/v1/me", nil, "Authorization", "Bearer "+secret2)
	}
	if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
		t.Fatalf("token flood: %d", last.StatusCode)
	}
}
