package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/store"
)

func TestUserCreate(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "pantau.db")
	getenv := env("PANTAU_DATABASE_URL", db, "PANTAU_LOG_LEVEL", "warn", "USER", "operator")
	if err := run(ctx, []string{"pantau", "demo"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	const pw = "rahasia-yang-panjang"
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte(pw+"\n"), 0o600)

	var out, errb bytes.Buffer
	if err := run(ctx, []string{"pantau", "user", "create", "--role", "admin", "--email", "Admin@Bappeda.id", "--password-file", pwFile}, getenv, &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), pw) || !strings.Contains(out.String(), "admin@bappeda.id") {
		t.Fatalf("output %q / %q", out.String(), errb.String())
	}
	// From standard input, an uploader of an agency.
	stdin = strings.NewReader(pw + "\r\n")
	t.Cleanup(func() { stdin = os.Stdin })
	out.Reset()
	if err := run(ctx, []string{"pantau", "user", "create", "--role", "uploader", "--agency", "bps-banyuasin", "--email", "staf@bps.id"}, getenv, &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"no role", []string{"--email", "x@y.id", "--password-file", pwFile}, 2},
		{"public is not an account", []string{"--role", "public", "--email", "x@y.id", "--password-file", pwFile}, 2},
		{"uploader without agency", []string{"--role", "uploader", "--email", "x@y.id", "--password-file", pwFile}, 2},
		{"taken address", []string{"--role", "planner", "--email", "admin@bappeda.id", "--password-file", pwFile}, 1},
		{"unknown agency", []string{"--role", "uploader", "--agency", "nope", "--email", "x@y.id", "--password-file", pwFile}, 1},
	} {
		err := run(ctx, append([]string{"pantau", "user", "create"}, tt.args...), getenv, &bytes.Buffer{}, &bytes.Buffer{})
		var ee *exitError
		code := 1
		if errors.As(err, &ee) {
			code = ee.code
		}
		if err == nil || code != tt.code {
			t.Errorf("%s: err %v (exit %d), want exit %d", tt.name, err, code, tt.code)
		}
	}

	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, u, err := st.Login(ctx, "staf@bps.id", pw, ""); err != nil || u.AgencyCode != "bps-banyuasin" {
		t.Fatalf("login as the created uploader: %v %+v", err, u)
	}
	// The demo's catalogue import is in the log too (as any catalogue
	// import is); the two accounts are its newest entries.
	log, _ := st.AuditLog(ctx, store.AuditQuery{})
	if len(log) < 3 || log[0].Action != "user_create" || log[0].Principal != "cli:operator" ||
		log[1].Action != "user_create" || log[2].Action == "user_create" {
		t.Fatalf("audit %+v", log)
	}
}
