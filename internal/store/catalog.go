package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Catalog writes: agencies, regions (with their BPS codes), indicators and
// plans. Each validates through the domain first.

// PutAgency creates or updates an agency.
func (s *Store) PutAgency(ctx context.Context, a domain.Agency) error {
	if err := a.Validate(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO agencies (code, name) VALUES (?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name`), a.Code, a.Name)
	if err != nil {
		return fmt.Errorf("store: put agency %s: %w", a.Code, err)
	}
	return nil
}

// PutRegions creates or updates regions in one transaction; parents must come
// before their children (or already exist). A region's BPS code goes into the
// bridge table as its current code.
func (s *Store) PutRegions(ctx context.Context, regions ...domain.Region) error {
	defer s.regionWrites.Add(1)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, r := range regions {
			if err := r.Validate(); err != nil {
				return err
			}
			var parent any
			if r.ParentCode != "" {
				parent = r.ParentCode
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO regions (code, name, level, parent_code) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent_code = excluded.parent_code`),
				r.Code, r.Name, r.Level, parent); err != nil {
				return fmt.Errorf("store: put region %s: %w", r.Code, err)
			}
			if r.BPSCode == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE region_bps_codes SET current = ? WHERE region_code = ? AND bps_code <> ?`),
				false, r.Code, r.BPSCode); err != nil {
				return fmt.Errorf("store: put region %s: %w", r.Code, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO region_bps_codes (bps_code, region_code, current) VALUES (?, ?, ?)
				ON CONFLICT (bps_code) DO UPDATE SET region_code = excluded.region_code, current = excluded.current`),
				r.BPSCode, r.Code, true); err != nil {
				return fmt.Errorf("store: put BPS code %s of %s: %w", r.BPSCode, r.Code, err)
			}
		}
		return nil
	})
}

// PutIndicator creates or updates an indicator.
func (s *Store) PutIndicator(ctx context.Context, ind domain.Indicator) error {
	if err := ind.Validate(); err != nil {
		return err
	}
	var agency any
	if ind.AgencyCode != "" {
		agency = ind.AgencyCode
	}
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO indicators
		(code, name_id, name_en, unit, polarity, band_low, band_high, min_value, max_value, decimals, source, definition, frequency, sdg_code, national_code, agency_code)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_id = excluded.name_id, name_en = excluded.name_en, unit = excluded.unit,
			polarity = excluded.polarity, band_low = excluded.band_low, band_high = excluded.band_high,
			min_value = excluded.min_value, max_value = excluded.max_value, decimals = excluded.decimals,
			source = excluded.source, definition = excluded.definition, frequency = excluded.frequency,
			sdg_code = excluded.sdg_code, national_code = excluded.national_code, agency_code = excluded.agency_code`),
		ind.Code, ind.NameID, ind.NameEN, ind.Unit, ind.Polarity, ind.BandLow, ind.BandHigh, ind.Min, ind.Max,
		ind.Decimals, ind.Source, ind.Definition, ind.Frequency, ind.SDGCode, ind.NationalCode, agency)
	if err != nil {
		return fmt.Errorf("store: put indicator %s: %w", ind.Code, err)
	}
	return nil
}

// PutPlan creates or updates a plan.
func (s *Store) PutPlan(ctx context.Context, p domain.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO plans (code, name, level, region_code, start_year, end_year, source, illustrative)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, region_code = excluded.region_code,
			start_year = excluded.start_year, end_year = excluded.end_year, source = excluded.source, illustrative = excluded.illustrative`),
		p.Code, p.Name, p.Level, p.RegionCode, p.StartYear, p.EndYear, p.Source, p.Illustrative)
	if err != nil {
		return fmt.Errorf("store: put plan %s: %w", p.Code, err)
	}
	return nil
}

// indicatorColumns names the progress settings as sqlx's nested-struct
// columns ("progress.assess"), which fill Indicator.Progress.
const indicatorColumns = `code, name_id, name_en, unit, polarity, band_low, band_high, min_value, max_value, decimals,
	source, definition, definition_en, frequency, sdg_code, national_code, COALESCE(agency_code, '') AS agency_code,
	progress_assess AS "progress.assess", progress_base_year AS "progress.base_year",
	progress_substantial AS "progress.thresholds.substantial", progress_moderate AS "progress.thresholds.moderate",
	progress_limited AS "progress.thresholds.limited", rules`

// indicatorRow is an indicator as stored: its rules one per line.
type indicatorRow struct {
	domain.Indicator
	RuleLines string `db:"rules"`
}

func (r indicatorRow) indicator() domain.Indicator {
	ind := r.Indicator
	ind.Rules = ruleList(r.RuleLines)
	return ind
}

// ruleList splits stored rule lines; none is nil.
func ruleList(lines string) []string {
	var out []string
	for _, l := range strings.Split(lines, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Indicators lists every indicator by code.
func (s *Store) Indicators(ctx context.Context) ([]domain.Indicator, error) {
	var rows []indicatorRow
	if err := s.rdb.SelectContext(ctx, &rows, `SELECT `+indicatorColumns+` FROM indicators ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store: indicators: %w", err)
	}
	out := make([]domain.Indicator, len(rows))
	for i, r := range rows {
		out[i] = r.indicator()
	}
	return out, nil
}

// Indicator returns one indicator, or ErrNotFound.
func (s *Store) Indicator(ctx context.Context, code string) (domain.Indicator, error) {
	var row indicatorRow
	err := s.rdb.GetContext(ctx, &row, s.rdb.Rebind(`SELECT `+indicatorColumns+` FROM indicators WHERE code = ?`), code)
	if err != nil {
		return row.Indicator, notFound(err, "indicator %q not found", code)
	}
	return row.indicator(), nil
}

const regionSelect = `SELECT r.code, COALESCE(b.bps_code, '') AS bps_code, r.name, r.level, COALESCE(r.parent_code, '') AS parent_code,
	r.valid_from, r.valid_to
	FROM regions r LEFT JOIN region_bps_codes b ON b.region_code = r.code AND b.current = ?`

// RegionFilter narrows Regions; zero fields match everything.
type RegionFilter struct {
	Parent string
	Level  domain.Level
	// Subtree keeps a region and every region below it ("16.07" keeps
	// 16.07, 16.07.01, 16.07.01.2001…).
	Subtree string
}

// Regions lists regions by code.
func (s *Store) Regions(ctx context.Context, f RegionFilter) ([]domain.Region, error) {
	q, args := regionSelect+` WHERE 1 = 1`, []any{true}
	if f.Parent != "" {
		q, args = q+` AND r.parent_code = ?`, append(args, f.Parent)
	}
	if f.Level != "" {
		q, args = q+` AND r.level = ?`, append(args, f.Level)
	}
	if f.Subtree != "" {
		// Codes are digits and dots: no LIKE wildcard can hide in them, but
		// escape anyway since the value comes from a query string.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Subtree)
		q, args = q+` AND (r.code = ? OR r.code LIKE ? ESCAPE '\')`, append(args, f.Subtree, esc+".%")
	}
	out := []domain.Region{}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q+` ORDER BY r.code`), args...); err != nil {
		return nil, fmt.Errorf("store: regions: %w", err)
	}
	return out, nil
}

// RegionsVersion changes whenever the stored regions may have: every
// catalogue import (the CLI's, the catalogue pages', `pantau init`'s) and
// every PutRegions of this process. It is one index read, so a copy of the
// regions in memory can check it on every request.
//
// LocalRegionWrites changes without a read when this process writes
// regions (PutRegions, AddRegions, ApplyCatalog): a copy may check it on
// every request and RegionsVersion, for other processes' imports, now and
// then.
func (s *Store) LocalRegionWrites() int64 { return s.regionWrites.Load() }

func (s *Store) RegionsVersion(ctx context.Context) (string, error) {
	var id int64
	if err := s.rdb.GetContext(ctx, &id, `SELECT COALESCE(MAX(id), 0) FROM catalog_imports`); err != nil {
		return "", fmt.Errorf("store: regions version: %w", err)
	}
	return strconv.FormatInt(id, 10) + "." + strconv.FormatInt(s.regionWrites.Load(), 10), nil
}

// Region returns one region by its Kemendagri code, or ErrNotFound.
func (s *Store) Region(ctx context.Context, code string) (domain.Region, error) {
	var r domain.Region
	err := s.rdb.GetContext(ctx, &r, s.rdb.Rebind(regionSelect+` WHERE r.code = ?`), true, code)
	if err != nil {
		return r, notFound(err, "region %q not found", code)
	}
	return r, nil
}

// BPSCodes returns the whole bridge: BPS code → Kemendagri code, old codes included.
func (s *Store) BPSCodes(ctx context.Context) (map[string]string, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT bps_code, region_code FROM region_bps_codes`)
	if err != nil {
		return nil, fmt.Errorf("store: BPS codes: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var bps, code string
		if err := rows.Scan(&bps, &code); err != nil {
			return nil, fmt.Errorf("store: BPS codes: %w", err)
		}
		m[bps] = code
	}
	return m, rows.Err()
}

// Plans lists every plan.
func (s *Store) Plans(ctx context.Context) ([]domain.Plan, error) {
	out := []domain.Plan{}
	if err := s.rdb.SelectContext(ctx, &out, `SELECT code, name, level, region_code, start_year, end_year, source,
		kind, legal_basis, status, amends, illustrative FROM plans ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store: plans: %w", err)
	}
	return out, nil
}

// Agencies lists every agency.
func (s *Store) Agencies(ctx context.Context) ([]domain.Agency, error) {
	out := []domain.Agency{}
	if err := s.rdb.SelectContext(ctx, &out, `SELECT code, name FROM agencies ORDER BY code`); err != nil {
		return nil, fmt.Errorf("store: agencies: %w", err)
	}
	return out, nil
}

// Catalog loads everything an import validates against, from the primary:
// an import must see the catalogue as it is, not as a replica last saw it.
func (s *Store) Catalog(ctx context.Context) (*domain.Catalog, error) {
	s = s.primary()
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := s.Regions(ctx, RegionFilter{})
	if err != nil {
		return nil, err
	}
	bridge, err := s.BPSCodes(ctx)
	if err != nil {
		return nil, err
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	agencies, err := s.Agencies(ctx)
	if err != nil {
		return nil, err
	}
	return domain.NewCatalog(inds, regions, bridge, plans, agencies), nil
}
