package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenCreate: the printed token uploads for its agency, over the real server.
func TestTokenCreate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pantau.db")
	getenv := env("PANTAU_DATABASE_URL", db, "PANTAU_LOG_LEVEL", "warn")
	ctx := context.Background()
	if err := run(ctx, []string{"pantau", "demo"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"no subcommand", []string{}, 2},
		{"unknown subcommand", []string{"revoke"}, 2},
		{"help", []string{"--help"}, 0},
		{"no agency", []string{"create"}, 2},
		{"unknown agency", []string{"create", "--agency", "nope"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := run(ctx, append([]string{"pantau", "token"}, tt.args...), getenv, &bytes.Buffer{}, &bytes.Buffer{})
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit %d (%v), want %d", got, err, tt.code)
			}
		})
	}
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"pantau", "token", "create", "--agency", "bps-banyuasin", "--label", "test"}, getenv, &out, &errb); err != nil {
		t.Fatalf("token create: %v %s", err, errb.String())
	}
	token := strings.TrimSpace(out.String())
	if !strings.HasPrefix(token, "pantau_") || strings.Contains(token, "\n") || !strings.Contains(errb.String(), "only this once") {
		t.Fatalf("stdout %q, stderr %q", out.String(), errb.String())
	}
	base := startServer(t, getenv)
	for _, tt := range []struct {
		name, token string
		status      int
	}{
		{"printed token", token, http.StatusCreated},
		{"no token", "", http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/uploads", strings.NewReader("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,40\n"))
			req.Header.Set("Content-Type", "text/csv")
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Data struct {
					Counts struct{ New int } `json:"counts"`
				} `json:"data"`
			}
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tt.status || tt.status == 201 && body.Data.Counts.New != 1 {
				t.Errorf("%d %+v, want %d", resp.StatusCode, body, tt.status)
			}
		})
	}
}

// TestImportLanguageAndWarnings: --lang (default from $LANG) picks the
// language of messages, and warnings are printed.
func TestImportLanguageAndWarnings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pantau.db")
	ctx := context.Background()
	if err := run(ctx, []string{"pantau", "demo"}, env("PANTAU_DATABASE_URL", db), &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	// 2025 ten times 2024's stored 0.49: a typo the file itself cannot show.
	jump := writeFile(t, "jump.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;4,9\n")
	bad := writeFile(t, "bad.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;abc\n")
	for _, tt := range []struct {
		name, locale string
		args         []string
		file         string
		code         int
		want         string
	}{
		{name: "English from LANG", locale: "en_US.UTF-8", args: []string{"--dry-run"}, file: jump, want: "warning: line 2"},
		{name: "Indonesian by default", args: []string{"--dry-run"}, file: bad, code: 1, want: "bukan angka"},
		{name: "flag over LANG", locale: "id_ID.UTF-8", args: []string{"--lang", "en"}, file: bad, code: 1, want: "not a number"},
		{name: "bad flag", args: []string{"--lang", "fr"}, file: bad, code: 2, want: "--lang"},
		{name: "stored with its hash", args: []string{"--lang", "en"}, file: jump, want: "sha256"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(ctx, append(append([]string{"pantau", "import"}, tt.args...), tt.file), env("PANTAU_DATABASE_URL", db, "LANG", tt.locale), &out, &errb)
			if err != nil {
				errb.WriteString(err.Error())
			}
			if got := exitCode(err); got != tt.code || !strings.Contains(out.String()+errb.String(), tt.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", got, tt.code, tt.want, out.String(), errb.String())
			}
		})
	}
}
