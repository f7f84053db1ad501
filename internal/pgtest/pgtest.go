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
	shared   *Cluster
	startErr error
	counter  atomic.Int64
	credOnce sync.Once
	cred     *syscall.Credential
	credErr  error
)

// URL returns the URL of a new, empty database for t, dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(start)
	if startErr != nil {
		unavailable(t, startErr)
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

func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("PANTAU_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL required (PANTAU_REQUIRE_POSTGRES=1) but unavailable: %v", err)
	}
	t.Skipf("PostgreSQL cases skipped: %v (install postgresql or set PANTAU_TEST_DATABASE_URL)", err)
}

func start() {
	if u := os.Getenv("PANTAU_TEST_DATABASE_URL"); u != "" {
		baseURL = u
		return
	}
	shared, startErr = newCluster(false)
	if startErr == nil {
		baseURL = shared.URL
	}
}

// Cluster is a PostgreSQL server of the tests' own, on a free port.
type Cluster struct {
	// URL reaches the cluster's postgres database as a superuser.
	URL                 string
	dir, dataDir, pgCtl string
	opts                string
	port                int
}

// NewCluster starts a cluster for t alone, stopped and removed when t ends:
// for tests that stop and restart the server. It needs the server binaries
// (PANTAU_TEST_DATABASE_URL cannot be stopped).
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := newCluster(true)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(c.remove)
	return c
}

// newCluster initialises and starts a cluster. A durable one keeps the
// defaults (fsync, synchronous commit) so that a crash loses nothing, as fault
// tests require; the shared one trades that for speed.
func newCluster(durable bool) (*Cluster, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		return nil, fmt.Errorf("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin")
	}
	sort.Slice(bins, func(i, j int) bool { return version(bins[i]) < version(bins[j]) })
	bin := filepath.Dir(bins[len(bins)-1])
	c := &Cluster{pgCtl: filepath.Join(bin, "pg_ctl")}
	dir, err := os.MkdirTemp("", "pantau-pg-")
	if err != nil {
		return nil, err
	}
	c.dir, c.dataDir = dir, filepath.Join(dir, "data")
	// PostgreSQL refuses to run as root: run it as the postgres user then.
	if os.Geteuid() == 0 {
		credOnce.Do(func() {
			u, err := user.Lookup("postgres")
			if err != nil {
				credErr = fmt.Errorf("running as root and no postgres user to run the server as: %w", err)
				return
			}
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		})
		if credErr != nil {
			return nil, credErr
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if out, err := run(filepath.Join(bin, "initdb"), "-D", c.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	c.port = port
	c.opts = fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c max_connections=200", port, dir)
	if !durable {
		c.opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	db, err := sql.Open("postgres", c.URL)
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
		return nil, fmt.Errorf("server did not answer: %v", err)
	}
	return c, nil
}

// NewReplica starts a hot standby of primary (pg_basebackup -R, streaming
// replication) for t alone: for tests of read replicas.
func NewReplica(t testing.TB, primary *Cluster) *Cluster {
	t.Helper()
	c := &Cluster{pgCtl: primary.pgCtl}
	dir, err := os.MkdirTemp("", "pantau-pg-replica-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir, c.dataDir = dir, filepath.Join(dir, "data")
	t.Cleanup(c.remove)
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	if c.port, err = freePort(); err != nil {
		t.Fatal(err)
	}
	basebackup := filepath.Join(filepath.Dir(primary.pgCtl), "pg_basebackup")
	if out, err := run(basebackup, "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port), "-U", "postgres", "-D", c.dataDir, "-R", "-X", "stream"); err != nil {
		t.Fatalf("pg_basebackup: %v: %s", err, out)
	}
	c.opts = fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c max_connections=200 -c hot_standby=on", c.port, dir)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
	return c
}

// Start starts the (stopped) cluster and waits until it accepts connections.
func (c *Cluster) Start() error {
	if out, err := run(c.pgCtl, "-D", c.dataDir, "-o", c.opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
	}
	return nil
}

// Stop stops the cluster at once, as a crash or network loss would look to clients.
func (c *Cluster) Stop() error {
	if out, err := run(c.pgCtl, "-D", c.dataDir, "-m", "immediate", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

func (c *Cluster) remove() {
	c.Stop()
	os.RemoveAll(c.dir)
}

// Stop stops the shared cluster this package started, if any, and removes its files.
func Stop() {
	if shared != nil {
		shared.remove()
	}
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
