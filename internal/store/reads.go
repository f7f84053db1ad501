package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pantau/internal/domain"
)

// Ancestors returns code and every region above it, nearest first.
func Ancestors(code string) []string {
	out := []string{code}
	for c := domain.ParentOfCode(code); c != ""; c = domain.ParentOfCode(c) {
		out = append(out, c)
	}
	return out
}

// RegionSeries returns every indicator's series in one region: one Series
// per indicator that has observations there, each with the targets of the
// region and the regions above it. Three queries, whatever the number of
// indicators: this is the scorecard's read.
func (s *Store) RegionSeries(ctx context.Context, regionCode string) ([]Series, error) {
	region, err := s.Region(ctx, regionCode)
	if err != nil {
		return nil, err
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	var obs []domain.Observation
	if len(inds) > 0 {
		codes := make([]string, len(inds))
		for i, ind := range inds {
			codes[i] = ind.Code
		}
		// Naming every indicator lets both engines seek the primary key
		// (indicator, region, …) once per indicator instead of scanning the
		// table for one region.
		q, args, err := sqlx.In(`SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at
			FROM observations WHERE indicator_code IN (?) AND region_code = ? ORDER BY indicator_code, disagg, year`, codes, regionCode)
		if err != nil {
			return nil, fmt.Errorf("store: region series: %w", err)
		}
		if err := s.rdb.SelectContext(ctx, &obs, s.rdb.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("store: region series %s: %w", regionCode, err)
		}
	}
	targets, err := s.TargetsIn(ctx, Ancestors(regionCode))
	if err != nil {
		return nil, err
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	byInd := map[string]*Series{}
	var out []Series
	for _, ind := range inds {
		byInd[ind.Code] = &Series{Indicator: ind, Region: region, Observations: []domain.Observation{}, Targets: []domain.Target{}, Plans: plans}
	}
	for _, o := range obs {
		if sr := byInd[o.IndicatorCode]; sr != nil {
			sr.Observations = append(sr.Observations, o)
		}
	}
	for _, t := range targets {
		if sr := byInd[t.IndicatorCode]; sr != nil {
			sr.Targets = append(sr.Targets, t)
		}
	}
	for _, ind := range inds {
		if sr := byInd[ind.Code]; len(sr.Observations) > 0 {
			out = append(out, *sr)
		}
	}
	return out, nil
}

// TargetsIn returns every target set for the given regions.
func (s *Store) TargetsIn(ctx context.Context, regionCodes []string) ([]domain.Target, error) {
	q, args, err := sqlx.In(`SELECT plan_code, indicator_code, region_code, disagg, year, low, high, note, upload_id
		FROM targets WHERE region_code IN (?) ORDER BY indicator_code, plan_code, disagg, year`, regionCodes)
	if err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
	}
	out := []domain.Target{}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: targets: %w", err)
	}
	return out, nil
}

// ChildObservations returns the total (not disaggregated) observations of
// one indicator in every region directly below parent, all years.
func (s *Store) ChildObservations(ctx context.Context, indicatorCode, parent string) ([]domain.Observation, error) {
	out := []domain.Observation{}
	children, err := s.childCodes(ctx, parent)
	if err != nil || len(children) == 0 {
		return out, err
	}
	q, args, err := sqlx.In(`SELECT indicator_code, region_code, disagg, year, value, status, series_break, note, upload_id, updated_at
		FROM observations WHERE indicator_code = ? AND region_code IN (?) AND disagg = '' ORDER BY year, region_code`, indicatorCode, children)
	if err != nil {
		return nil, fmt.Errorf("store: child observations: %w", err)
	}
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: child observations %s/%s: %w", indicatorCode, parent, err)
	}
	return out, nil
}

// childCodes lists the codes of the regions directly below parent. Reads
// of one indicator in a few regions name them: on PostgreSQL observations
// is a view (the newest of each key's versions, migration 00006) that a
// condition on its key columns narrows to their index ranges, while a join
// with regions would read every version of the indicator.
func (s *Store) childCodes(ctx context.Context, parent string) ([]string, error) {
	var out []string
	if err := s.rdb.SelectContext(ctx, &out, s.rdb.Rebind(`SELECT code FROM regions WHERE parent_code = ? ORDER BY code`), parent); err != nil {
		return nil, fmt.Errorf("store: regions below %s: %w", parent, err)
	}
	return out, nil
}
