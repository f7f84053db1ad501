// Package store keeps Pantau's data in SQLite (the zero-setup default) or
// PostgreSQL (production), through one sqlx implementation. The two dialects
// differ only where noted: the DSN and pragmas, and the bulk write path
// (on PostgreSQL a COPY of new versions into observation_versions; on
// SQLite batched upserts into observation_values, with a trigger writing
// revisions). Both key values by series id (the series table) and year,
// with observations and observation_revisions as views with the columns of
// the tables they replaced.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // PostgreSQL driver "postgres"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite"

	"pantau/internal/domain"
	"pantau/migrations"
)

func init() {
	// sqlx does not know modernc's driver name; it takes '?' placeholders.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

// Dialect names the database engine behind a Store.
type Dialect string

// The supported engines.
const (
	Postgres = Dialect("postgres")
	SQLite   = Dialect("sqlite")
)

// Store is Pantau's database.
type Store struct {
	db *sqlx.DB
	// rdb serves the reads of pages and the API: db itself, or a read
	// replica (OpenReplica). Imports and every read they depend on use db.
	rdb     *sqlx.DB
	dialect Dialect
	// lookups is a small pool of its own for the reads an import makes
	// while its transaction is busy with a COPY (PostgreSQL only). Waiting
	// importers hold connections of db while they wait for the import
	// lock; were the lock holder to need one of db's as well, enough of them
	// would leave it waiting for ever.
	lookups *sqlx.DB
	// now is the clock; tests may replace it.
	now     func() time.Time
	maxIdle int
	// regionWrites counts this process's writes of regions: PutRegions
	// calls, which (unlike catalogue imports) leave no row behind to say
	// the regions changed (see RegionsVersion), and catalogue imports.
	regionWrites *atomic.Int64 // shared by primary() views
}

// DefaultURL is the database used when PANTAU_DATABASE_URL is not set.
const DefaultURL = "pantau.db"

// Open connects to the database named by url: "postgres://…" or
// "postgresql://…" for PostgreSQL, anything else is a SQLite file path
// (optionally "sqlite://path" or "file:path").
func Open(ctx context.Context, rawURL string) (*Store, error) {
	dialect, dsn := parseURL(rawURL)
	db, err := sqlx.Open(string(dialect), dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	maxIdle := 4
	if dialect == SQLite {
		// Writers queue on SQLite's lock (immediate transactions, busy
		// timeout); WAL lets readers go on meanwhile.
		db.SetMaxOpenConns(4)
	} else {
		maxIdle = 10
		db.SetMaxOpenConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	db.SetMaxIdleConns(maxIdle)
	s := &Store{db: db, rdb: db, dialect: dialect, maxIdle: maxIdle, now: func() time.Time { return time.Now().UTC() }, regionWrites: new(atomic.Int64)}
	if dialect == Postgres {
		// Connects on first use; three: the two loaders of priorValues and its batched lookups.
		if s.lookups, err = sqlx.Open(string(dialect), dsn); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open %s: %w", dialect, err)
		}
		s.lookups.SetMaxOpenConns(3)
		s.lookups.SetConnMaxIdleTime(time.Minute)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// sqliteBusyTimeout is how long a SQLite statement waits for a lock.
const sqliteBusyTimeout = 30 * time.Second

// parseURL turns PANTAU_DATABASE_URL into a driver name and DSN.
func parseURL(raw string) (Dialect, string) {
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		return Postgres, raw
	}
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite://"), "file:")
	if path == "" {
		path = DefaultURL
	}
	path, query, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(query)
	// WAL lets dashboards read while an import writes; immediate
	// transactions take the write lock up front, so two importers queue
	// instead of failing with SQLITE_BUSY when the reader upgrades.
	// journal_size_limit: a WAL left larger than 64 MB by a big
	// transaction is cut back to that at its next reset (checkpointWAL
	// truncates it after large imports); wal_autocheckpoint keeps SQLite's
	// default of 1000 pages, said here so that it stays.
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()),
		"synchronous(NORMAL)", "temp_store(MEMORY)", "journal_size_limit(67108864)", "wal_autocheckpoint(1000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return SQLite, "file:" + path + "?" + q.Encode()
}

// IsSQLiteFile reports whether url names a SQLite database (as opposed to
// PostgreSQL), and returns its file path.
func IsSQLiteFile(rawURL string) (string, bool) {
	dialect, dsn := parseURL(rawURL)
	if dialect != SQLite {
		return "", false
	}
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return path, true
}

// Dialect returns the engine behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB returns the underlying handle, for benchmarks that compare against raw SQL.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the database (and the replica, if any).
func (s *Store) Close() error {
	if s.rdb != s.db {
		s.rdb.Close()
	}
	if s.lookups != nil {
		s.lookups.Close()
	}
	return s.db.Close()
}

// OpenReplica sends the reads of pages and the API to a PostgreSQL read
// replica (a hot standby of the primary). Writes, and the reads an import
// validates against, stay on the primary. A replica lags its primary by
// the replication delay: a page may show an upload a moment later.
func (s *Store) OpenReplica(ctx context.Context, rawURL string) error {
	dialect, dsn := parseURL(rawURL)
	if dialect != Postgres || s.dialect != Postgres {
		return fmt.Errorf("store: a read replica needs PostgreSQL for both the primary and the replica")
	}
	rdb, err := sqlx.Open(string(Postgres), dsn)
	if err != nil {
		return fmt.Errorf("store: open replica: %w", err)
	}
	rdb.SetMaxOpenConns(20)
	rdb.SetMaxIdleConns(s.maxIdle)
	rdb.SetConnMaxIdleTime(5 * time.Minute)
	if err := rdb.PingContext(ctx); err != nil {
		rdb.Close()
		return fmt.Errorf("store: ping replica: %w", err)
	}
	s.rdb = rdb
	return nil
}

// primary returns a view of the store whose reads also go to the primary.
func (s *Store) primary() *Store {
	p := *s
	p.rdb = s.db
	return &p
}

// Analyze refreshes the planner's statistics of every table. After a bulk
// load of millions of rows PostgreSQL has none until autovacuum comes by
// (a minute or more), plans meanwhile as for empty tables, and then
// vacuums the new rows while serving; VACUUM (ANALYZE) does both at once.
// SQLite has no statistics until asked.
func (s *Store) Analyze(ctx context.Context) error {
	stmt := "ANALYZE"
	if s.dialect == Postgres {
		stmt = "VACUUM (ANALYZE)"
	}
	if _, err := s.db.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}

// Ping checks that the database answers. When it does not, the idle
// connections are dropped: after a server restart they are dead sockets,
// and each would otherwise fail one request before the pool notices.
func (s *Store) Ping(ctx context.Context) error {
	for _, db := range []*sqlx.DB{s.db, s.rdb} {
		if err := db.PingContext(ctx); err != nil {
			db.SetMaxIdleConns(0)
			db.SetMaxIdleConns(s.maxIdle)
			which := "primary"
			if db != s.db {
				which = "replica"
			}
			return fmt.Errorf("store: ping %s %s: %w", s.dialect, which, err)
		}
		if s.rdb == s.db {
			break
		}
	}
	return nil
}

// Migrate applies every pending migration of the store's dialect.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations.FS, string(s.dialect))
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	dialect := goose.DialectPostgres
	if s.dialect == SQLite {
		dialect = goose.DialectSQLite3
	}
	p, err := goose.NewProvider(dialect, s.db.DB, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return full(fmt.Errorf("store: migrate %s: %w", s.dialect, err))
	}
	return nil
}

// notFound turns sql.ErrNoRows into the domain's ErrNotFound.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ErrNotFound, format, args...)
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return full(err)
	}
	if err := tx.Commit(); err != nil {
		return full(fmt.Errorf("store: commit: %w", err))
	}
	return nil
}
