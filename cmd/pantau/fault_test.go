package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pantau/internal/demo"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// pantauProcess starts this test binary as `pantau args…` in its own process.
func pantauProcess(t *testing.T, getenv map[string]string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "PANTAU_TEST_AS_MAIN=1")
	for k, v := range getenv {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// snapshot is what a database holds, for before/after comparisons.
func snapshot(t *testing.T, url string) string {
	ctx := context.Background()
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var b strings.Builder
	for _, q := range []string{
		`SELECT count(*) FROM observations`, `SELECT count(*) FROM observation_revisions`, `SELECT count(*) FROM uploads`,
		`SELECT COALESCE(SUM(value), 0) FROM observations`,
	} {
		var v float64
		if err := st.DB().Get(&v, q); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s = %g\n", q, v)
	}
	return b.String()
}

// TestKillDuringUpload kills `pantau import` with SIGKILL while it is in the
// middle of a file (the file is a pipe, half written): the database must be
// exactly as before, and the next import must go through (no stale lock).
func TestKillDuringUpload(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(string(engine), func(t *testing.T) {
			url := testdb.URL(t, engine)
			ctx := context.Background()
			st := testdb.Open(t, url)
			if err := demo.Load(ctx, st); err != nil {
				t.Fatal(err)
			}
			st.Close()
			before := snapshot(t, url)

			// Every kecamatan's poverty for 1990–2030: changed values for the
			// stored years, new values for the others.
			var rows bytes.Buffer
			rows.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
			for _, k := range demo.Kecamatan {
				for y := 1990; y <= 2030; y++ {
					fmt.Fprintf(&rows, "%s;kemiskinan;%d;%d,25\n", k[0], y, 5+y%7)
				}
			}
			data := rows.Bytes()
			fifo := filepath.Join(t.TempDir(), "upload.csv")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := pantauProcess(t, map[string]string{"PANTAU_DATABASE_URL": url}, "import", fifo)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			half := bytes.LastIndexByte(data[:len(data)/2], '\n') + 1
			if _, err := w.Write(data[:half]); err != nil {
				t.Fatal(err)
			}
			// Give the importer time to read, validate and write what it has.
			time.Sleep(500 * time.Millisecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			w.Close()
			// It must have died of the kill, in the middle, not of an error before.
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("the importer was not killed mid-upload (%v): %s", cmd.ProcessState, out.String())
			}
			if after := snapshot(t, url); after != before {
				t.Fatalf("a killed import changed the database:\nbefore\n%s\nafter\n%s\noutput: %s", before, after, out.String())
			}

			// The same file, whole, now goes through.
			path := filepath.Join(t.TempDir(), "whole.csv")
			os.WriteFile(path, data, 0o644)
			out.Reset()
			cmd = pantauProcess(t, map[string]string{"PANTAU_DATABASE_URL": url}, "import", path)
			cmd.Stdout, cmd.Stderr = &out, &out
			done := make(chan error, 1)
			go func() { done <- cmd.Run() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("import after the kill: %v\n%s", err, out.String())
				}
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("import after the kill hangs (a lock left behind?)\n%s", out.String())
			}
			if !strings.Contains(out.String(), "stored as upload") {
				t.Fatalf("import after the kill: %s", out.String())
			}
		})
	}
}

// TestReadOnlySQLite opens a SQLite database read-only: an import fails with
// a clear error and a non-zero exit, and nothing panics.
func TestReadOnlySQLite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pantau.db")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"pantau", "demo"}, env("PANTAU_DATABASE_URL", db), &out, &errb); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "a.csv")
	os.WriteFile(file, []byte("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2026;8,1\n"), 0o644)
	cmd := pantauProcess(t, map[string]string{"PANTAU_DATABASE_URL": db + "?mode=ro"}, "import", file)
	got, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("import into a read-only database succeeded: %s", got)
	}
	if strings.Contains(string(got), "panic") || !strings.Contains(strings.ToLower(string(got)), "readonly") && !strings.Contains(strings.ToLower(string(got)), "read-only") && !strings.Contains(strings.ToLower(string(got)), "read only") {
		t.Fatalf("unclear failure on a read-only database: %s", got)
	}
}
