package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/testdb"
	"pantau/internal/web"
)

// slowSend posts body to path as a bare CSV at about rate bytes a second
// over a raw connection, calls sent once the body is out whole, and
// returns the answer's status and body.
func slowSend(t *testing.T, base, path, token, body string, rate int, sent func()) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", path, token, len(body))
	const tick = 100 * time.Millisecond
	step := rate / 10
	for len(body) > 0 {
		n := min(step, len(body))
		if _, err := io.WriteString(conn, body[:n]); err != nil {
			t.Error(err)
			return 0, ""
		}
		body = body[n:]
		time.Sleep(tick)
	}
	sent()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(answer)
}

// TestSlowUploadHoldsNothing sends two uploads at 250 B/s (one real, one a
// dry run) for about nine seconds each; meanwhile another agency uploads,
// an administrator signs in, reads and revokes a token, and each answers
// while the slow bodies are still arriving: the slow bodies are received
// whole before any transaction. They used to begin the import's transaction first and read the body
// inside it, so every other write waited for the slowest sender (SQLite:
// "database is locked" after 30 s).
func TestSlowUploadHoldsNothing(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			st := openDemo(t, engine)
			// No minimum rate: what is tested is what a slow sender holds,
			// not that it is cut off (TestStalledUpload).
			base, _ := serveStore(t, st, web.Options{MaxUploadBytes: testMaxUpload})
			if _, err := st.CreateUser(ctx, domain.User{Email: "admin@bappeda.id", Role: domain.RoleAdmin}, "kata-sandi-panjang"); err != nil {
				t.Fatal(err)
			}
			bps, _, err := st.CreateToken(ctx, "bps-banyuasin", "slow")
			if err != nil {
				t.Fatal(err)
			}
			health, _, err := st.CreateToken(ctx, "dinkes-banyuasin", "fast")
			if err != nil {
				t.Fatal(err)
			}
			_, victim, err := st.CreateToken(ctx, "bps-banyuasin", "to revoke")
			if err != nil {
				t.Fatal(err)
			}
			admin := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")
			var file strings.Builder
			file.WriteString(povertyHeader)
			for year := 1960; year <= 2024; year++ {
				fmt.Fprintf(&file, "16.07;kemiskinan_ekstrem;%d;%d,5\n", year, year%7)
			}
			var wg sync.WaitGroup
			slow := map[string]int{}
			var mu sync.Mutex
			// firstSent is when the first slow body has been sent whole:
			// every other request must have been answered before then.
			var firstSent time.Time
			for _, path := range []string{"/api/v1/uploads?confirm_warnings=true", "/api/v1/uploads?dry_run=true"} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, body := slowSend(t, base, path, bps, file.String(), 250, func() {
						mu.Lock()
						if firstSent.IsZero() {
							firstSent = time.Now()
						}
						mu.Unlock()
					})
					mu.Lock()
					slow[path] = status
					mu.Unlock()
					if status != http.StatusCreated && status != http.StatusOK {
						t.Errorf("slow upload %s: %d %.300s", path, status, body)
					}
				}()
			}
			time.Sleep(time.Second) // both slow senders are well into their bodies
			var others sync.WaitGroup
			// A request that waited for a slow body would be answered only
			// after that body is whole: the bound is the slow senders' own
			// pace (about 8 s for 2 KB at 250 B/s), not the machine's speed.
			check := func(what string, fn func() int, want int) {
				start := time.Now()
				got := fn()
				done := time.Now()
				mu.Lock()
				late := !firstSent.IsZero() && firstSent.Before(done)
				mu.Unlock()
				t.Logf("%s: %d in %v", what, got, done.Sub(start).Round(time.Millisecond))
				if got != want || late {
					t.Errorf("%s during slow uploads: %d after %v (answered after a slow body was complete: %v), want %d while the slow bodies are still arriving", what, got, done.Sub(start).Round(time.Millisecond), late, want)
				}
			}
			within := func(what string, fn func() int, want int) {
				others.Add(1)
				go func() {
					defer others.Done()
					check(what, fn, want)
				}()
			}
			// All at once, each while the slow bodies are still arriving.
			within("another agency's upload", func() int {
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/uploads", strings.NewReader(povertyHeader+"16.07;stunting;2024;17,5\n"))
				req.Header.Set("Content-Type", "text/csv")
				req.Header.Set("Authorization", "Bearer "+health)
				status, _, _ := do(t, req)
				return status
			}, http.StatusCreated)
			within("revoking a token", func() int {
				return admin.call(http.MethodDelete, fmt.Sprintf("/api/v1/tokens/%d", victim.ID), "", nil)
			}, http.StatusOK)
			within("signing in", func() int {
				return newAcctBrowser(t, base).login("admin@bappeda.id", "kata-sandi-panjang").StatusCode
			}, http.StatusSeeOther)
			others.Wait()
			wg.Wait()
			if slow["/api/v1/uploads?confirm_warnings=true"] != http.StatusCreated || slow["/api/v1/uploads?dry_run=true"] != http.StatusOK {
				t.Errorf("the slow uploads answered %v, want 201 and 200", slow)
			}
		})
	}
}
