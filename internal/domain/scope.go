package domain

import (
	"slices"
	"strconv"
	"strings"
)

// Scope is where an agency's token or uploader account may write (issue
// 21.9): the regions it reports for and the plans whose targets it may
// write. A BPS regency office's token reports for its regency; it never
// writes the national plan's targets.
type Scope struct {
	// Territory lists region codes, each covering the region and every
	// region below it ("16.07" covers "16.07.01"). Empty: no limit on the
	// regions of values (the agency's indicators still bound them).
	Territory []string `json:"territory,omitempty"`
	// Plans lists the plans whose targets it may write. Empty: the plans
	// it owns, those whose region lies in its territory (or, without one,
	// in the instance's home region).
	Plans []string `json:"plans,omitempty"`
}

// ParseScope reads a scope as it is typed and stored: codes separated by
// spaces or commas. Codes that are not codes at all are a *ScopeError
// naming every one of them.
func ParseScope(territory, plans string) (Scope, error) {
	var s Scope
	var bad ScopeError
	for _, code := range strings.FieldsFunc(territory, isScopeSep) {
		switch {
		case code != NationalCode && !ValidCode(code):
			bad.Regions = append(bad.Regions, code)
		case !slices.Contains(s.Territory, code):
			s.Territory = append(s.Territory, code)
		}
	}
	for _, code := range strings.FieldsFunc(plans, isScopeSep) {
		switch {
		case !ValidCode(code):
			bad.Plans = append(bad.Plans, code)
		case !slices.Contains(s.Plans, code):
			s.Plans = append(s.Plans, code)
		}
	}
	if len(bad.Regions)+len(bad.Plans) > 0 {
		return s, &bad
	}
	return s, nil
}

// ScopeError is a scope naming regions or plans Pantau does not have: a
// code that is none (ParseScope) or one the catalogue lacks (the store
// checks). A typo such as "16.7" for "16.07" would otherwise leave an
// uploader able to write nothing, with nobody told why. It is ErrInvalid,
// and the pages name the codes in their own language.
type ScopeError struct {
	Regions, Plans []string
}

func (e *ScopeError) Error() string {
	var parts []string
	if len(e.Regions) > 0 {
		parts = append(parts, "territory: "+quoted(e.Regions)+" "+isAre(len(e.Regions), "not a region", "not regions")+" in the catalogue")
	}
	if len(e.Plans) > 0 {
		parts = append(parts, "plans: "+quoted(e.Plans)+" "+isAre(len(e.Plans), "not a plan", "not plans")+" in the catalogue")
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes it an ErrInvalid whose message Message shows.
func (e *ScopeError) Unwrap() error { return &Error{Kind: ErrInvalid, Message: e.Error()} }

func quoted(codes []string) string {
	q := make([]string, len(codes))
	for i, c := range codes {
		q[i] = strconv.Quote(c)
	}
	return strings.Join(q, ", ")
}

func isAre(n int, one, many string) string {
	if n == 1 {
		return "is " + one
	}
	return "are " + many
}

func isScopeSep(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' || r == '\r' }

// ScopeOf is the scope stored as territory and plans (valid when stored).
func ScopeOf(territory, plans string) Scope {
	return Scope{Territory: strings.Fields(territory), Plans: strings.Fields(plans)}
}

// TerritoryText is the territory as stored and shown: codes and spaces.
func (s Scope) TerritoryText() string { return strings.Join(s.Territory, " ") }

// PlansText is the plans as stored and shown.
func (s Scope) PlansText() string { return strings.Join(s.Plans, " ") }

// IsZero reports whether the scope sets no limit of its own.
func (s Scope) IsZero() bool { return len(s.Territory) == 0 && len(s.Plans) == 0 }

// Covers reports whether values of region are in the territory (any
// region when there is none).
func (s Scope) Covers(region string) bool {
	return len(s.Territory) == 0 || within(s.Territory, region)
}

// MayWritePlan reports whether the targets of p may be written: p is one
// of Plans, or (Plans empty) p's region lies in the territory, or without
// one in home, the instance's region.
func (s Scope) MayWritePlan(p Plan, home string) bool {
	if len(s.Plans) > 0 {
		return slices.Contains(s.Plans, p.Code)
	}
	owned := s.Territory
	if len(owned) == 0 {
		if home == "" {
			return false
		}
		owned = []string{home}
	}
	return within(owned, p.RegionCode)
}

// within reports whether region is one of codes or below one of them.
func within(codes []string, region string) bool {
	for _, c := range codes {
		if c == NationalCode || region == c || strings.HasPrefix(region, c+".") {
			return true
		}
	}
	return false
}
