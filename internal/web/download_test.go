package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"pantau/internal/domain"
	"pantau/internal/store"
	"pantau/internal/web"
)

// keepBigFile stores an upload of one value whose kept file is size bytes,
// through the store's own import path, and returns the upload's id and
// the file's SHA-256.
func keepBigFile(t *testing.T, st *store.Store, size int) (int64, string) {
	t.Helper()
	line := strings.Repeat("x", 1023) + "\n"
	content := strings.Repeat(line, size/len(line))
	sum := sha256Hex(content)
	up, err := st.ImportObservations(context.Background(), domain.Upload{Filename: "besar.csv", AgencyCode: "bps-banyuasin", CreatedBy: "test"},
		func(emit func(domain.Observation) error) (domain.Counts, error) {
			return domain.Counts{}, emit(domain.Observation{ObservationKey: domain.ObservationKey{IndicatorCode: "kemiskinan_ekstrem", RegionCode: "16.07", Year: 2024}, Value: 0.5, Status: domain.StatusFinal})
		}, store.ImportOptions{File: func() (store.UploadFile, error) {
			return store.UploadFile{SHA256: sum, Size: int64(len(content)), Content: strings.NewReader(content)}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return up.ID, sum
}

// liveHeap is the heap in use once garbage is collected.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSlowDownloadsStream starts 20 slow anonymous downloads of a 16 MB
// kept file at once: the server's live heap grows by a few MB, since the
// file streams chunk by chunk (the ETag middleware used to hold each whole:
// 20 × 16 MB). A matching If-None-Match is a 304 with no body, for the kept
// file and the audit CSV.
func TestSlowDownloadsStream(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		const size, clients = 16 << 20, 20
		id, sum := keepBigFile(t, srv.st, size)
		url := fmt.Sprintf("%s/api/v1/uploads/%d/file", srv.base, id)
		before := liveHeap()
		var wg sync.WaitGroup
		stop := make(chan struct{})
		got := make(chan int64, clients)
		// reading counts down as each client has its first bytes (or gives
		// up): on a slow machine the handlers can take seconds to start.
		var reading sync.WaitGroup
		reading.Add(clients)
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var first sync.Once
				defer first.Do(reading.Done)
				resp, err := http.Get(url)
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				var n int64
				buf := make([]byte, 16<<10)
				for {
					select {
					case <-stop:
						got <- n
						return
					case <-time.After(20 * time.Millisecond):
					}
					m, err := resp.Body.Read(buf)
					n += int64(m)
					if n > 0 {
						first.Do(reading.Done)
					}
					if err != nil {
						got <- n
						return
					}
				}
			}()
		}
		allReading := make(chan struct{})
		go func() { reading.Wait(); close(allReading) }()
		select {
		case <-allReading:
		case <-time.After(time.Minute):
		}
		time.Sleep(1500 * time.Millisecond) // every handler is well into its file
		during := liveHeap()
		close(stop)
		wg.Wait()
		close(got)
		for n := range got {
			if n == 0 || n >= size {
				t.Errorf("a slow client read %d of %d bytes: not a slow download", n, size)
			}
		}
		grew := int64(during) - int64(before)
		t.Logf("live heap %d MB before, %d MB during %d slow downloads of %d MB", before>>20, during>>20, clients, size>>20)
		if grew > 64<<20 {
			t.Errorf("the live heap grew by %d MB during %d slow downloads of a %d MB file: downloads are held in memory", grew>>20, clients, size>>20)
		}

		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("If-None-Match", `"`+sum+`"`)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != `"`+sum+`"` {
			t.Errorf("kept file with its ETag: %d, %d bytes, ETag %q; want 304, no body", resp.StatusCode, len(body), resp.Header.Get("ETag"))
		}
	})
}

// TestAuditCSVConditional: the audit CSV has an ETag; asked again with it
// the answer is a 304, and a new entry makes a new tag.
func TestAuditCSVConditional(t *testing.T) {
	st, base := accountServer(t, web.Options{})
	b := newAcctBrowser(t, base)
	if resp := b.login("admin@bappeda.id", "kata-sandi-panjang"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, body := b.do("GET", "/api/v1/audit?format=csv", nil)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || etag == "" || !strings.HasPrefix(body, "id,at,") {
		t.Fatalf("audit CSV: %d ETag %q %.100s", resp.StatusCode, etag, body)
	}
	if resp, body := b.do("GET", "/api/v1/audit?format=csv", nil, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("audit CSV with its ETag: %d %.100s, want 304", resp.StatusCode, body)
	}
	if err := st.Audit(context.Background(), store.AuditEntry{Principal: "test", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := b.do("GET", "/api/v1/audit?format=csv", nil, "If-None-Match", etag); resp.StatusCode != http.StatusOK {
		t.Errorf("audit CSV after a new entry, with the old ETag: %d, want 200", resp.StatusCode)
	}
}

// sha256Hex is the SHA-256 of s in hex, as the API names a stored file.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
