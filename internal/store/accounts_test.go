package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
)

func TestAccountsLoginLockoutSessions(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.PutAgency(ctx, domain.Agency{Code: "bps-banyuasin", Name: "BPS Kabupaten Banyuasin"}); err != nil {
			t.Fatal(err)
		}
		const pw = "kata-sandi-panjang"
		u, err := st.CreateUser(ctx, domain.User{Email: " Staf@BPS.go.id ", Role: domain.RoleUploader, AgencyCode: "bps-banyuasin"}, pw)
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "staf@bps.go.id" || u.ID == 0 {
			t.Fatalf("created %+v", u)
		}
		for _, tt := range []struct {
			name string
			u    domain.User
			pw   string
			kind error
		}{
			{"taken address", domain.User{Email: "staf@bps.go.id", Role: domain.RolePlanner}, pw, domain.ErrConflict},
			{"unknown agency", domain.User{Email: "a@b.id", Role: domain.RoleUploader, AgencyCode: "dinkes"}, pw, domain.ErrNotFound},
			{"uploader without agency", domain.User{Email: "a@b.id", Role: domain.RoleUploader}, pw, domain.ErrInvalid},
			{"planner with agency", domain.User{Email: "a@b.id", Role: domain.RolePlanner, AgencyCode: "bps-banyuasin"}, pw, domain.ErrInvalid},
			{"public is no account role", domain.User{Email: "a@b.id", Role: domain.RolePublic}, pw, domain.ErrInvalid},
			{"short password", domain.User{Email: "a@b.id", Role: domain.RoleAdmin}, "pendek", domain.ErrInvalid},
			{"not an address", domain.User{Email: "Admin <a@b.id>", Role: domain.RoleAdmin}, pw, domain.ErrInvalid},
		} {
			if _, err := st.CreateUser(ctx, tt.u, tt.pw); !errors.Is(err, tt.kind) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.kind)
			}
		}

		secret, sess, got, err := st.Login(ctx, "STAF@bps.go.id", pw, "192.0.2.1")
		if err != nil || got.ID != u.ID || sess.CSRF == "" || len(secret) < 40 {
			t.Fatalf("login: %v %+v", err, got)
		}
		if sess.IDHash == secret {
			t.Fatal("the session id is stored in clear")
		}
		if _, who, err := st.SessionUser(ctx, secret); err != nil || who.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		if _, _, err := st.SessionUser(ctx, secret+"x"); !errors.Is(err, domain.ErrUnauthorized) {
			t.Fatalf("unknown session: %v", err)
		}

		// Unknown address and wrong password give the same refusal.
		if _, _, _, err := st.Login(ctx, "nobody@bps.go.id", pw, ""); !store.ErrBadLogin(err) {
			t.Fatalf("unknown address: %v", err)
		}
		for i := 0; i < store.LockoutThreshold; i++ {
			if _, _, _, err := st.Login(ctx, u.Email, "salah-salah-salah", ""); !store.ErrBadLogin(err) {
				t.Fatalf("wrong password %d: %v", i, err)
			}
		}
		if _, _, _, err := st.Login(ctx, u.Email, pw, ""); !store.ErrBadLogin(err) {
			t.Fatalf("locked account let the right password in: %v", err)
		}
		// Once the lock has passed, the right password works and resets the count.
		if _, err := st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE users SET locked_until = ? WHERE id = ?`), time.Now().UTC().Add(-time.Second), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := st.Login(ctx, u.Email, pw, ""); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		var failed int
		st.DB().GetContext(ctx, &failed, st.DB().Rebind(`SELECT failed_logins FROM users WHERE id = ?`), u.ID)
		if failed != 0 {
			t.Errorf("failed_logins = %d after a good login", failed)
		}

		// Expiry: past expires_at, or idle too long.
		exp, _, _ := st.CreateSession(ctx, u.ID, "")
		st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE sessions SET expires_at = ? WHERE user_id = ? AND id_hash <> ?`), time.Now().UTC().Add(-time.Minute), u.ID, sess.IDHash)
		if _, _, err := st.SessionUser(ctx, exp); !errors.Is(err, domain.ErrUnauthorized) {
			t.Fatalf("expired session: %v", err)
		}

		// Password change: the current password is checked, every session ends.
		if err := st.ChangePassword(ctx, u.ID, "salah-salah-salah", "kata-sandi-baru-1"); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("wrong current password: %v", err)
		}
		if err := st.ChangePassword(ctx, u.ID, pw, "baru"); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("short new password: %v", err)
		}
		if err := st.ChangePassword(ctx, u.ID, pw, "kata-sandi-baru-1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.SessionUser(ctx, secret); !errors.Is(err, domain.ErrUnauthorized) {
			t.Fatalf("session survived a password change: %v", err)
		}
		if _, _, _, err := st.Login(ctx, u.Email, "kata-sandi-baru-1", ""); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
		if err := st.DeleteSession(ctx, secret); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTokensRevokeAndAudit(t *testing.T) {
	engines(t, func(t *testing.T, st *store.Store) {
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

func TestLockoutDelay(t *testing.T) {
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {store.LockoutThreshold - 1, 0}, {store.LockoutThreshold, time.Minute},
		{store.LockoutThreshold + 1, 2 * time.Minute}, {store.LockoutThreshold + 3, 8 * time.Minute}, {store.LockoutThreshold + 40, time.Hour},
	} {
		if got := store.LockoutDelay(tt.failures); got != tt.want {
			t.Errorf("LockoutDelay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}
