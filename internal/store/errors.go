package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"pantau/internal/domain"
)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// ErrTouch marks a failed bookkeeping write: a session's last sight or a
// token's last use. The credential it came with is good; the caller logs
// the failure and answers (a locked or full database must not make a read
// fail), and the write is tried again on a later request.
var ErrTouch = errors.New("store: touch")

// touchTimeout bounds how long a touch may wait for the database.
const touchTimeout = 2 * time.Second

// ErrFull is the kind of error a write gets when the database has no room
// left: SQLite's SQLITE_FULL (its disk is full, or PRAGMA max_page_count is
// reached), PostgreSQL's disk_full (53100), or no space for an import's
// temporary files. The write is rolled back whole; reads go on working.
var ErrFull = errors.New("storage full")

// fullMessage is what a person is told; it is the same for every write.
const fullMessage = "the database is full: there is no space left on its disk (or it reached its size limit), " +
	"so nothing was stored; free space on the database's disk and try again"

// full turns a "no room left" error into an ErrFull error that a person can
// act on; the driver's error stays in the chain, for the logs. Other errors
// pass through unchanged.
func full(err error) error {
	if err == nil || errors.Is(err, ErrFull) || !isFull(err) {
		return err
	}
	return fmt.Errorf("%w (%w)", domain.Errorf(ErrFull, fullMessage), err)
}

func isFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "53100" {
		return true
	}
	return errors.Is(err, syscall.ENOSPC)
}

// Unreachable reports whether err says the database could not be reached
// (a refused or dropped connection, a server shutting down or starting
// up), not that a query was wrong: an outage that passes, which
// the HTTP edge answers with 503 and Retry-After as /readyz does.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01–57P03: the server is
		// shutting down, crashed, or cannot accept connections yet.
		return pe.Code.Class() == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	// Only a failed dial: a read error on a connection may be the client's
	// own (an upload body cut off), which is no outage.
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial" || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED)
}
