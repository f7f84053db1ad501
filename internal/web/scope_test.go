package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/web"
)

// TestTokenScope: a BPS Banyuasin token may not write the national plan's
// targets (403 naming the plan) though it writes its regency's RPJMD; a
// token for one district may not write another district's values (403
// naming the region); a token given a plan writes its targets. Nothing
// refused is stored. Tokens used to be bound by indicator only: the BPS
// token's file changed the RPJMN's poverty target from 4.5 to 25.
func TestTokenScope(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		ctx := context.Background()
		scoped := func(territory, plans string) string {
			scope, err := domain.ParseScope(territory, plans)
			if err != nil {
				t.Fatal(err)
			}
			secret, _, err := srv.st.CreateScopedToken(ctx, "bps-banyuasin", "scoped", scope)
			if err != nil {
				t.Fatal(err)
			}
			return secret
		}
		district := scoped("16.07.01", "")
		province := scoped("16.07", "rkpd-sumsel-2025")
		send := func(token, query, file string) (int, uploadReply) {
			req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads"+query, strings.NewReader(file))
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Authorization", "Bearer "+token)
			status, r, _ := do(t, req)
			return status, r
		}
		const targets = "rencana;kode_indikator;kode_wilayah;tahun;nilai\n"
		version := srv.dataVersion(t)
		for _, tt := range []struct {
			name, token, query, file string
			status                   int
			says                     string
		}{
			{"the BPS token, an RPJMN target", srv.bps, "?targets=true", targets + "rpjmn-2025-2029;kemiskinan;ID;2029;25\n", 403, "rpjmn-2025-2029"},
			{"a district's token, another district", district, "", povertyHeader + "16.07.01;kemiskinan;2024;10,5\n16.07.02;kemiskinan;2024;11,5\n", 403, "16.07.02"},
			{"a district's token, its regency's RPJMD", district, "?targets=true", targets + "rpjmd-banyuasin-2025-2029;kemiskinan;16.07;2029;9\n", 403, "rpjmd-banyuasin-2025-2029"},
			{"a token given the RKPD, the RPJMN", province, "?targets=true", targets + "rpjmn-2025-2029;kemiskinan;ID;2029;25\n", 403, "rpjmn-2025-2029"},
		} {
			status, r := send(tt.token, tt.query, tt.file)
			if status != tt.status || r.Error.Code != "forbidden" || !strings.Contains(r.Error.Message, tt.says) {
				t.Errorf("%s: %d %+v, want %d naming %s", tt.name, status, r.Error, tt.status, tt.says)
			}
		}
		if v, _ := srv.st.DataVersion(ctx); v != version {
			t.Errorf("a refused upload made data version %d (was %d)", v, version)
		}
		for _, tt := range []struct{ name, token, query, file string }{
			{"the BPS token, its regency's RPJMD", srv.bps, "?targets=true", targets + "rpjmd-banyuasin-2025-2029;kemiskinan;16.07;2029;9\n"},
			{"a district's token, its district", district, "", povertyHeader + "16.07.01;kemiskinan;2024;10,5\n"},
			{"a token given the RKPD, the RKPD", province, "?targets=true", targets + "rkpd-sumsel-2025;kemiskinan;16;2025;11\n"},
		} {
			if status, r := send(tt.token, tt.query, tt.file); status != http.StatusCreated {
				t.Errorf("%s: %d %+v, want 201", tt.name, status, r.Error)
			}
		}
		// The scope is the token's, as administrators list it.
		toks, err := srv.st.AllTokens(ctx, "bps-banyuasin")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, tok := range toks {
			found = found || (tok.Territory == "16.07" && tok.Plans == "rkpd-sumsel-2025")
		}
		if !found {
			t.Errorf("the scoped token is not listed with its scope: %+v", toks)
		}
	})
}

// TestAccountScope: an uploader account made with a territory through the
// API keeps to it, and the audit log's user_create names it.
func TestAccountScope(t *testing.T) {
	st, base := accountServer(t, web.Options{})
	admin := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")
	var made userAnswer
	if got := admin.call("POST", "/api/v1/users", `{"email":"staf@bps.id","role":"uploader","agency":"bps-banyuasin","password":"kata-sandi-panjang","territory":"16.07.01"}`, &made); got != http.StatusCreated || made.Data.Territory != "16.07.01" {
		t.Fatalf("create a scoped uploader: %d %+v", got, made.Data)
	}
	entries, err := st.AuditLog(context.Background(), store.AuditQuery{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "user_create" || !strings.Contains(entries[0].Detail, `territory "16.07.01"`) {
		t.Errorf("audit of the creation: %+v", entries)
	}
	staf := newAPIClient(t, base, "staf@bps.id", "kata-sandi-panjang")
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/uploads?dry_run=true", strings.NewReader(povertyHeader+"16.07.02;kemiskinan;2024;11,5\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("X-CSRF-Token", staf.csrf)
	resp, err := staf.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "16.07.02") {
		t.Errorf("the scoped uploader writing another district: %d %s", resp.StatusCode, body)
	}
}

// TestAccountScopeEdit: an administrator changes an uploader's scope
// after creation, through PATCH /api/v1/users/{id} and the users page, on
// both engines. The new scope is stored in its canonical form, audited
// before → after, shown by name, and holds from the uploader's next
// request (its session stays). Codes the catalogue lacks are refused with
// every one of them named, in the page's language, and nothing is stored;
// a role other than uploader has no scope.
func TestAccountScopeEdit(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		ctx := context.Background()
		a := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")
		var made userAnswer
		if code := a.call("POST", "/api/v1/users", `{"email":"staf@bps.id","role":"uploader","agency":"bps-banyuasin","password":"kata-sandi-panjang","territory":"16.07.01"}`, &made); code != 201 {
			t.Fatalf("create: %d", code)
		}
		path := fmt.Sprintf("/api/v1/users/%d", made.Data.ID)
		staf := newAPIClient(t, base, "staf@bps.id", "kata-sandi-panjang")
		upload := func(region string) (int, string) {
			return staf.send("POST", "/api/v1/uploads?dry_run=true", "text/csv", povertyHeader+region+";kemiskinan;2024;11,5\n", nil)
		}
		if code, body := upload("16.07.02"); code != 403 || !strings.Contains(body, "16.07.02") {
			t.Fatalf("before the change, another district: %d %.300s", code, body)
		}

		// The API: commas or spaces, stored as codes and spaces.
		var changed userAnswer
		if code := a.call("PATCH", path, `{"territory":"16.07.02, 16.07.03","plans":"rpjmd-banyuasin-2025-2029"}`, &changed); code != 200 ||
			changed.Data.Territory != "16.07.02 16.07.03" || changed.Data.Plans != "rpjmd-banyuasin-2025-2029" || changed.Data.AgencyCode != "bps-banyuasin" {
			t.Fatalf("scope change: %d %+v", code, changed.Data)
		}
		if u, _ := st.User(ctx, made.Data.ID); u.Territory != "16.07.02 16.07.03" || u.Plans != "rpjmd-banyuasin-2025-2029" || u.Name != made.Data.Name {
			t.Errorf("stored %+v", u)
		}
		// The same session now writes for the new districts, not the old one.
		if code, body := upload("16.07.02"); code != 200 {
			t.Errorf("after the change, a district now in the territory: %d %.300s", code, body)
		}
		if code, body := upload("16.07.01"); code != 403 || !strings.Contains(body, "16.07.02 16.07.03") {
			t.Errorf("after the change, the district it had: %d %.300s", code, body)
		}

		for _, tt := range []struct{ body, says string }{
			{`{"territory":"16.99 16.07.02 16.98"}`, `territory: "16.99", "16.98" are not regions in the catalogue`},
			{`{"plans":"rpjmd-tidak-ada"}`, `plans: "rpjmd-tidak-ada" is not a plan in the catalogue`},
			{`{"territory":"16/07","plans":"RPJMN!"}`, `territory: "16/07" is not a region in the catalogue; plans: "RPJMN!" is not a plan in the catalogue`},
			{`{"role":"planner","territory":"16.07"}`, "only uploaders have a territory and plans (role planner)"},
		} {
			var r struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if code := a.call("PATCH", path, tt.body, &r); code != 400 || r.Error.Code != "invalid" || r.Error.Message != tt.says {
				t.Errorf("%s: %d %+v, want 400 saying %s", tt.body, code, r.Error, tt.says)
			}
		}
		if u, _ := st.User(ctx, made.Data.ID); u.Territory != "16.07.02 16.07.03" || u.Plans != "rpjmd-banyuasin-2025-2029" || u.Role != domain.RoleUploader {
			t.Errorf("a refused change was stored: %+v", u)
		}
		var nation userAnswer
		if code := a.call("PATCH", path, `{"territory":"ID","plans":""}`, &nation); code != 200 || nation.Data.Territory != "ID" || nation.Data.Plans != "" {
			t.Errorf("the nation, no plans: %d %+v", code, nation.Data)
		}
		var token struct {
			Error struct{ Message string } `json:"error"`
		}
		if code := a.call("POST", "/api/v1/tokens", `{"agency":"bps-banyuasin","territory":"16.07 16.77"}`, &token); code != 400 || !strings.Contains(token.Error.Message, `"16.77"`) {
			t.Errorf("a token for a region not in the catalogue: %d %+v", code, token.Error)
		}

		// The page: the table names the regions, the form takes codes.
		b := newAcctBrowser(t, base)
		b.login("admin@bappeda.id", "kata-sandi-panjang")
		page := b.adminPage("/admin/pengguna", "Wilayah dan rencana", fmt.Sprintf(`id="u%d-territory" name="territory" maxlength="500" autocomplete="off" aria-describedby="u%[1]d-territory-hint" value="ID"`, made.Data.ID))
		if !strings.Contains(page, "Wilayah: Indonesia (ID)<br>Rencana: rencana wilayahnya") {
			t.Errorf("the users table does not show the scope by name: %.3000s", page[strings.Index(page, "<tbody>"):])
		}
		tok := formToken(t, page)
		form := func(territory, plans string) url.Values {
			return url.Values{"csrf_token": {tok}, "name": {"Staf BPS"}, "role": {"uploader"}, "agency": {"bps-banyuasin"}, "territory": {territory}, "plans": {plans}}
		}
		pagePath := fmt.Sprintf("/admin/pengguna/%d", made.Data.ID)
		resp, _ := b.do("POST", pagePath, form("16.07.04 16.07.05", "rkpd-sumsel-2025"))
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pengguna?ok=updated" {
			t.Fatalf("page change: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if u, _ := st.User(ctx, made.Data.ID); u.Territory != "16.07.04 16.07.05" || u.Plans != "rkpd-sumsel-2025" || u.Name != "Staf BPS" {
			t.Errorf("stored after the page: %+v", u)
		}
		r4, _ := st.Region(ctx, "16.07.04")
		r5, _ := st.Region(ctx, "16.07.05")
		want := "Wilayah: " + r4.Name + " (16.07.04), " + r5.Name + " (16.07.05)<br>Rencana: "
		if _, page := b.do("GET", "/admin/pengguna", nil); r4.Name == "" || !strings.Contains(page, want) || !strings.Contains(page, "(rkpd-sumsel-2025)</span>") {
			t.Errorf("the table after the change lacks %q", want)
		}
		resp, page = b.do("POST", pagePath, form("16.07.04 16.99", "rencana-lain"))
		if resp.StatusCode != 400 || !strings.Contains(page, "Kode wilayah tidak ada di katalog: 16.99. Kode rencana tidak ada di katalog: rencana-lain.") {
			t.Errorf("page, unknown codes: %d %s", resp.StatusCode, regexp.MustCompile(`class="problem"[^<]*<`).FindString(page))
		}
		resp, page = b.do("POST", pagePath+"?lang=en", form("16.99", ""))
		if resp.StatusCode != 400 || !strings.Contains(page, "Region codes not in the catalogue: 16.99.") {
			t.Errorf("English page, unknown region: %d", resp.StatusCode)
		}
		if u, _ := st.User(ctx, made.Data.ID); u.Territory != "16.07.04 16.07.05" {
			t.Errorf("a refused page change was stored: %+v", u)
		}
		// A planner keeps no scope: the page leaves the fields out, as it
		// does the agency.
		planner := form("16.07.04", "")
		planner.Set("role", "planner")
		if resp, _ := b.do("POST", pagePath, planner); resp.StatusCode != 303 {
			t.Fatalf("to planner: %d", resp.StatusCode)
		}
		if u, _ := st.User(ctx, made.Data.ID); u.Role != domain.RolePlanner || u.AgencyCode != "" || u.Territory != "" || u.Plans != "" {
			t.Errorf("as planner: %+v", u)
		}

		// Audited like every account edit: the account before and after.
		entries, err := st.AuditLog(ctx, store.AuditQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range entries {
			if e.Action == "user_update" && e.Object == fmt.Sprintf("user:%d", made.Data.ID) {
				details = append([]string{e.Detail}, details...)
			}
		}
		wantDetails := []string{
			`staf@bps.id uploader bps-banyuasin territory "16.07.01" → staf@bps.id uploader bps-banyuasin territory "16.07.02 16.07.03" plans "rpjmd-banyuasin-2025-2029"`,
			`staf@bps.id uploader bps-banyuasin territory "16.07.02 16.07.03" plans "rpjmd-banyuasin-2025-2029" → staf@bps.id uploader bps-banyuasin territory "ID"`,
			`staf@bps.id uploader bps-banyuasin territory "ID" → staf@bps.id uploader bps-banyuasin territory "16.07.04 16.07.05" plans "rkpd-sumsel-2025"`,
			`staf@bps.id uploader bps-banyuasin territory "16.07.04 16.07.05" plans "rkpd-sumsel-2025" → staf@bps.id planner`,
		}
		if strings.Join(details, "\n") != strings.Join(wantDetails, "\n") {
			t.Errorf("audited\n%s\nwant\n%s", strings.Join(details, "\n"), strings.Join(wantDetails, "\n"))
		}
	})
}
