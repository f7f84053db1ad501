package store

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// TestQueryPlansUseIndexes checks, on both engines, that the reads whose
// cost must not grow with the country (issue 17) can be answered from an
// index: SQLite's EXPLAIN QUERY PLAN names the index; PostgreSQL's EXPLAIN
// with sequential scans priced out (the tables are empty here, where a
// scan is cheapest) still names it, which it could not without the index.
func TestQueryPlansUseIndexes(t *testing.T) {
	for _, engine := range []Dialect{SQLite, Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			s := testStore(t, engine)
			for _, tt := range []struct {
				name, query string
				args        []any
				sqlite, pg  string
			}{
				// The change feed: each kind of change read in change
				// order from its own index (no sort of the table).
				{"changes: revisions", changesSQL, changeArgs, "observation_revision_values_change", ""},
				{"changes: values never revised", changesSQL, changeArgs, "observation_values_change", ""},
				{"changes: first revisions", changesSQL, changeArgs, "observation_revision_values_replaced", ""},
				{"changes: versions", changesOfVersionsSQL, []any{int64(3), int64(10), 2020, 100}, "", "Index Scan using observation_versions_change"},
				// A page of an export: the series key's index from the
				// cursor on, one indicator's region subtree at a time.
				{"export page", exportPageSQL, []any{"ipm", "16.07", "16.07/", "ipm", "16.07.05", "", "ipm", "16.07.05", "", 2012, 100},
					"sqlite_autoindex_series_1 (indicator_code=? AND region_code>? AND region_code<?)", "Index Scan using series_indicator_code_region_code_disagg_key"},
				{"export page, everything", exportAllPageSQL, []any{"ipm", "16.07.05", "", "ipm", "16.07.05", "", 2012, 100},
					"sqlite_autoindex_series_1 ((indicator_code,region_code,disagg)>(?,?,?))", "Index Scan using series_indicator_code_region_code_disagg_key"},
				{"presences of a region and its children", presencesSQL, []any{[]string{"16.07", "16.07.01", "16.07.02"}, 2020, 2024}, "INDEX series_region", "series_region"},
				{"presences: only the years shown", presencesSQL, []any{[]string{"16.07", "16.07.01", "16.07.02"}, 2020, 2024}, "(series_id=? AND year>? AND year<?)", "year >= 2020"},
				{"presence tallies of a region and its children", presenceTalliesSQL, []any{2025, []string{"16.07", "16.07.01", "16.07.02"}, 2020, 2024}, "INDEX series_region", "series_region"},
				{"presence tallies: only the years shown", presenceTalliesSQL, []any{2025, []string{"16.07", "16.07.01", "16.07.02"}, 2020, 2024}, "(series_id=? AND year>? AND year<?)", "year >= 2020"},
				{"series of a region and its children", totalSeriesSQL, []any{[]string{"16.07", "16.07.01", "16.07.02"}}, "INDEX series_region", "series_region"},
				{"children with data", havingDataSQL, []any{[]string{"kemiskinan"}, []string{"16.07.01", "16.07.02"}}, "INDEX sqlite_autoindex_series_1", "series_indicator_code_region_code_disagg_key"},
				{"children of a region", `SELECT code FROM regions WHERE parent_code = ? ORDER BY code`, []any{"16.07"}, "INDEX regions_parent", "regions_parent"},
				{"regions version", `SELECT COALESCE(MAX(id), 0) FROM catalog_imports`, nil, "", "catalog_imports_pkey"},
			} {
				q, args := tt.query, tt.args
				if strings.Contains(q, "IN (?)") {
					var err error
					if q, args, err = sqlx.In(q, args...); err != nil {
						t.Fatal(err)
					}
				}
				want := tt.sqlite
				if engine == Postgres {
					want = tt.pg
				}
				if want == "" {
					continue // the other engine's query
				}
				plan := explain(t, s, engine, s.db.Rebind(q), args)
				if testing.Verbose() {
					t.Logf("%s:\n%s", tt.name, plan)
				}
				if !strings.Contains(plan, want) {
					t.Errorf("%s: plan does not use %s:\n%s", tt.name, want, plan)
				}
				// A page read in index order needs no sort of what it
				// pages through.
				// (An export's page on PostgreSQL sorts each series' few
				// years, an incremental sort at scale; on empty tables the
				// planner may sort them whole, so only SQLite's is checked.)
				if (strings.HasPrefix(tt.name, "changes") || strings.HasPrefix(tt.name, "export") && engine == SQLite) &&
					(strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "Sort")) {
					t.Errorf("%s: plan sorts:\n%s", tt.name, plan)
				}
			}
		})
	}
}

// The queries of an export's page (see ObservationsPage), with one
// indicator and a region subtree, and with no selection.
const (
	exportPageSQL    = `SELECT ` + exportColumns + ` FROM observations WHERE indicator_code IN (?) AND region_code >= ? AND region_code < ? AND` + observationsPageSQL
	exportAllPageSQL = `SELECT ` + exportColumns + ` FROM observations WHERE` + observationsPageSQL
)

// changeArgs are changesSQL's: a cursor three times, a limit.
var changeArgs = []any{int64(3), int64(10), 2020, int64(3), int64(10), 2020, int64(3), int64(10), 2020, 100}

func explain(t *testing.T, s *Store, engine Dialect, q string, args []any) string {
	t.Helper()
	ctx := context.Background()
	conn, err := s.db.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	prefix := "EXPLAIN QUERY PLAN "
	if engine == Postgres {
		prefix = "EXPLAIN "
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan")
	}
	rows, err := conn.QueryxContext(ctx, prefix+q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		cols, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			switch v := c.(type) {
			case []byte:
				b.Write(v)
			case string:
				b.WriteString(v)
			}
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String()
}
