package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
		ctx := context.Background()
		before := srv.extremePoverty(t)
		version, err := srv.st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		file := povertyHeader + "16.07;kemiskinan_ekstrem;2024;0,50\n"
		for _, tt := range []struct {
			name, filename, field, value, want string
		}{
			{name: "file name", filename: "kemiskinan\xff.csv", want: "file name is not valid UTF-8"},
			{name: "form field", filename: "kemiskinan.csv", field: "region", value: "16.07\xff", want: `form field "region" is not valid UTF-8`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				if tt.field != "" {
					mw.WriteField(tt.field, tt.value)
				}
				fw, _ := mw.CreateFormFile("file", tt.filename)
				io.WriteString(fw, file)
				mw.Close()
				req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/uploads", &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
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
		after, err := srv.st.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
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
