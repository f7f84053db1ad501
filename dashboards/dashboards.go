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
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"pantau/internal/domain"
	"pantau/internal/locale"
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

// RegionPlaceholder in a title or description stands for the name of the
// region shown, so one file serves every region a reader picks.
const RegionPlaceholder = "{region}"

// For returns the text in lang with RegionPlaceholder replaced by the
// region's name as that language writes it (PlaceName).
func (t Text) For(lang locale.Lang, regionName string) string {
	return strings.ReplaceAll(t.In(lang), RegionPlaceholder, PlaceName(lang, regionName))
}

// PlaceName writes an official region name in lang: the Indonesian list's
// "Kabupaten Banyuasin" is "Banyuasin Regency" in English. Names without
// a level word (kecamatan, villages) are the same in both.
func PlaceName(lang locale.Lang, name string) string {
	for _, kind := range []string{"Kabupaten", "Kota", "Provinsi"} {
		if rest, ok := strings.CutPrefix(name, kind+" "); ok && rest != "" {
			return lang.Get("place."+strings.ToLower(kind), rest)
		}
	}
	return name
}

// Panel types.
const (
	KPI       = "kpi"       // tiles: latest value, change, status, for Indicators
	Scorecard = "scorecard" // table of Indicators, by default the dashboard's (Dashboard.Indicators)
	Series    = "series"    // Indicator over time, with targets and projection
	Breakdown = "breakdown" // Indicator by disaggregation (women/men, urban/rural)
	Districts = "districts" // Indicator across the districts of the region, one year
	Disparity = "disparity" // spread between the districts over time
	Map       = "map"       // Indicator as a choropleth of the districts, one year
)

var panelTypes = []string{KPI, Scorecard, Series, Breakdown, Districts, Disparity, Map}

// Panel is one block of a dashboard.
type Panel struct {
	ID    string `yaml:"id"`
	Type  string `yaml:"type"`
	Title Text   `yaml:"title"`
	// Indicator is required by series, breakdown, districts, disparity and map.
	Indicator string `yaml:"indicator"`
	// Indicators limits kpi (required) and scorecard (optional: without
	// it the scorecard covers every indicator of the region).
	Indicators []string `yaml:"indicators"`
	// Plan picks the headline plan; default the most local plan.
	Plan string `yaml:"plan"`
}

// Embeddable reports whether the panel is a chart of one indicator, which
// other sites may embed; KPI tiles and scorecards are not.
func (p Panel) Embeddable() bool {
	return p.Indicator != "" && p.Type != KPI && p.Type != Scorecard
}

// Home in a dashboard's region or regions stands for the instance's home
// region (the one `pantau init` recorded), so a file serves any government.
const Home = "home"

// Dashboard is a page of panels over one region at a time.
type Dashboard struct {
	ID          string `yaml:"id"`
	Title       Text   `yaml:"title"`
	Description Text   `yaml:"description"`
	// Region is shown by default: Home (also when omitted) or a code.
	// Regions, when given, are the only regions the page shows and the
	// selector's choices; without them the page shows any region of the
	// instance and offers the home region, those above it and below it.
	Region  string   `yaml:"region"`
	Regions []string `yaml:"regions"`
	// Instance, when set, lists the dashboard only on the instance whose
	// home region it is: the demo's own dashboards stay out of other
	// governments' instances.
	Instance string `yaml:"instance"`
	// Replaces names dashboards this one is listed instead of (and in the
	// place of) where it is listed; their pages still answer.
	Replaces []string `yaml:"replaces"`
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
	regionPattern = regexp.MustCompile(`^(home|ID|\d{2}(\.\d{2}){0,2}(\.\d{4})?)$`)
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
	if d.Region == "" {
		d.Region = Home
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
		bad("region", "%q is not home or a Kemendagri region code such as 16.07 (or ID for Indonesia)", d.Region)
	}
	for i, r := range d.Regions {
		if !regionPattern.MatchString(r) {
			bad(fmt.Sprintf("regions[%d]", i), "%q is not home or a Kemendagri region code", r)
		}
	}
	if d.Instance != "" && (d.Instance == Home || !regionPattern.MatchString(d.Instance)) {
		bad("instance", "%q is not a Kemendagri region code", d.Instance)
	}
	for i, r := range d.Replaces {
		if !idPattern.MatchString(r) || r == d.ID {
			bad(fmt.Sprintf("replaces[%d]", i), "%q is not the id of another dashboard", r)
		}
	}
	if len(d.Regions) > 0 && !slices.Contains(d.Regions, d.Region) {
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
		case Series, Breakdown, Districts, Disparity, Map:
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

// DefaultRegion is the code of the region the page shows without
// ?region=, for an instance whose home region is home.
func (d Dashboard) DefaultRegion(home string) string {
	return resolve(d.Region, home)
}

// Choices are the dashboard's explicit regions as codes (Home resolved);
// nil when the dashboard shows any region of the instance.
func (d Dashboard) Choices(home string) []string {
	if len(d.Regions) == 0 {
		return nil
	}
	out := make([]string, len(d.Regions))
	for i, r := range d.Regions {
		out[i] = resolve(r, home)
	}
	return out
}

// Shows reports whether the dashboard may show region code on an instance
// whose home region is home.
func (d Dashboard) Shows(code, home string) bool {
	return d.ListedFor(home) && (len(d.Regions) == 0 || slices.Contains(d.Choices(home), code))
}

// ListedFor reports whether the dashboard belongs on an instance whose
// home region is home (see Instance).
func (d Dashboard) ListedFor(home string) bool {
	return d.Instance == "" || d.Instance == home
}

func resolve(region, home string) string {
	if region == Home || region == "" {
		return home
	}
	return region
}

// Listed returns the dashboards an instance with home region home lists,
// in order: those of another instance left out, a replaced one's place
// taken by the one replacing it. The first is the instance's home
// dashboard, which / leads to.
func Listed(all []Dashboard, home string) []Dashboard {
	replacedBy := map[string]Dashboard{}
	for _, d := range all {
		if d.ListedFor(home) {
			for _, r := range d.Replaces {
				replacedBy[r] = d
			}
		}
	}
	var out []Dashboard
	seen := map[string]bool{}
	for _, d := range all {
		if !d.ListedFor(home) {
			continue
		}
		if by, ok := replacedBy[d.ID]; ok {
			d = by
		}
		if !seen[d.ID] {
			seen[d.ID] = true
			out = append(out, d)
		}
	}
	return out
}

// Panel returns the dashboard's panel with id.
func (d Dashboard) Panel(id string) (Panel, bool) {
	i := slices.IndexFunc(d.Panels, func(p Panel) bool { return p.ID == id })
	if i < 0 {
		return Panel{}, false
	}
	return d.Panels[i], true
}

// EmbeddablePanel returns the dashboard's embeddable panel with id, or
// with id empty its first embeddable one (a preview that names none).
func (d Dashboard) EmbeddablePanel(id string) (Panel, bool) {
	i := slices.IndexFunc(d.Panels, func(p Panel) bool { return p.Embeddable() && (id == "" || p.ID == id) })
	if i < 0 {
		return Panel{}, false
	}
	return d.Panels[i], true
}

// Indicators are the indicators the dashboard's panels name, in panel
// order, each once: what its page reads when every scorecard lists its
// own (one that lists none covers every indicator of the region). Empty
// when no panel names one.
func (d Dashboard) Indicators() []string {
	var out []string
	for _, p := range d.Panels {
		for _, code := range append([]string{p.Indicator}, p.Indicators...) {
			if code != "" && !slices.Contains(out, code) {
				out = append(out, code)
			}
		}
	}
	return out
}

// Find returns the dashboard with id.
func Find(all []Dashboard, id string) (Dashboard, bool) {
	i := slices.IndexFunc(all, func(d Dashboard) bool { return d.ID == id })
	if i < 0 {
		return Dashboard{}, false
	}
	return all[i], true
}
