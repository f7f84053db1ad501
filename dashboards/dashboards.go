// Package dashboards holds Pantau's dashboard definitions: YAML files
// embedded in the binary (this folder) and, optionally, a directory that
// overrides or adds to them (PANTAU_DASHBOARDS_DIR). Definitions are
// validated at start-up; an error names the file and the field.
// README.md in this folder documents the schema.
package dashboards

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"pantau/internal/locale"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"pantau/internal/domain"
)

//go:embed *.yaml
var embedded embed.FS

// Text is a title or description in Indonesian and, optionally, English.
type Text struct {
	ID string `yaml:"id"`
	EN string `yaml:"en"`
}

// In returns the text in lang, Indonesian when there is no English.
func (t Text) In(lang locale.Lang) string {
	if lang == locale.EN && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// Panel types.
const (
	KPI       = "kpi"       // tiles: latest value, change, status, for Indicators
	Scorecard = "scorecard" // table of every indicator (or Indicators) of the region
	Series    = "series"    // Indicator over time, with targets and projection
	Breakdown = "breakdown" // Indicator by disaggregation (women/men, urban/rural)
	Districts = "districts" // Indicator across the districts of the region, one year
	Disparity = "disparity" // spread between the districts over time
)

var panelTypes = []string{KPI, Scorecard, Series, Breakdown, Districts, Disparity}

// Panel is one block of a dashboard.
type Panel struct {
	ID    string `yaml:"id"`
	Type  string `yaml:"type"`
	Title Text   `yaml:"title"`
	// Indicator is required by series, breakdown, districts and disparity.
	Indicator string `yaml:"indicator"`
	// Indicators limits kpi (required) and scorecard (optional: all).
	Indicators []string `yaml:"indicators"`
	// Plan picks the headline plan; default the most local plan.
	Plan string `yaml:"plan"`
}

// Embeddable reports whether the panel is a chart of one indicator, which
// other sites may embed; KPI tiles and scorecards are not.
func (p Panel) Embeddable() bool {
	return p.Indicator != "" && p.Type != KPI && p.Type != Scorecard
}

// Dashboard is a page of panels over one region at a time.
type Dashboard struct {
	ID          string `yaml:"id"`
	Title       Text   `yaml:"title"`
	Description Text   `yaml:"description"`
	// Region is shown by default; Regions are the selector's choices
	// (default: Region only).
	Region  string   `yaml:"region"`
	Regions []string `yaml:"regions"`
	// ToYear ends the time axis and the projections (default
	// domain.DefaultHorizon).
	ToYear int     `yaml:"to_year"`
	Panels []Panel `yaml:"panels"`
	// File is where the definition came from, for messages.
	File string `yaml:"-"`
}

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	codePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	regionPattern = regexp.MustCompile(`^(ID|\d{2}(\.\d{2}){0,2}(\.\d{4})?)$`)
)

// Load returns the embedded dashboards, overridden (same id) or extended by
// the *.yaml files in dir when dir is not empty, ordered as the index page
// lists them: embedded order (file name), then new ones by file name. Every
// invalid file is reported, each error naming its file and field.
func Load(dir string) ([]Dashboard, error) {
	var all []Dashboard
	var errs []error
	names, _ := fs.Glob(embedded, "*.yaml")
	for _, name := range names {
		b, err := embedded.ReadFile(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("dashboards/%s: %w", name, err))
			continue
		}
		d, err := Parse("dashboards/"+name, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, d)
	}
	if dir != "" {
		paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, fmt.Errorf("PANTAU_DASHBOARDS_DIR %s: %w", dir, err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("PANTAU_DASHBOARDS_DIR %s: not a readable directory", dir)
		}
		slices.Sort(paths)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
				continue
			}
			d, err := Parse(p, b)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if i := slices.IndexFunc(all, func(e Dashboard) bool { return e.ID == d.ID }); i >= 0 {
				all[i] = d
			} else {
				all = append(all, d)
			}
		}
	}
	seen := map[string]string{}
	for _, d := range all {
		if f, ok := seen[d.ID]; ok {
			errs = append(errs, fmt.Errorf("%s: id: %q is also the id of %s", d.File, d.ID, f))
		}
		seen[d.ID] = d.File
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return all, nil
}

// Parse decodes and validates one definition; file names it in errors.
// Unknown fields are errors, so a misspelt key is not silently ignored.
func Parse(file string, b []byte) (Dashboard, error) {
	var d Dashboard
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			errs := make([]error, len(te.Errors))
			for i, e := range te.Errors {
				errs[i] = fmt.Errorf("%s: %s", file, strings.Replace(e, " in type dashboards.", " in ", 1))
			}
			return d, errors.Join(errs...)
		}
		return d, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	d.File = file
	if d.ToYear == 0 {
		d.ToYear = domain.DefaultHorizon
	}
	if len(d.Regions) == 0 && d.Region != "" {
		d.Regions = []string{d.Region}
	}
	if err := d.Validate(); err != nil {
		return d, err
	}
	return d, nil
}

// Validate checks a definition; every problem is listed as
// "file: field: problem".
func (d Dashboard) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: %s", d.File, field, fmt.Sprintf(format, args...)))
	}
	if !idPattern.MatchString(d.ID) {
		bad("id", "%q: use lower-case letters, digits and '-' (it is the page address /d/{id})", d.ID)
	}
	if strings.TrimSpace(d.Title.ID) == "" {
		bad("title.id", "the Indonesian title is required")
	}
	if !regionPattern.MatchString(d.Region) {
		bad("region", "%q is not a Kemendagri region code such as 16.07 (or ID for Indonesia)", d.Region)
	}
	for i, r := range d.Regions {
		if !regionPattern.MatchString(r) {
			bad(fmt.Sprintf("regions[%d]", i), "%q is not a Kemendagri region code", r)
		}
	}
	if d.Region != "" && !slices.Contains(d.Regions, d.Region) {
		bad("regions", "must include the default region %q", d.Region)
	}
	if d.ToYear < 2000 || d.ToYear > 2100 {
		bad("to_year", "%d outside 2000–2100", d.ToYear)
	}
	if len(d.Panels) == 0 {
		bad("panels", "a dashboard needs at least one panel")
	}
	ids := map[string]bool{}
	for i, p := range d.Panels {
		at := fmt.Sprintf("panels[%d]", i)
		if !idPattern.MatchString(p.ID) {
			bad(at+".id", "%q: use lower-case letters, digits and '-'", p.ID)
		} else if ids[p.ID] {
			bad(at+".id", "%q is used by another panel", p.ID)
		}
		ids[p.ID] = true
		if !slices.Contains(panelTypes, p.Type) {
			bad(at+".type", "%q: want one of %s", p.Type, strings.Join(panelTypes, ", "))
			continue
		}
		switch p.Type {
		case Series, Breakdown, Districts, Disparity:
			if p.Indicator == "" {
				bad(at+".indicator", "required for a %s panel", p.Type)
			} else if !codePattern.MatchString(p.Indicator) {
				bad(at+".indicator", "%q is not an indicator code", p.Indicator)
			}
			if len(p.Indicators) > 0 {
				bad(at+".indicators", "not used by a %s panel (use indicator)", p.Type)
			}
		case KPI, Scorecard:
			if p.Type == KPI && len(p.Indicators) == 0 {
				bad(at+".indicators", "a kpi panel lists the indicators of its tiles")
			}
			if p.Indicator != "" {
				bad(at+".indicator", "not used by a %s panel (use indicators)", p.Type)
			}
			for j, c := range p.Indicators {
				if !codePattern.MatchString(c) {
					bad(fmt.Sprintf("%s.indicators[%d]", at, j), "%q is not an indicator code", c)
				}
			}
		}
		if p.Plan != "" && !codePattern.MatchString(p.Plan) {
			bad(at+".plan", "%q is not a plan code", p.Plan)
		}
	}
	return errors.Join(errs...)
}

// Panel returns the dashboard's panel with id.
func (d Dashboard) Panel(id string) (Panel, bool) {
	i := slices.IndexFunc(d.Panels, func(p Panel) bool { return p.ID == id })
	if i < 0 {
		return Panel{}, false
	}
	return d.Panels[i], true
}

// Find returns the dashboard with id.
func Find(all []Dashboard, id string) (Dashboard, bool) {
	i := slices.IndexFunc(all, func(d Dashboard) bool { return d.ID == id })
	if i < 0 {
		return Dashboard{}, false
	}
	return all[i], true
}
