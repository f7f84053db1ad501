package web_test

import (
	"context"
	"io"
	"net/http"
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
