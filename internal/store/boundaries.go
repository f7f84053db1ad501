package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"pantau/internal/domain"
)

// Boundaries: one shape per region (table boundaries, migrations 00011 on
// PostgreSQL and 00010 on SQLite), kept as WKB, with every shape a
// re-import replaced kept in boundary_revisions. An import of boundaries
// is an upload of kind "boundaries": it advances the data version, so the
// web's caches of simplified shapes follow it like everything else.

// BoundaryShape is one region's shape to store.
type BoundaryShape struct {
	RegionCode string
	Geometry   orb.MultiPolygon
}

// BoundaryImport is one boundary file's shapes, with where they came from.
type BoundaryImport struct {
	Filename  string
	CreatedBy string
	// Source and Licence travel with every shape (a licence such as MIT
	// requires its notice wherever the shapes are shipped).
	Source  string
	Licence string
	Shapes  []BoundaryShape
	// DryRun counts what the import would do and stores nothing.
	DryRun bool
	// File, when set, keeps the file's bytes with the upload, as for CSV uploads.
	File FileSource
}

// Boundary is a stored shape and where it came from.
type Boundary struct {
	RegionCode string           `json:"region_code" db:"region_code"`
	Name       string           `json:"name" db:"name"`
	Geometry   orb.MultiPolygon `json:"-" db:"-"`
	Source     string           `json:"source" db:"source"`
	Licence    string           `json:"licence" db:"licence"`
	UploadID   int64            `json:"upload_id" db:"upload_id"`
	UpdatedAt  time.Time        `json:"updated_at" db:"updated_at"`
}

// BoundaryRevision is a shape a later import replaced.
type BoundaryRevision struct {
	RegionCode  string           `db:"region_code"`
	UploadID    int64            `db:"upload_id"` // the import that replaced it
	Geometry    orb.MultiPolygon `db:"-"`
	Source      string           `db:"old_source"`
	Licence     string           `db:"old_licence"`
	OldUploadID int64            `db:"old_upload_id"` // the import that had set it
	ChangedAt   time.Time        `db:"changed_at"`
}

// UploadBoundaries is the kind of an upload that carried boundaries.
const UploadBoundaries = domain.UploadKind("boundaries")

// ImportBoundaries stores a file's shapes in one transaction: all of them
// or none. A region whose stored shape, source and licence are the same is
// left alone (unchanged); one whose shape or provenance differs keeps the
// old in boundary_revisions. Every region must exist. The counts are in
// the returned upload (New, Changed, Unchanged); a dry run returns them
// without storing anything, and without an upload id.
func (s *Store) ImportBoundaries(ctx context.Context, imp BoundaryImport) (domain.Upload, error) {
	up := domain.Upload{Kind: UploadBoundaries, Filename: imp.Filename, CreatedBy: imp.CreatedBy}
	if len(imp.Shapes) == 0 {
		return up, domain.Errorf(domain.ErrInvalid, "boundaries: the file has no shape to store")
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return up, fmt.Errorf("store: boundaries: begin: %w", err)
	}
	defer tx.Rollback()
	if s.dialect == Postgres {
		// The same lock as value imports: data versions are handed out in
		// commit order.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, importLockKey); err != nil {
			return up, fmt.Errorf("store: boundaries: lock: %w", err)
		}
	}
	up.CreatedAt = s.now()
	if err := tx.GetContext(ctx, &up.ID, tx.Rebind(`INSERT INTO uploads (kind, filename, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		up.Kind, up.Filename, up.CreatedBy, up.CreatedAt); err != nil {
		return up, full(fmt.Errorf("store: boundaries: upload row: %w", err))
	}
	if err := s.writeBoundaries(ctx, tx, up, imp, &up.Counts); err != nil {
		return up, full(err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE uploads SET rows_new = ?, rows_changed = ?, rows_unchanged = ? WHERE id = ?`),
		up.New, up.Changed, up.Unchanged, up.ID); err != nil {
		return up, full(fmt.Errorf("store: boundaries: counts: %w", err))
	}
	if imp.DryRun {
		up.ID, up.CreatedAt = 0, time.Time{}
		return up, nil // the deferred rollback undoes everything
	}
	if imp.File != nil {
		if err := s.keepFile(ctx, tx, up, imp.File); err != nil {
			return up, full(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return up, full(fmt.Errorf("store: boundaries: commit: %w", err))
	}
	return up, nil
}

func (s *Store) writeBoundaries(ctx context.Context, tx *sqlx.Tx, up domain.Upload, imp BoundaryImport, counts *domain.Counts) error {
	known := map[string]bool{}
	var codes []string
	for _, sh := range imp.Shapes {
		codes = append(codes, sh.RegionCode)
	}
	type stored struct {
		RegionCode string `db:"region_code"`
		Geometry   []byte `db:"geometry"`
		Source     string `db:"source"`
		Licence    string `db:"licence"`
		UploadID   int64  `db:"upload_id"`
	}
	old := map[string]stored{}
	for chunk := range chunks(codes, 500) {
		q, args, err := sqlx.In(`SELECT code FROM regions WHERE code IN (?)`, chunk)
		if err != nil {
			return fmt.Errorf("store: boundaries: %w", err)
		}
		var found []string
		if err := tx.SelectContext(ctx, &found, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("store: boundaries: regions: %w", err)
		}
		for _, c := range found {
			known[c] = true
		}
		q, args, err = sqlx.In(`SELECT region_code, geometry, source, licence, upload_id FROM boundaries WHERE region_code IN (?)`, chunk)
		if err != nil {
			return fmt.Errorf("store: boundaries: %w", err)
		}
		var rows []stored
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("store: boundaries: stored shapes: %w", err)
		}
		for _, r := range rows {
			old[r.RegionCode] = r
		}
	}
	for _, sh := range imp.Shapes {
		if !known[sh.RegionCode] {
			return domain.Errorf(domain.ErrInvalid, "boundaries: region %s is not in this instance", sh.RegionCode)
		}
		geom, err := wkb.Marshal(sh.Geometry)
		if err != nil {
			return domain.Errorf(domain.ErrInvalid, "boundaries: region %s: %v", sh.RegionCode, err)
		}
		prev, had := old[sh.RegionCode]
		switch {
		case !had:
			counts.New++
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO boundaries (region_code, geometry, source, licence, upload_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
				sh.RegionCode, geom, imp.Source, imp.Licence, up.ID, up.CreatedAt); err != nil {
				return fmt.Errorf("store: boundaries: insert %s: %w", sh.RegionCode, err)
			}
		case bytes.Equal(prev.Geometry, geom) && prev.Source == imp.Source && prev.Licence == imp.Licence:
			counts.Unchanged++
		default:
			counts.Changed++
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO boundary_revisions (region_code, upload_id, old_geometry, old_source, old_licence, old_upload_id, changed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`), sh.RegionCode, up.ID, prev.Geometry, prev.Source, prev.Licence, prev.UploadID, up.CreatedAt); err != nil {
				return fmt.Errorf("store: boundaries: revision of %s: %w", sh.RegionCode, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE boundaries SET geometry = ?, source = ?, licence = ?, upload_id = ?, updated_at = ? WHERE region_code = ?`),
				geom, imp.Source, imp.Licence, up.ID, up.CreatedAt, sh.RegionCode); err != nil {
				return fmt.Errorf("store: boundaries: update %s: %w", sh.RegionCode, err)
			}
		}
	}
	return nil
}

// chunks yields s in pieces of at most n, for IN lists that stay under
// the engines' parameter limits.
func chunks(s []string, n int) func(func([]string) bool) {
	return func(yield func([]string) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// ChildBoundaries returns the stored shapes of the regions below parent,
// by code: its children, or with level set, every region of that level
// under parent (all regencies of the country: parent "ID", level
// kabupaten_kota). Regions without a shape are left out.
func (s *Store) ChildBoundaries(ctx context.Context, parent string, level domain.Level) ([]Boundary, error) {
	q := `SELECT b.region_code, r.name, b.geometry, b.source, b.licence, b.upload_id, b.updated_at
		FROM boundaries b JOIN regions r ON r.code = b.region_code WHERE `
	var args []any
	switch {
	case level == "":
		q, args = q+`r.parent_code = ?`, []any{parent}
	case parent == domain.NationalCode:
		q, args = q+`r.level = ?`, []any{level}
	default:
		// Codes are digits and dots; escape anyway, the value comes from a query string.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(parent)
		q, args = q+`r.level = ? AND r.code LIKE ? ESCAPE '\'`, []any{level, esc + ".%"}
	}
	rows, err := s.rdb.QueryxContext(ctx, s.rdb.Rebind(q+` ORDER BY b.region_code`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: boundaries below %s: %w", parent, err)
	}
	defer rows.Close()
	out := []Boundary{}
	for rows.Next() {
		var b Boundary
		var geom []byte
		if err := rows.Scan(&b.RegionCode, &b.Name, &geom, &b.Source, &b.Licence, &b.UploadID, &b.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: boundaries below %s: %w", parent, err)
		}
		if b.Geometry, err = decodeShape(geom); err != nil {
			return nil, fmt.Errorf("store: boundary of %s: %w", b.RegionCode, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: boundaries below %s: %w", parent, err)
	}
	return out, nil
}

// BoundaryRevisions returns the shapes re-imports replaced for a region,
// oldest first.
func (s *Store) BoundaryRevisions(ctx context.Context, regionCode string) ([]BoundaryRevision, error) {
	rows, err := s.rdb.QueryxContext(ctx, s.rdb.Rebind(`SELECT region_code, upload_id, old_geometry, old_source, old_licence, old_upload_id, changed_at
		FROM boundary_revisions WHERE region_code = ? ORDER BY upload_id`), regionCode)
	if err != nil {
		return nil, fmt.Errorf("store: boundary revisions of %s: %w", regionCode, err)
	}
	defer rows.Close()
	out := []BoundaryRevision{}
	for rows.Next() {
		var r BoundaryRevision
		var geom []byte
		if err := rows.Scan(&r.RegionCode, &r.UploadID, &geom, &r.Source, &r.Licence, &r.OldUploadID, &r.ChangedAt); err != nil {
			return nil, fmt.Errorf("store: boundary revisions of %s: %w", regionCode, err)
		}
		if r.Geometry, err = decodeShape(geom); err != nil {
			return nil, fmt.Errorf("store: boundary revision of %s: %w", regionCode, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// decodeShape reads a stored WKB MultiPolygon.
func decodeShape(b []byte) (orb.MultiPolygon, error) {
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, err
	}
	mp, ok := g.(orb.MultiPolygon)
	if !ok {
		return nil, fmt.Errorf("stored geometry is a %s, not a MultiPolygon", g.GeoJSONType())
	}
	return mp, nil
}
