package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

func TestAccountsLoginLockoutSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
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
		if _, err := st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE login_failures SET locked_until = ? WHERE user_id = ?`), time.Now().UTC().Add(-time.Second), u.ID); err != nil {
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

func ptr[T any](v T) *T { return &v }

func TestUserAdministration(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, code := range []string{"bps-banyuasin", "dinkes-banyuasin"} {
			if err := st.PutAgency(ctx, domain.Agency{Code: code, Name: code}); err != nil {
				t.Fatal(err)
			}
		}
		const pw = "kata-sandi-panjang"
		mk := func(email string, role domain.Role, agency string) domain.User {
			u, err := st.CreateUser(ctx, domain.User{Email: email, Role: role, AgencyCode: agency}, pw)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		admin := mk("admin@bappeda.id", domain.RoleAdmin, "")
		staf := mk("staf@bps.id", domain.RoleUploader, "bps-banyuasin")

		// Last login: none until the first one.
		if u, _ := st.User(ctx, staf.ID); u.LastLoginAt != nil {
			t.Fatalf("last login before any: %v", u.LastLoginAt)
		}
		secret, _, got, err := st.Login(ctx, staf.Email, pw, "")
		if err != nil || got.LastLoginAt == nil {
			t.Fatalf("login: %v %+v", err, got)
		}
		users, err := st.Users(ctx)
		if err != nil || len(users) != 2 || users[1].LastLoginAt == nil || users[0].LastLoginAt != nil {
			t.Fatalf("users: %v %+v", err, users)
		}

		// Edits, and the refusals each kind of bad edit gets.
		_, after, err := st.UpdateUser(ctx, staf.ID, domain.UserChange{Name: ptr("  Staf BPS  "), AgencyCode: ptr("dinkes-banyuasin")})
		if err != nil || after.Name != "Staf BPS" || after.AgencyCode != "dinkes-banyuasin" || after.Role != domain.RoleUploader {
			t.Fatalf("rename and move: %v %+v", err, after)
		}
		if u, _ := st.User(ctx, staf.ID); u.Name != "Staf BPS" || u.AgencyCode != "dinkes-banyuasin" {
			t.Fatalf("stored %+v", u)
		}
		for _, tt := range []struct {
			name string
			id   int64
			ch   domain.UserChange
			kind error
		}{
			{"unknown user", 9999, domain.UserChange{Name: ptr("x")}, domain.ErrNotFound},
			{"unknown agency", staf.ID, domain.UserChange{AgencyCode: ptr("bpbd")}, domain.ErrNotFound},
			{"uploader without agency", staf.ID, domain.UserChange{AgencyCode: ptr("")}, domain.ErrInvalid},
			{"planner with agency", staf.ID, domain.UserChange{Role: ptr(domain.RolePlanner), AgencyCode: ptr("bps-banyuasin")}, domain.ErrInvalid},
			{"no such role", staf.ID, domain.UserChange{Role: ptr(domain.RolePublic)}, domain.ErrInvalid},
			{"name too long", staf.ID, domain.UserChange{Name: ptr(strings.Repeat("n", domain.MaxNameLength+1))}, domain.ErrInvalid},
			{"last admin demoted", admin.ID, domain.UserChange{Role: ptr(domain.RolePlanner)}, domain.ErrConflict},
			{"last admin disabled", admin.ID, domain.UserChange{Disabled: ptr(true)}, domain.ErrConflict},
		} {
			if _, _, err := st.UpdateUser(ctx, tt.id, tt.ch); !errors.Is(err, tt.kind) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.kind)
			}
		}
		// A role other than uploader drops the agency by itself.
		if _, after, err := st.UpdateUser(ctx, staf.ID, domain.UserChange{Role: ptr(domain.RolePlanner)}); err != nil || after.AgencyCode != "" {
			t.Fatalf("to planner: %v %+v", err, after)
		}
		if _, after, err := st.UpdateUser(ctx, staf.ID, domain.UserChange{Role: ptr(domain.RoleUploader), AgencyCode: ptr("bps-banyuasin")}); err != nil || after.AgencyCode != "bps-banyuasin" {
			t.Fatalf("back to uploader: %v %+v", err, after)
		}

		// Disabling ends the sessions and refuses logins; enabling lets
		// the person in again.
		if _, _, err := st.UpdateUser(ctx, staf.ID, domain.UserChange{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		var n int
		st.DB().GetContext(ctx, &n, st.DB().Rebind(`SELECT count(*) FROM sessions WHERE user_id = ?`), staf.ID)
		if _, _, err := st.SessionUser(ctx, secret); !errors.Is(err, domain.ErrUnauthorized) || n != 0 {
			t.Fatalf("session of a disabled account: %v, %d rows", err, n)
		}
		if _, _, _, err := st.Login(ctx, staf.Email, pw, ""); !store.ErrBadLogin(err) {
			t.Fatalf("disabled account logged in: %v", err)
		}
		if _, _, err := st.UpdateUser(ctx, staf.ID, domain.UserChange{Disabled: ptr(false)}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := st.Login(ctx, staf.Email, pw, ""); err != nil {
			t.Fatalf("enabled account: %v", err)
		}

		// With a second active administrator the first may step down.
		second := mk("kedua@bappeda.id", domain.RoleAdmin, "")
		if _, _, err := st.UpdateUser(ctx, admin.ID, domain.UserChange{Role: ptr(domain.RolePlanner)}); err != nil {
			t.Fatalf("demote with another admin: %v", err)
		}
		if _, _, err := st.UpdateUser(ctx, second.ID, domain.UserChange{Disabled: ptr(true)}); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("disable the one admin left: %v", err)
		}

		// A reset: the new password works, the old one and every session
		// do not, and a lockout is lifted.
		secret, _, _, err = st.Login(ctx, staf.Email, pw, "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < store.LockoutThreshold; i++ {
			st.Login(ctx, staf.Email, "salah-salah-salah", "")
		}
		if err := st.SetPassword(ctx, staf.ID, "pendek"); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("short password: %v", err)
		}
		if err := st.SetPassword(ctx, 9999, "kata-sandi-baru-1"); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		if err := st.SetPassword(ctx, staf.ID, "kata-sandi-baru-1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.SessionUser(ctx, secret); !errors.Is(err, domain.ErrUnauthorized) {
			t.Fatalf("session survived the reset: %v", err)
		}
		if _, _, _, err := st.Login(ctx, staf.Email, pw, ""); !store.ErrBadLogin(err) {
			t.Fatalf("old password after reset: %v", err)
		}
		if _, _, _, err := st.Login(ctx, staf.Email, "kata-sandi-baru-1", ""); err != nil {
			t.Fatalf("new password after reset: %v", err)
		}

		// Generated passwords are valid and differ.
		a, b := domain.GeneratePassword(), domain.GeneratePassword()
		if a == b || domain.ValidatePassword(a) != nil || strings.ContainsAny(a, "0O1lI") {
			t.Fatalf("generated %q %q", a, b)
		}

		// Token labels are bounded.
		if _, _, err := st.CreateToken(ctx, "bps-banyuasin", strings.Repeat("l", store.MaxTokenLabel+1)); !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("long label: %v", err)
		}
		if _, tok, err := st.CreateToken(ctx, "bps-banyuasin", "  skrip impor  "); err != nil || tok.Label != "skrip impor" {
			t.Fatalf("label: %v %+v", err, tok)
		}
	})
}

// TestLastAdminRace has two administrators disable each other at the same
// moment, many times over: exactly one of each pair may succeed.
func TestLastAdminRace(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for round := 0; round < 10; round++ {
			var ids [2]int64
			for i := range ids {
				u, err := st.CreateUser(ctx, domain.User{Email: strings.Repeat("a", i+1) + "@r" + string(rune('a'+round)) + ".id", Role: domain.RoleAdmin}, "kata-sandi-panjang")
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = u.ID
			}
			var wg sync.WaitGroup
			var errs [2]error
			for i := range ids {
				wg.Go(func() {
					_, _, errs[i] = st.UpdateUser(ctx, ids[1-i], domain.UserChange{Disabled: ptr(true)})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, domain.ErrConflict):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d of two cross-disables succeeded, want 1 (%v)", round, ok, errs)
			}
			// Leave no active administrator for the next round's pair.
			if _, err := st.DB().ExecContext(ctx, `UPDATE users SET role = 'planner'`); err != nil {
				t.Fatal(err)
			}
		}
	})
}
