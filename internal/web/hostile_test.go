package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"pantau/internal/testdb"
	"pantau/internal/web"
)

// Tests of issue 21: what a hostile client can make the service store,
// answer or count. Each runs against a real server on loopback.

// metricsSize fetches /metrics twice (the first fetch is itself counted)
// and returns the second body's size.
func metricsSize(t *testing.T, base string) (int, string) {
	t.Helper()
	var body []byte
	for range 2 {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return len(body), string(body)
}

// TestInventedMethodsLeaveMetricsAlone sends 2,000 requests with invented
// methods: /metrics keeps its size, since an unknown method is labelled
// "other" (each distinct method used to add 14 series).
func TestInventedMethodsLeaveMetricsAlone(t *testing.T) {
	base, _ := serveStore(t, testdb.SQLite(t))
	invent := func(i int) {
		req, err := http.NewRequest(fmt.Sprintf("X%dBREW", i), base+"/api/v1/indicators", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	invent(-1) // the "other" series appear once
	before, _ := metricsSize(t, base)
	for i := range 2000 {
		invent(i)
	}
	after, body := metricsSize(t, base)
	// Counters and runtime figures gain a digit here and there.
	if after-before > 512 {
		t.Errorf("/metrics grew from %d to %d bytes after 2,000 invented methods", before, after)
	}
	if strings.Contains(body, "X7BREW") || !strings.Contains(body, `method="other"`) {
		t.Errorf("/metrics labels a raw method, or not as other:\n%.2000s", body)
	}
}

// TestInvalidUTF8NeverStored sends a valid file under a name with the byte
// 0xff, a form field with it and a login form with it: each is a 400 naming
// the field, and nothing is stored (PostgreSQL used to answer 500, SQLite
// stored the bytes).
func TestInvalidUTF8NeverStored(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		before := srv.extremePoverty(t)
		version := srv.dataVersion(t)
		file := povertyHeader + "16.07;kemiskinan_ekstrem;2024;0,50\n"
		for _, tt := range []struct {
			name, filename, field, value, want string
		}{
			{name: "file name", filename: "kemiskinan\xff.csv", want: "file name is not valid UTF-8"},
			{name: "form field", filename: "kemiskinan.csv", field: "region", value: "16.07\xff", want: `form field "region" is not valid UTF-8`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var fields []string
				if tt.field != "" {
					fields = []string{tt.field, tt.value}
				}
				body, ct := fileForm(tt.filename, file, fields...)
				req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads", body)
				req.Header.Set("Content-Type", ct)
				req.Header.Set("Authorization", "Bearer "+srv.bps)
				status, r, _ := do(t, req)
				if status != http.StatusBadRequest || r.Error.Code != "invalid" || !strings.Contains(r.Error.Message, tt.want) {
					t.Errorf("%d %+v, want 400 saying %q", status, r.Error, tt.want)
				}
			})
		}
		// A bare body is the file whatever its type: curl --data-binary
		// calls a Windows-1252 CSV a form, and it is not refused as one.
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads?dry_run=true&decimal=point&encoding=windows-1252",
			strings.NewReader("kode_wilayah,kode_indikator,tahun,nilai,catatan\n16.07,kemiskinan_ekstrem,2024,0.50,perkiraan caf\xe9\n"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+srv.bps)
		if status, r, _ := do(t, req); status != http.StatusOK || !r.Data.Accepted {
			t.Errorf("Windows-1252 CSV sent as a form: %d %+v %+v", status, r.Error, r.Data.Errors)
		}
		form := url.Values{"email": {"walidata\xff@banyuasin.go.id"}, "password": {"x"}}
		resp, err := http.PostForm(srv.base+"/masuk", form)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), `form field \"email\" is not valid UTF-8`) {
			t.Errorf("login form: %d %s", resp.StatusCode, msg)
		}
		after := srv.dataVersion(t)
		if after != version || srv.extremePoverty(t) != before {
			t.Errorf("a refused upload was stored: version %d → %d", version, after)
		}
	})
}

// TestHugeCellBoundedAnswer uploads a 40 MB file of one cell of "<" (which
// JSON writes as six bytes): the 422 stays under 1 MB, quoting the cell
// cut short with its size. It used to repeat the cell in the value, the
// reason and the message, escaped: over a gigabyte.
func TestHugeCellBoundedAnswer(t *testing.T) {
	const size = 40 << 20
	st := openDemo(t, "sqlite")
	base, _ := serveStore(t, st, web.Options{MaxUploadBytes: size + 1<<20})
	token, _, err := st.CreateToken(context.Background(), "bps-banyuasin", "test")
	if err != nil {
		t.Fatal(err)
	}
	row := "16.07;kemiskinan_ekstrem;2024;" + strings.Repeat("<", 2000) + "\n"
	for _, tt := range []struct{ file, want string }{
		{strings.Repeat("<", size), "… (40 MB)"},
		{povertyHeader + "16.07;kemiskinan_ekstrem;2024;" + strings.Repeat("<", size) + "\n", "… (40 MB)"},
		// Many bad rows: the list stops at its size, the rest are counted.
		{povertyHeader + strings.Repeat(row, size/len(row)), `… (1 kB)","reason"`},
	} {
		file := tt.file
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/uploads", strings.NewReader(file))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity || n > 0 {
			t.Fatalf("%d, %d bytes: %s", resp.StatusCode, int64(len(body))+n, body)
		}
		t.Logf("%d MB file: %d-byte 422", len(file)>>20, len(body))
		var r uploadReply
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Errors     []rowError `json:"errors"`
			MoreErrors int        `json:"more_errors"`
		}
		json.Unmarshal(r.Error.Details, &rep)
		if len(rep.Errors) > 1 && rep.MoreErrors == 0 {
			t.Errorf("%d errors listed, none counted beyond them", len(rep.Errors))
		}
		if !strings.Contains(string(body), tt.want) {
			t.Errorf("the answer does not state the cell's size: %s", body)
		}
	}
}

// TestIdempotentUpload retries an upload with the same Idempotency-Key:
// the retry answers the first result and stores no second version; another
// key is another upload.
func TestIdempotentUpload(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		ctx := context.Background()
		send := func(key string) (int, uploadReply, http.Header) {
			req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads",
				strings.NewReader(povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,51\n"))
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Authorization", "Bearer "+srv.bps)
			req.Header.Set("Idempotency-Key", key)
			return do(t, req)
		}
		status, first, _ := send("retry-1")
		if status != http.StatusCreated || first.Data.Upload.ID == 0 {
			t.Fatalf("first upload: %d %+v", status, first)
		}
		version := srv.dataVersion(t)
		status, again, h := send("retry-1")
		if status != http.StatusCreated || again.Data.Upload.ID != first.Data.Upload.ID || h.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d upload %d (first %d), replayed %q", status, again.Data.Upload.ID, first.Data.Upload.ID, h.Get("Idempotent-Replayed"))
		}
		if v, _ := srv.st.DataVersion(ctx); v != version {
			t.Errorf("the retry made data version %d (was %d)", v, version)
		}
		if _, err := srv.st.Upload(ctx, first.Data.Upload.ID+1); err == nil {
			t.Error("the retry stored a second upload")
		}
		if status, other, _ := send("retry-2"); status != http.StatusCreated || other.Data.Upload.ID == first.Data.Upload.ID {
			t.Errorf("another key: %d upload %d", status, other.Data.Upload.ID)
		}
		if status, r, _ := send("bad key"); status != http.StatusBadRequest || !strings.Contains(r.Error.Message, "Idempotency-Key") {
			t.Errorf("malformed key: %d %+v", status, r.Error)
		}
	})
}

// TestStalledUpload sends part of an upload and stops: at a minimum rate of
// 1 kB/s after half a second, the server answers 408 within a few seconds
// (it used to wait for its 5-minute read timeout, holding the import).
func TestStalledUpload(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			st := openDemo(t, engine)
			base, _ := serveStore(t, st, web.Options{MaxUploadBytes: testMaxUpload, MinUploadRate: 1000, UploadGrace: 500 * time.Millisecond})
			token, _, err := st.CreateToken(context.Background(), "bps-banyuasin", "test")
			if err != nil {
				t.Fatal(err)
			}
			conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// With an Idempotency-Key, whose recorder must not hide the
			// connection's deadlines.
			fmt.Fprintf(conn, "POST /api/v1/uploads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nIdempotency-Key: stall-1\r\n"+
				"Content-Type: text/csv\r\nContent-Length: 20000\r\n\r\n%s",
				token, povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,51\n")
			start := time.Now()
			conn.SetReadDeadline(start.Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer to a stalled upload after %v: %v", time.Since(start), err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), "PANTAU_MIN_UPLOAD_RATE") || time.Since(start) > 5*time.Second {
				t.Errorf("after %v: %d %s", time.Since(start), resp.StatusCode, body)
			}
		})
	}
}
