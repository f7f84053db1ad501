package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// CatalogImport is one catalogue import: a file or directory given to
// `pantau catalog import`, or the starter catalogue and region list of
// `pantau init`. Its id is what each revision it made names.
type CatalogImport struct {
	ID        int64     `json:"id" db:"id"`
	Filename  string    `json:"filename" db:"filename"`
	CreatedBy string    `json:"created_by" db:"created_by"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	Added     int       `json:"added" db:"added"`
	Changed   int       `json:"changed" db:"changed"`
	Removed   int       `json:"removed" db:"removed"`
	Unchanged int       `json:"unchanged" db:"unchanged"`
}

// CatalogRevision is one change a catalogue import made, old → new as
// JSON ("" for an entry added or removed).
type CatalogRevision struct {
	ID        int64     `json:"id" db:"id"`
	ImportID  int64     `json:"import_id" db:"import_id"`
	Kind      string    `json:"kind" db:"kind"`
	Code      string    `json:"code" db:"code"`
	Action    string    `json:"action" db:"action"`
	OldValue  string    `json:"old_value" db:"old_value"`
	NewValue  string    `json:"new_value" db:"new_value"`
	ChangedAt time.Time `json:"changed_at" db:"changed_at"`
	ChangedBy string    `json:"changed_by" db:"changed_by"`
}

// InUseError refuses the removal of a catalogue entry that stored data,
// targets or other entries use; UsedBy names them.
type InUseError struct {
	Kind, Code string
	UsedBy     []string
}

func (e *InUseError) Error() string {
	return fmt.Sprintf("cannot remove %s %s: used by %s", strings.TrimSuffix(e.Kind, "s"), e.Code, strings.Join(e.UsedBy, ", "))
}

// Unwrap makes the error an ErrConflict.
func (e *InUseError) Unwrap() error { return domain.ErrConflict }

// PeriodError refuses a plan period that would leave stored targets
// outside it.
type PeriodError struct {
	Plan       string
	Start, End int
	Years      []int
}

func (e *PeriodError) Error() string {
	return fmt.Sprintf("plan %s would run %d–%d but has targets for %v", e.Plan, e.Start, e.End, e.Years)
}

// Unwrap makes the error an ErrConflict.
func (e *PeriodError) Unwrap() error { return domain.ErrConflict }

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("store: dry run")

// CatalogEntries is the whole stored catalogue, region successors
// included, for export and for comparison with a catalogue file.
type CatalogEntries struct {
	Agencies   []domain.Agency
	Regions    []domain.Region
	Indicators []domain.Indicator
	Plans      []domain.Plan
}

// CatalogEntries reads the catalogue from the primary. Without
// allRegions it reads only the regions named in regions (those a catalogue
// file refers to): a national instance has 91,599, which a file adding an
// indicator need not load.
func (s *Store) CatalogEntries(ctx context.Context, allRegions bool, regions ...string) (CatalogEntries, error) {
	p := s.primary()
	var c CatalogEntries
	var err error
	if c.Agencies, err = p.Agencies(ctx); err != nil {
		return c, err
	}
	if allRegions {
		if c.Regions, err = p.Regions(ctx, RegionFilter{}); err != nil {
			return c, err
		}
	} else {
		c.Regions = []domain.Region{}
		for _, code := range regions {
			r, err := p.Region(ctx, code)
			switch {
			case err == nil:
				c.Regions = append(c.Regions, r)
			case !errors.Is(err, domain.ErrNotFound):
				return c, err
			}
		}
	}
	if c.Indicators, err = p.Indicators(ctx); err != nil {
		return c, err
	}
	if c.Plans, err = p.Plans(ctx); err != nil {
		return c, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT region_code, successor_code FROM region_successors ORDER BY region_code, successor_code`)
	if err != nil {
		return c, fmt.Errorf("store: region successors: %w", err)
	}
	defer rows.Close()
	succ := map[string][]string{}
	for rows.Next() {
		var r, x string
		if err := rows.Scan(&r, &x); err != nil {
			return c, fmt.Errorf("store: region successors: %w", err)
		}
		succ[r] = append(succ[r], x)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("store: region successors: %w", err)
	}
	for i := range c.Regions {
		c.Regions[i].Successors = succ[c.Regions[i].Code]
	}
	return c, nil
}

// ApplyCatalog makes the changes (as catalogfile.Compare plans them) in
// one transaction: all of them or, on any error, none. Each change is a
// catalogue revision of the import and an audit-log entry by principal.
// Removals are checked against the data, targets and entries that use the
// entry inside the same transaction, and a plan's new period against its
// targets; either refuses the whole import. A dry run does everything and
// rolls back, so it refuses exactly what the import would.
func (s *Store) ApplyCatalog(ctx context.Context, imp CatalogImport, changes []domain.CatalogChange, principal string, dryRun bool) (CatalogImport, error) {
	defer s.regionWrites.Add(1)
	imp.CreatedAt = s.now()
	imp.Added, imp.Changed, imp.Removed = 0, 0, 0
	for _, ch := range changes {
		switch ch.Action {
		case domain.CatalogAdded:
			imp.Added++
		case domain.CatalogChanged:
			imp.Changed++
		case domain.CatalogRemoved:
			imp.Removed++
		}
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &imp.ID, tx.Rebind(`INSERT INTO catalog_imports (filename, created_by, created_at, added, changed, removed, unchanged)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), imp.Filename, imp.CreatedBy, imp.CreatedAt, imp.Added, imp.Changed, imp.Removed, imp.Unchanged); err != nil {
			return fmt.Errorf("store: catalogue import: %w", err)
		}
		for _, ch := range changes {
			if err := s.applyChange(ctx, tx, ch); err != nil {
				return err
			}
			if err := s.recordChange(ctx, tx, imp, ch, principal); err != nil {
				return err
			}
		}
		if err := checkAmendments(ctx, tx); err != nil {
			return err
		}
		// Successors after every region: a region may name one that
		// comes later in the file.
		for _, ch := range changes {
			if r, ok := ch.New.(domain.Region); ok {
				if err := putSuccessors(ctx, tx, r); err != nil {
					return err
				}
			}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		imp.ID = 0
		return imp, nil
	}
	return imp, err
}

func (s *Store) recordChange(ctx context.Context, tx *sqlx.Tx, imp CatalogImport, ch domain.CatalogChange, principal string) error {
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	oldJSON, err := enc(ch.Old)
	if err != nil {
		return fmt.Errorf("store: catalogue revision: %w", err)
	}
	newJSON, err := enc(ch.New)
	if err != nil {
		return fmt.Errorf("store: catalogue revision: %w", err)
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO catalog_revisions (import_id, kind, code, action, old_value, new_value, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), imp.ID, ch.Kind, ch.Code, string(ch.Action), oldJSON, newJSON, imp.CreatedAt); err != nil {
		return fmt.Errorf("store: catalogue revision %s %s: %w", ch.Kind, ch.Code, err)
	}
	detail := fmt.Sprintf("catalogue import %d (%s)", imp.ID, imp.Filename)
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO audit_log (at, principal, ip, action, object, detail) VALUES (?, ?, '', ?, ?, ?)`),
		imp.CreatedAt, principal, "catalog."+string(ch.Action), ch.Kind+":"+ch.Code, detail); err != nil {
		return fmt.Errorf("store: audit catalogue change: %w", err)
	}
	return nil
}

func (s *Store) applyChange(ctx context.Context, tx *sqlx.Tx, ch domain.CatalogChange) error {
	if ch.Action == domain.CatalogRemoved {
		return s.removeEntry(ctx, tx, ch.Kind, ch.Code)
	}
	switch v := ch.New.(type) {
	case domain.Agency:
		if err := v.Validate(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO agencies (code, name) VALUES (?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name`), v.Code, v.Name)
		return wrap(err, "put agency %s", v.Code)
	case domain.Region:
		return putRegion(ctx, tx, v)
	case domain.Indicator:
		return putIndicator(ctx, tx, v)
	case domain.Plan:
		return putPlan(ctx, tx, v)
	}
	return fmt.Errorf("store: catalogue change %s %s: unexpected entry %T", ch.Kind, ch.Code, ch.New)
}

func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: "+format+": %w", append(args, err)...)
}

func putRegion(ctx context.Context, tx *sqlx.Tx, r domain.Region) error {
	if err := r.Validate(); err != nil {
		return err
	}
	var parent any
	if r.ParentCode != "" {
		parent = r.ParentCode
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO regions (code, name, level, parent_code, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code,
			valid_from = excluded.valid_from, valid_to = excluded.valid_to`),
		r.Code, r.Name, r.Level, parent, r.ValidFrom, r.ValidTo); err != nil {
		return wrap(err, "put region %s", r.Code)
	}
	if r.BPSCode != "" {
		// The bridge keeps old BPS codes (data may still name them); the
		// new one becomes current.
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE region_bps_codes SET current = ? WHERE region_code = ? AND bps_code <> ?`),
			false, r.Code, r.BPSCode); err != nil {
			return wrap(err, "put region %s", r.Code)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO region_bps_codes (bps_code, region_code, current) VALUES (?, ?, ?)
			ON CONFLICT (bps_code) DO UPDATE SET region_code = excluded.region_code, current = excluded.current`),
			r.BPSCode, r.Code, true); err != nil {
			return wrap(err, "put BPS code %s of %s", r.BPSCode, r.Code)
		}
	}
	return nil
}

func putSuccessors(ctx context.Context, tx *sqlx.Tx, r domain.Region) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM region_successors WHERE region_code = ?`), r.Code); err != nil {
		return wrap(err, "put region %s successors", r.Code)
	}
	for _, x := range r.Successors {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO region_successors (region_code, successor_code) VALUES (?, ?)`), r.Code, x); err != nil {
			return wrap(err, "put region %s successor %s", r.Code, x)
		}
	}
	return nil
}

func putIndicator(ctx context.Context, tx *sqlx.Tx, ind domain.Indicator) error {
	if err := ind.Validate(); err != nil {
		return err
	}
	var unit string
	err := tx.GetContext(ctx, &unit, tx.Rebind(`SELECT unit FROM indicators WHERE code = ?`), ind.Code)
	switch {
	case err == nil:
		if err := ind.CheckChange(domain.Indicator{Unit: unit}); err != nil {
			return err
		}
	case !isNoRows(err):
		return wrap(err, "put indicator %s", ind.Code)
	}
	var agency any
	if ind.AgencyCode != "" {
		agency = ind.AgencyCode
	}
	p := ind.ProgressSettings()
	_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO indicators
		(code, name_id, name_en, unit, polarity, band_low, band_high, min_value, max_value, decimals, source, definition, definition_en,
		 frequency, sdg_code, national_code, agency_code,
		 progress_assess, progress_base_year, progress_substantial, progress_moderate, progress_limited, rules)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_id = excluded.name_id, name_en = excluded.name_en, unit = excluded.unit,
			polarity = excluded.polarity, band_low = excluded.band_low, band_high = excluded.band_high,
			min_value = excluded.min_value, max_value = excluded.max_value, decimals = excluded.decimals,
			source = excluded.source, definition = excluded.definition, definition_en = excluded.definition_en,
			frequency = excluded.frequency, sdg_code = excluded.sdg_code, national_code = excluded.national_code,
			agency_code = excluded.agency_code, progress_assess = excluded.progress_assess,
			progress_base_year = excluded.progress_base_year, progress_substantial = excluded.progress_substantial,
			progress_moderate = excluded.progress_moderate, progress_limited = excluded.progress_limited, rules = excluded.rules`),
		ind.Code, ind.NameID, ind.NameEN, ind.Unit, ind.Polarity, ind.BandLow, ind.BandHigh, ind.Min, ind.Max,
		ind.Decimals, ind.Source, ind.Definition, ind.DefinitionEN, ind.Frequency, ind.SDGCode, ind.NationalCode, agency,
		p.Assess, p.BaseYear, p.Thresholds.Substantial, p.Thresholds.Moderate, p.Thresholds.Limited, strings.Join(ind.Rules, "\n"))
	return wrap(err, "put indicator %s", ind.Code)
}

func putPlan(ctx context.Context, tx *sqlx.Tx, p domain.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var years []int
	if err := tx.SelectContext(ctx, &years, tx.Rebind(`SELECT DISTINCT year FROM targets WHERE plan_code = ? AND (year < ? OR year > ?) ORDER BY year`),
		p.Code, p.StartYear, p.EndYear); err != nil {
		return wrap(err, "put plan %s: targets", p.Code)
	}
	if len(years) > 0 {
		return &PeriodError{Plan: p.Code, Start: p.StartYear, End: p.EndYear, Years: years}
	}
	status := p.Status
	if status == "" {
		status = domain.PlanFinal
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO plans (code, name, level, region_code, start_year, end_year, source,
		kind, legal_basis, status, amends, illustrative)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, region_code = excluded.region_code,
			start_year = excluded.start_year, end_year = excluded.end_year, source = excluded.source,
			kind = excluded.kind, legal_basis = excluded.legal_basis, status = excluded.status, amends = excluded.amends,
			illustrative = excluded.illustrative`),
		p.Code, p.Name, p.Level, p.RegionCode, p.StartYear, p.EndYear, p.Source, p.Kind, p.LegalBasis, status, p.Amends, p.Illustrative)
	return wrap(err, "put plan %s", p.Code)
}

// checkAmendments checks the amendment chains as the transaction leaves
// them (the file was checked against the catalogue it was compared with;
// this holds whatever was imported meanwhile).
func checkAmendments(ctx context.Context, tx *sqlx.Tx) error {
	var rows []domain.Plan
	if err := tx.SelectContext(ctx, &rows, `SELECT code, amends FROM plans`); err != nil {
		return wrap(err, "check amendments")
	}
	plans := make(map[string]domain.Plan, len(rows))
	for _, p := range rows {
		plans[p.Code] = p
	}
	return domain.CheckAmendments(plans)
}

// uses lists, for each kind of entry, the queries that find what uses it:
// a label and a query taking the code (once per ?).
var uses = map[string][]struct{ label, query string }{
	domain.KindIndicators: {
		{"observations", `SELECT DISTINCT region_code FROM series WHERE indicator_code = ? ORDER BY region_code LIMIT 6`},
		{"targets", `SELECT DISTINCT plan_code FROM targets WHERE indicator_code = ? ORDER BY plan_code LIMIT 6`},
	},
	domain.KindRegions: {
		{"observations", `SELECT DISTINCT indicator_code FROM series WHERE region_code = ? ORDER BY indicator_code LIMIT 6`},
		{"targets", `SELECT DISTINCT plan_code FROM targets WHERE region_code = ? ORDER BY plan_code LIMIT 6`},
		{"plan", `SELECT code FROM plans WHERE region_code = ? ORDER BY code LIMIT 6`},
		{"region", `SELECT code FROM regions WHERE parent_code = ? ORDER BY code LIMIT 6`},
		{"home region of the instance", `SELECT home_region FROM instance_settings WHERE home_region = ?`},
	},
	domain.KindPlans: {
		{"targets", `SELECT DISTINCT indicator_code FROM targets WHERE plan_code = ? ORDER BY indicator_code LIMIT 6`},
		{"plan", `SELECT code FROM plans WHERE amends = ? ORDER BY code LIMIT 6`},
	},
	domain.KindAgencies: {
		{"indicator", `SELECT code FROM indicators WHERE agency_code = ? ORDER BY code LIMIT 6`},
		{"user", `SELECT email FROM users WHERE agency_code = ? ORDER BY email LIMIT 6`},
		{"token", `SELECT label FROM tokens WHERE agency_code = ? ORDER BY label LIMIT 6`},
	},
}

func (s *Store) removeEntry(ctx context.Context, tx *sqlx.Tx, kind, code string) error {
	var usedBy []string
	for _, u := range uses[kind] {
		var found []string
		if err := tx.SelectContext(ctx, &found, tx.Rebind(u.query), code); err != nil {
			return wrap(err, "uses of %s %s", kind, code)
		}
		if len(found) > 5 {
			found = append(found[:5], "…")
		}
		if len(found) > 0 {
			usedBy = append(usedBy, u.label+" "+strings.Join(found, ", "))
		}
	}
	if len(usedBy) > 0 {
		sort.Strings(usedBy)
		return &InUseError{Kind: kind, Code: code, UsedBy: usedBy}
	}
	var stmts []string
	switch kind {
	case domain.KindAgencies:
		stmts = []string{`DELETE FROM agencies WHERE code = ?`}
	case domain.KindRegions:
		stmts = []string{`DELETE FROM region_successors WHERE region_code = ? OR successor_code = ?`,
			`DELETE FROM region_bps_codes WHERE region_code = ?`, `DELETE FROM regions WHERE code = ?`}
	case domain.KindIndicators:
		stmts = []string{`DELETE FROM indicators WHERE code = ?`}
	case domain.KindPlans:
		stmts = []string{`DELETE FROM plans WHERE code = ?`}
	default:
		return fmt.Errorf("store: remove: unknown kind %q", kind)
	}
	for _, q := range stmts {
		args := []any{code}
		if strings.Count(q, "?") == 2 {
			args = append(args, code)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return wrap(err, "remove %s %s", kind, code)
		}
	}
	return nil
}

// CatalogRevisions lists the revisions of one entry, oldest first, with
// who made them (the import's creator).
func (s *Store) CatalogRevisions(ctx context.Context, kind, code string) ([]CatalogRevision, error) {
	out := []CatalogRevision{}
	err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(`SELECT r.id, r.import_id, r.kind, r.code, r.action, r.old_value, r.new_value,
		r.changed_at, i.created_by AS changed_by
		FROM catalog_revisions r JOIN catalog_imports i ON i.id = r.import_id
		WHERE r.kind = ? AND r.code = ? ORDER BY r.id`), kind, code)
	return out, wrap(err, "catalogue revisions %s %s", kind, code)
}

// regionBatch is how many regions one INSERT carries: 6 values each,
// well under SQLite's 32,766 parameters and PostgreSQL's 65,535.
const regionBatch = 1000

// AddRegions inserts the regions that are not stored yet (parents before
// children) and leaves stored ones as they are: the official region list
// loaded by `pantau init`, 91,599 rows for a national instance, in
// batched multi-row INSERTs in one transaction. It returns how many were
// added; the import records that count, not a revision per region (the
// list itself is the record: it is embedded in the binary).
func (s *Store) AddRegions(ctx context.Context, imp CatalogImport, regions []domain.Region, principal string) (CatalogImport, error) {
	defer s.regionWrites.Add(1)
	imp.CreatedAt = s.now()
	imp.Added, imp.Changed, imp.Removed, imp.Unchanged = 0, 0, 0, 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if s.dialect == Postgres {
			n, err := addRegionsCopy(ctx, tx, regions)
			if err != nil {
				return err
			}
			imp.Added = n
		}
		for start := 0; s.dialect == SQLite && start < len(regions); start += regionBatch {
			batch := regions[start:min(start+regionBatch, len(regions))]
			var q strings.Builder
			q.WriteString(`INSERT INTO regions (code, name, level, parent_code, valid_from, valid_to) VALUES `)
			args := make([]any, 0, 6*len(batch))
			for i, r := range batch {
				if err := r.Validate(); err != nil {
					return err
				}
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?)")
				var parent any
				if r.ParentCode != "" {
					parent = r.ParentCode
				}
				args = append(args, r.Code, r.Name, string(r.Level), parent, r.ValidFrom, r.ValidTo)
			}
			q.WriteString(` ON CONFLICT (code) DO NOTHING`)
			res, err := tx.ExecContext(ctx, tx.Rebind(q.String()), args...)
			if err != nil {
				return wrap(err, "add regions")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return wrap(err, "add regions")
			}
			imp.Added += int(n)
		}
		imp.Unchanged = len(regions) - imp.Added
		if imp.Added == 0 {
			return nil
		}
		if err := tx.GetContext(ctx, &imp.ID, tx.Rebind(`INSERT INTO catalog_imports (filename, created_by, created_at, added, changed, removed, unchanged)
			VALUES (?, ?, ?, ?, 0, 0, ?) RETURNING id`), imp.Filename, imp.CreatedBy, imp.CreatedAt, imp.Added, imp.Unchanged); err != nil {
			return wrap(err, "catalogue import")
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO audit_log (at, principal, ip, action, object, detail) VALUES (?, ?, '', ?, ?, ?)`),
			imp.CreatedAt, principal, "catalog.add", "regions", fmt.Sprintf("catalogue import %d (%s): %d regions added", imp.ID, imp.Filename, imp.Added))
		return wrap(err, "audit regions")
	})
	return imp, err
}
