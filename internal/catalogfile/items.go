package catalogfile

import (
	"strings"

	"pantau/internal/domain"
)

// The items of a catalogue file: the API's JSON field names, each field
// optional in the file (nil or zero: absent), plus `remove`.

type agencyItem struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name,omitempty"`
	Remove bool   `yaml:"remove,omitempty"`
}

type regionItem struct {
	Code       string   `yaml:"code"`
	Name       string   `yaml:"name,omitempty"`
	Level      string   `yaml:"level,omitempty"`
	ParentCode string   `yaml:"parent_code,omitempty"`
	BPSCode    string   `yaml:"bps_code,omitempty"`
	ValidFrom  int      `yaml:"valid_from,omitempty"`
	ValidTo    int      `yaml:"valid_to,omitempty"`
	Successors []string `yaml:"successors,omitempty,flow"`
	Remove     bool     `yaml:"remove,omitempty"`
}

type indicatorItem struct {
	Code         string        `yaml:"code"`
	NameID       string        `yaml:"name_id,omitempty"`
	NameEN       string        `yaml:"name_en,omitempty"`
	Unit         string        `yaml:"unit,omitempty"`
	Polarity     string        `yaml:"polarity,omitempty"`
	BandLow      *float64      `yaml:"band_low,omitempty"`
	BandHigh     *float64      `yaml:"band_high,omitempty"`
	Min          *float64      `yaml:"min,omitempty"`
	Max          *float64      `yaml:"max,omitempty"`
	Decimals     *int          `yaml:"decimals,omitempty"`
	Source       string        `yaml:"source,omitempty"`
	Definition   string        `yaml:"definition,omitempty"`
	DefinitionEN string        `yaml:"definition_en,omitempty"`
	Frequency    string        `yaml:"frequency,omitempty"`
	SDGCode      string        `yaml:"sdg_code,omitempty"`
	NationalCode string        `yaml:"national_code,omitempty"`
	AgencyCode   string        `yaml:"agency_code,omitempty"`
	Progress     *progressItem `yaml:"progress,omitempty"`
	Rules        []string      `yaml:"rules,omitempty"`
	Remove       bool          `yaml:"remove,omitempty"`
}

type progressItem struct {
	Assess     *bool           `yaml:"assess,omitempty"`
	BaseYear   int             `yaml:"base_year,omitempty"`
	Thresholds *thresholdsItem `yaml:"thresholds,omitempty,flow"`
}

type thresholdsItem struct {
	Substantial *float64 `yaml:"substantial,omitempty"`
	Moderate    *float64 `yaml:"moderate,omitempty"`
	Limited     *float64 `yaml:"limited,omitempty"`
}

type planItem struct {
	Code         string `yaml:"code"`
	Name         string `yaml:"name,omitempty"`
	Kind         string `yaml:"kind,omitempty"`
	Level        string `yaml:"level,omitempty"`
	Region       string `yaml:"region,omitempty"`
	StartYear    int    `yaml:"start_year,omitempty"`
	EndYear      int    `yaml:"end_year,omitempty"`
	Source       string `yaml:"source,omitempty"`
	LegalBasis   string `yaml:"legal_basis,omitempty"`
	Status       string `yaml:"status,omitempty"`
	Amends       string `yaml:"amends,omitempty"`
	Illustrative bool   `yaml:"illustrative,omitempty"`
	Remove       bool   `yaml:"remove,omitempty"`
}

// document is a whole catalogue file.
type document struct {
	Agencies   []agencyItem    `yaml:"agencies,omitempty"`
	Regions    []regionItem    `yaml:"regions,omitempty"`
	Indicators []indicatorItem `yaml:"indicators,omitempty"`
	Plans      []planItem      `yaml:"plans,omitempty"`
}

// DefaultDecimals is an indicator's decimals when its item gives none (the
// database's default).
const DefaultDecimals = 2

// DefaultFrequency is an indicator's frequency when its item gives none.
const DefaultFrequency = "tahunan"

func (it indicatorItem) indicator() domain.Indicator {
	ind := domain.Indicator{Code: it.Code, NameID: it.NameID, NameEN: it.NameEN, Unit: it.Unit, Polarity: domain.Polarity(it.Polarity),
		BandLow: it.BandLow, BandHigh: it.BandHigh, Min: it.Min, Max: it.Max, Decimals: DefaultDecimals, Source: it.Source,
		Definition: it.Definition, DefinitionEN: it.DefinitionEN, Frequency: it.Frequency, SDGCode: it.SDGCode,
		NationalCode: it.NationalCode, AgencyCode: it.AgencyCode, Rules: it.Rules}
	if it.Decimals != nil {
		ind.Decimals = *it.Decimals
	}
	if ind.Frequency == "" {
		ind.Frequency = DefaultFrequency
	}
	if it.Progress != nil {
		p := domain.DefaultProgress
		if it.Progress.Assess != nil {
			p.Assess = *it.Progress.Assess
		}
		p.BaseYear = it.Progress.BaseYear
		if t := it.Progress.Thresholds; t != nil {
			for _, f := range []struct {
				v   *float64
				dst *float64
			}{{t.Substantial, &p.Thresholds.Substantial}, {t.Moderate, &p.Thresholds.Moderate}, {t.Limited, &p.Thresholds.Limited}} {
				if f.v != nil {
					*f.dst = *f.v
				}
			}
		}
		ind.Progress = &p
	}
	return NormalIndicator(ind)
}

func itemOfIndicator(ind domain.Indicator) indicatorItem {
	ind = NormalIndicator(ind)
	dec := ind.Decimals
	it := indicatorItem{Code: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit, Polarity: string(ind.Polarity),
		BandLow: ind.BandLow, BandHigh: ind.BandHigh, Min: ind.Min, Max: ind.Max, Decimals: &dec, Source: ind.Source,
		Definition: ind.Definition, DefinitionEN: ind.DefinitionEN, Frequency: ind.Frequency, SDGCode: ind.SDGCode,
		NationalCode: ind.NationalCode, AgencyCode: ind.AgencyCode, Rules: ind.Rules}
	if p := ind.Progress; p != nil {
		assess := p.Assess
		s, m, l := p.Thresholds.Substantial, p.Thresholds.Moderate, p.Thresholds.Limited
		it.Progress = &progressItem{Assess: &assess, BaseYear: p.BaseYear, Thresholds: &thresholdsItem{&s, &m, &l}}
	}
	return it
}

func (it regionItem) region() domain.Region {
	r := domain.Region{Code: it.Code, Name: it.Name, Level: domain.Level(it.Level), ParentCode: it.ParentCode, BPSCode: it.BPSCode,
		ValidFrom: it.ValidFrom, ValidTo: it.ValidTo, Successors: it.Successors}
	if r.Level == "desa_kelurahan" || r.Level == "kelurahan" {
		r.Level = domain.LevelVillage
	}
	return NormalRegion(r)
}

func itemOfRegion(r domain.Region) regionItem {
	return regionItem{Code: r.Code, Name: r.Name, Level: string(r.Level), ParentCode: r.ParentCode, BPSCode: r.BPSCode,
		ValidFrom: r.ValidFrom, ValidTo: r.ValidTo, Successors: r.Successors}
}

func (it planItem) plan() domain.Plan {
	return NormalPlan(domain.Plan{Code: it.Code, Name: it.Name, Kind: domain.PlanKind(it.Kind), Level: domain.PlanLevel(it.Level),
		RegionCode: it.Region, StartYear: it.StartYear, EndYear: it.EndYear, Source: it.Source, LegalBasis: it.LegalBasis,
		Status: domain.PlanStatus(it.Status), Amends: it.Amends, Illustrative: it.Illustrative})
}

func itemOfPlan(p domain.Plan) planItem {
	p = NormalPlan(p)
	return planItem{Code: p.Code, Name: p.Name, Kind: string(p.Kind), Level: string(p.Level), Region: p.RegionCode,
		StartYear: p.StartYear, EndYear: p.EndYear, Source: p.Source, LegalBasis: p.LegalBasis, Status: string(p.Status),
		Amends: p.Amends, Illustrative: p.Illustrative}
}

// NormalIndicator is the form indicators are compared in: progress
// settings equal to the defaults are no settings of its own, rules are
// written in their canonical form (none: nil).
func NormalIndicator(ind domain.Indicator) domain.Indicator {
	if ind.Progress != nil && *ind.Progress == domain.DefaultProgress {
		ind.Progress = nil
	}
	var rules []string
	for _, text := range ind.Rules {
		if r, err := domain.ParseRule(text); err == nil {
			text = r.String()
		}
		rules = append(rules, text) // a bad rule is kept for Validate to name
	}
	ind.Rules = rules
	return ind
}

// NormalPlan is the form plans are compared in: no status is final, and a
// kind case-insensitively known is spelled as Pantau spells it.
func NormalPlan(p domain.Plan) domain.Plan {
	if p.Status == "" {
		p.Status = domain.PlanFinal
	}
	for _, k := range []domain.PlanKind{domain.KindRPJMN, domain.KindRPJMD, domain.KindRKPD, domain.KindRenstra} {
		if strings.EqualFold(string(p.Kind), string(k)) {
			p.Kind = k
		}
	}
	return p
}

// NormalRegion is the form regions are compared in: level and parent from
// the code when not given, no successors as nil.
func NormalRegion(r domain.Region) domain.Region {
	if r.Level == "" {
		r.Level, _ = domain.LevelOfCode(r.Code)
	}
	if r.ParentCode == "" {
		r.ParentCode = domain.ParentOfCode(r.Code)
	}
	if len(r.Successors) == 0 {
		r.Successors = nil
	}
	return r
}
