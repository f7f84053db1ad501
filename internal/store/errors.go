package store

import (
	"database/sql"
	"errors"
	"fmt"
	"syscall"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"pantau/internal/domain"
)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

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
