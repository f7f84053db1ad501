// Package migrations holds the numbered SQL migrations of each database
// dialect, embedded in the binary and applied with goose at start-up.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
