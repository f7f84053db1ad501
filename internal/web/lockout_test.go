package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"pantau/internal/store"
	"pantau/internal/web"
)

// TestLockoutPerSource: a stranger's failed logins lock the stranger's
// address out of the administrator's account, with a delay that doubles,
// while the administrator logs in from another address and is told of the
// lockout on the administration pages. The lockout used to be the
// account's: one failed login a lockout period kept the owner out.
func TestLockoutPerSource(t *testing.T) {
	st, base := accountServer(t, web.Options{TrustedProxies: []string{"127.0.0.1/32"}})
	ctx := context.Background()
	const stranger, owner = "203.0.113.7", "198.51.100.9"
	login := func(b *acctBrowser, client, password string) int {
		return b.loginFrom(client, "admin@bappeda.id", password)
	}
	guesser := newAcctBrowser(t, base)
	for i := range store.LockoutThreshold {
		if got := login(guesser, stranger, "salah-salah-salah"); got != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, got)
		}
	}
	if got := login(guesser, stranger, "kata-sandi-panjang"); got != http.StatusUnauthorized {
		t.Errorf("the locked-out source with the right password: %d, want 401", got)
	}
	admin := newAcctBrowser(t, base)
	if got := login(admin, owner, "kata-sandi-panjang"); got != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want 303 (the account is locked for everyone)", got)
	}
	resp, page := admin.do("GET", "/admin/pengguna?lang=en", nil, "X-Forwarded-For", owner)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, stranger+" is locked out of admin@bappeda.id after 5 failed logins") {
		t.Errorf("the administrators' page does not tell of the lockout: %d %.300s", resp.StatusCode, page)
	}

	// Once the lock has passed, the next failure locks the source for
	// twice as long.
	locks, err := st.Lockouts(ctx)
	if err != nil || len(locks) != 1 {
		t.Fatalf("lockouts %+v %v, want the stranger's", locks, err)
	}
	first := time.Until(locks[0].LockedUntil)
	if _, err := st.DB().ExecContext(ctx, st.DB().Rebind(`UPDATE login_failures SET locked_until = ?`), time.Now().UTC().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := login(guesser, stranger, "salah-salah-salah"); got != http.StatusUnauthorized {
		t.Fatalf("wrong password after the lock: %d", got)
	}
	locks, err = st.Lockouts(ctx)
	if err != nil || len(locks) != 1 {
		t.Fatalf("lockouts %+v %v, want the stranger's", locks, err)
	}
	second := time.Until(locks[0].LockedUntil)
	t.Logf("locked out for %v, then %v", first.Round(time.Second), second.Round(time.Second))
	if first < 50*time.Second || second < 2*first-10*time.Second {
		t.Errorf("locked out for %v, then %v: want a minute, then twice that", first, second)
	}
}

// TestLoginLimitBehindProxy: behind a trusted proxy, ten failed logins from
// one client address are that client's, not everyone's: another client
// signs in, and the audit log names the client, not the proxy.
func TestLoginLimitBehindProxy(t *testing.T) {
	st, base := accountServer(t, web.Options{TrustedProxies: []string{"127.0.0.1/32"}})
	login := func(client, email, password string) int {
		return newAcctBrowser(t, base).loginFrom(client, email, password)
	}
	if refused := refusedLogins(t, loginFlood(t, base, 11, "X-Forwarded-For", "203.0.113.7")); refused == 0 {
		t.Fatal("eleven failed logins at once from one client: none refused, want 429")
	}
	if got := login("198.51.100.9", "admin@bappeda.id", "kata-sandi-panjang"); got != http.StatusSeeOther {
		t.Errorf("another client's login: %d, want 303", got)
	}
	entries, err := st.AuditLog(context.Background(), store.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == "login_failed" && e.IP != "203.0.113.7" {
			t.Errorf("a failed login audited from %q, not the client's address", e.IP)
		}
	}
}
