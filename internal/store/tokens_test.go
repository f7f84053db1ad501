package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestTokens(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, _, err := st.CreateToken(ctx, "nope", ""); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("token for an unknown agency: %v", err)
		}
		if err := st.PutAgency(ctx, domain.Agency{Code: "bps-banyuasin", Name: "BPS Kabupaten Banyuasin"}); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := st.CreateToken(ctx, "bps-banyuasin", "ops")
		if err != nil {
			t.Fatal(err)
		}
		var stored string
		st.DB().Get(&stored, `SELECT hash FROM tokens`)
		if stored == "" || strings.Contains(stored, secret) || strings.Contains(secret, stored) {
			t.Errorf("the table keeps %q for secret %q", stored, secret)
		}
		got, err := st.Authenticate(ctx, secret)
		if err != nil || got.ID != tok.ID || got.AgencyCode != "bps-banyuasin" || got.LastUsedAt == nil {
			t.Fatalf("authenticate = %+v, %v", got, err)
		}
		list, _ := st.Tokens(ctx, "bps-banyuasin")
		if len(list) != 1 || list[0].LastUsedAt == nil {
			t.Errorf("tokens = %+v", list)
		}
		for _, bad := range []string{"", "pantau_", secret + "x", strings.TrimPrefix(secret, "pantau_"), stored} {
			if _, err := st.Authenticate(ctx, bad); !errors.Is(err, domain.ErrUnauthorized) {
				t.Errorf("token %q: %v, want unauthorized", bad, err)
			}
		}
	})
}

func TestTokensRevokeAndAudit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.PutAgency(ctx, domain.Agency{Code: "dinkes", Name: "Dinas Kesehatan"}); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := st.CreateToken(ctx, "dinkes", "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		list, err := st.AllTokens(ctx, "")
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || list[0].RevokedAt != nil {
			t.Fatalf("tokens: %v %+v", err, list)
		}
		r, err := st.RevokeToken(ctx, tok.ID, "user:1:admin@x.id")
		if err != nil || r.RevokedAt == nil || r.RevokedBy != "user:1:admin@x.id" {
			t.Fatalf("revoke: %v %+v", err, r)
		}
		if _, err := st.Authenticate(ctx, secret); !errors.Is(err, domain.ErrUnauthorized) {
			t.Fatalf("revoked token still authenticates: %v", err)
		}
		if _, err := st.RevokeToken(ctx, tok.ID, "again"); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if _, err := st.RevokeToken(ctx, 999, "x"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
		if l, _ := st.AllTokens(ctx, "other"); len(l) != 0 {
			t.Fatalf("other agency's list: %+v", l)
		}

		for i, a := range []string{"one", "two", "three"} {
			e := store.AuditFor(domain.TokenPrincipal(int64(i+1), "dinkes"))
			e.Action, e.IP = a, "192.0.2.9"
			if err := st.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		page, err := st.AuditLog(ctx, store.AuditQuery{Limit: 2})
		if err != nil || len(page) != 2 || page[0].Action != "three" || page[1].Action != "two" || page[0].TokenID == nil || page[0].Principal != "token:3:dinkes" {
			t.Fatalf("first page: %v %+v", err, page)
		}
		rest, err := st.AuditLog(ctx, store.AuditQuery{Before: page[1].ID, Limit: 2})
		if err != nil || len(rest) != 1 || rest[0].Action != "one" || rest[0].At.IsZero() {
			t.Fatalf("second page: %v %+v", err, rest)
		}
	})
}
