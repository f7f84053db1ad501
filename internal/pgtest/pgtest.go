// Package pgtest gives tests a real, throwaway PostgreSQL database: from
// PANTAU_TEST_DATABASE_URL when set, otherwise from a cluster it starts itself
// (initdb into a temporary directory, a free port on 127.0.0.1) when the
// server binaries are installed under /usr/lib/postgresql. Without either the
// test is skipped, unless PANTAU_REQUIRE_POSTGRES=1 makes that a failure.
//
// Packages using it call Stop from TestMain so the cluster ends with the tests.
package pgtest

import (
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

var (
	once     sync.Once
	baseURL  string // a URL whose database can CREATE DATABASE
	dataDir  string
	pgCtl    string
	cred     *syscall.Credential
	startErr error
	counter  atomic.Int64
)

// URL returns the URL of a new, empty database for t, dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		if os.Getenv("PANTAU_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL required (PANTAU_REQUIRE_POSTGRES=1) but unavailable: %v", startErr)
		}
		t.Skipf("PostgreSQL cases skipped: %v (install postgresql or set PANTAU_TEST_DATABASE_URL)", startErr)
	}
	name := fmt.Sprintf("pantau_test_%d_%d", os.Getpid(), counter.Add(1))
	admin, err := sql.Open("postgres", baseURL)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", baseURL)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	u, _ := url.Parse(baseURL)
	u.Path = "/" + name
	return u.String()
}

func start() {
	if u := os.Getenv("PANTAU_TEST_DATABASE_URL"); u != "" {
		baseURL = u
		return
	}
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		startErr = fmt.Errorf("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
		return
	}
	sort.Slice(bins, func(i, j int) bool { return version(bins[i]) < version(bins[j]) })
	bin := filepath.Dir(bins[len(bins)-1])
	pgCtl = filepath.Join(bin, "pg_ctl")
	dir, err := os.MkdirTemp("", "pantau-pg-")
	if err != nil {
		startErr = err
		return
	}
	dataDir = filepath.Join(dir, "data")
	// PostgreSQL refuses to run as root: run it as the postgres user then.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			startErr = fmt.Errorf("running as root and no postgres user to run the server as: %w", err)
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			startErr = err
			return
		}
	}
	port, err := freePort()
	if err != nil {
		startErr = err
		return
	}
	if out, err := run(filepath.Join(bin, "initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		startErr = fmt.Errorf("initdb: %v: %s", err, out)
		return
	}
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
	if out, err := run(pgCtl, "-D", dataDir, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		startErr = fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
		return
	}
	baseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	db, err := sql.Open("postgres", baseURL)
	if err == nil {
		defer db.Close()
		for i := 0; i < 50; i++ {
			if err = db.Ping(); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err != nil {
		startErr = fmt.Errorf("server did not answer: %v", err)
	}
}

// Stop stops the cluster this package started, if any, and removes its files.
func Stop() {
	if pgCtl == "" || dataDir == "" {
		return
	}
	run(pgCtl, "-D", dataDir, "-m", "immediate", "-w", "stop")
	os.RemoveAll(filepath.Dir(dataDir))
}

func run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// version returns the major version in a /usr/lib/postgresql/N/bin path.
func version(path string) int {
	parts := strings.Split(path, string(filepath.Separator))
	for i, p := range parts {
		if p == "postgresql" && i+1 < len(parts) {
			n, _ := strconv.Atoi(parts[i+1])
			return n
		}
	}
	return 0
}
