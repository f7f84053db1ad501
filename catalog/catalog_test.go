package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"pantau/internal/domain"
	"pantau/internal/ingest"
)

// The fields CATALOG_FORMAT.md allows, per kind; a field outside these is a
// typo the catalogue reader would refuse.
var (
	indicatorFields = fields("code name_id name_en unit polarity band_low band_high min max decimals source definition definition_en frequency sdg_code national_code agency_code progress rules")
	progressFields  = fields("assess base_year thresholds")
	planFields      = fields("code name kind level region start_year end_year source legal_basis status amends illustrative")
	agencyFields    = fields("code name")
	topLevel        = fields("agencies regions indicators plans")

	indicatorRequired = strings.Fields("code name_id name_en unit polarity decimals source definition definition_en frequency agency_code")
	planRequired      = strings.Fields("code name kind level region start_year end_year source legal_basis status")
)

func fields(s string) map[string]bool {
	m := map[string]bool{}
	for _, f := range strings.Fields(s) {
		m[f] = true
	}
	return m
}

type item = map[string]any

func starterFile(t *testing.T) map[string][]item {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(Starter(), &doc); err != nil {
		t.Fatalf("starter.yaml: %v", err)
	}
	out := map[string][]item{}
	for key, v := range doc {
		if !topLevel[key] {
			t.Fatalf("starter.yaml: top-level %q, want agencies, regions, indicators or plans", key)
		}
		list, ok := v.([]any)
		if !ok {
			t.Fatalf("starter.yaml: %s is %T, want a list", key, v)
		}
		for i, e := range list {
			m, ok := e.(item)
			if !ok {
				t.Fatalf("starter.yaml: %s[%d] is %T, want a mapping", key, i, e)
			}
			out[key] = append(out[key], m)
		}
	}
	return out
}

func checkFields(t *testing.T, path string, m item, allowed map[string]bool, required []string) {
	t.Helper()
	for k := range m {
		if !allowed[k] {
			t.Errorf("%s.%s: unknown field", path, k)
		}
	}
	for _, k := range required {
		v, ok := m[k]
		if s, isString := v.(string); !ok || v == nil || (isString && strings.TrimSpace(s) == "") {
			t.Errorf("%s.%s: missing or empty", path, k)
		}
	}
}

func TestStarterIndicators(t *testing.T) {
	doc := starterFile(t)
	agencies := map[string]bool{}
	for i, a := range doc["agencies"] {
		checkFields(t, fmt.Sprintf("agencies[%d]", i), a, agencyFields, []string{"code", "name"})
		agencies[fmt.Sprint(a["code"])] = true
	}
	var codes []string
	sdg := regexp.MustCompile(`^\d{1,2}\.[0-9a-c]{1,2}\.\d$`)
	for i, ind := range doc["indicators"] {
		path := fmt.Sprintf("indicators[%d]", i)
		checkFields(t, path, ind, indicatorFields, indicatorRequired)
		code := fmt.Sprint(ind["code"])
		codes = append(codes, code)
		switch p := ind["polarity"]; p {
		case "higher", "lower", "neutral":
		case "band":
			if ind["band_low"] == nil || ind["band_high"] == nil {
				t.Errorf("%s (%s): band polarity without band_low and band_high", path, code)
			}
		default:
			t.Errorf("%s (%s): polarity %v, want higher, lower, band or neutral", path, code, p)
		}
		if !agencies[fmt.Sprint(ind["agency_code"])] {
			t.Errorf("%s (%s): agency_code %v is not among the file's agencies", path, code, ind["agency_code"])
		}
		if s, ok := ind["sdg_code"]; ok {
			if str, isString := s.(string); !isString || !sdg.MatchString(str) {
				t.Errorf("%s (%s): sdg_code %#v is not a quoted SDG indicator code (1.2.1)", path, code, s)
			}
		}
		if d, ok := ind["decimals"].(int); !ok || d < 0 || d > 6 {
			t.Errorf("%s (%s): decimals %v, want 0–6", path, code, ind["decimals"])
		}
		if pr, ok := ind["progress"]; ok {
			m, isMap := pr.(item)
			if !isMap {
				t.Fatalf("%s.progress is %T, want a mapping", path, pr)
			}
			checkFields(t, path+".progress", m, progressFields, nil)
		}

		// The domain's own rules accept it, read through the API's JSON names.
		var got domain.Indicator
		fromJSON(t, ind, &got)
		if err := got.Validate(); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	// The codes of the demo (internal/demo/demo.go) and the macro set of issue 15.
	want := []string{"gini", "hls", "ipm", "kemiskinan", "kemiskinan_ekstrem", "pdrb_per_kapita", "penduduk",
		"pengeluaran_per_kapita", "pertumbuhan_ekonomi", "rls", "stunting", "tpt", "uhh"}
	sorted := slices.Sorted(slices.Values(codes))
	if !slices.Equal(sorted, want) {
		t.Errorf("indicator codes %v, want %v", sorted, want)
	}
	if len(slices.Compact(sorted)) != len(codes) {
		t.Errorf("indicator codes repeat: %v", codes)
	}
	for _, ind := range doc["indicators"] {
		if ind["code"] != "penduduk" {
			if _, ok := ind["progress"]; ok {
				t.Errorf("%v: progress settings; the starter set keeps the defaults except for population", ind["code"])
			}
			continue
		}
		pr, _ := ind["progress"].(item)
		if ind["polarity"] != "neutral" || pr["assess"] != false {
			t.Errorf("penduduk: polarity %v, progress %v; want neutral and assess: false (a weight, not a goal)", ind["polarity"], ind["progress"])
		}
	}
}

func TestStarterPlan(t *testing.T) {
	doc := starterFile(t)
	if len(doc["plans"]) != 1 {
		t.Fatalf("%d plans, want the RPJMN only", len(doc["plans"]))
	}
	p := doc["plans"][0]
	checkFields(t, "plans[0]", p, planFields, planRequired)
	for k, v := range map[string]any{"code": "rpjmn-2025-2029", "kind": "RPJMN", "level": "nasional", "region": "ID",
		"start_year": 2025, "end_year": 2029, "source": "Perpres 12/2025", "status": "final", "illustrative": false} {
		if p[k] != v {
			t.Errorf("plans[0].%s = %#v, want %#v", k, p[k], v)
		}
	}
	if lb, _ := p["legal_basis"].(string); !strings.HasPrefix(lb, "Peraturan Presiden Nomor 12 Tahun 2025") {
		t.Errorf("plans[0].legal_basis = %q", lb)
	}
	var plan domain.Plan
	fromJSON(t, p, &plan)
	if err := plan.Validate(); err != nil {
		t.Error(err)
	}
}

// The targets file is the demo's national RPJMN rows, byte for byte, and
// the real CSV reader accepts it against the starter catalogue with the
// dialect detected (no options), as `pantau init` will read it.
func TestRPJMNTargets(t *testing.T) {
	demo, err := os.ReadFile("../internal/demo/data/target.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(demo), "\n")
	want := lines[0]
	for _, l := range lines[1:] {
		if f := strings.Split(l, ";"); len(f) > 2 && f[0] == "rpjmn-2025-2029" && f[2] == domain.NationalCode {
			want += l
		}
	}
	if got := string(RPJMNTargets()); got != want {
		t.Fatalf("rpjmn_targets.csv =\n%s\nwant the demo's national RPJMN rows:\n%s", got, want)
	}

	doc := starterFile(t)
	var inds []domain.Indicator
	for _, m := range doc["indicators"] {
		var ind domain.Indicator
		fromJSON(t, m, &ind)
		inds = append(inds, ind)
	}
	var plan domain.Plan
	fromJSON(t, doc["plans"][0], &plan)
	nation, err := domain.NewRegion(domain.NationalCode, "", "Indonesia")
	if err != nil {
		t.Fatal(err)
	}
	cat := domain.NewCatalog(inds, []domain.Region{nation}, nil, []domain.Plan{plan}, []domain.Agency{{Code: "bps", Name: "Badan Pusat Statistik"}})
	var got []string
	rep, err := ingest.ReadTargets(bytes.NewReader(RPJMNTargets()), cat, ingest.Options{}, func(tg domain.Target) error {
		got = append(got, fmt.Sprintf("%s %s %s %d %g–%g", tg.PlanCode, tg.IndicatorCode, tg.RegionCode, tg.Year, tg.Low, tg.High))
		return nil
	})
	if err != nil || rep.Err() != nil {
		t.Fatalf("ReadTargets: %v, %v", err, rep.Err())
	}
	sort.Strings(got)
	wantTargets := []string{
		"rpjmn-2025-2029 kemiskinan ID 2029 4.5–4.5",
		"rpjmn-2025-2029 kemiskinan_ekstrem ID 2026 0–0",
		"rpjmn-2025-2029 pertumbuhan_ekonomi ID 2025 5.3–5.3",
		"rpjmn-2025-2029 pertumbuhan_ekonomi ID 2029 8–8",
		"rpjmn-2025-2029 stunting ID 2025 18.8–18.8",
		"rpjmn-2025-2029 stunting ID 2029 14.2–14.2",
	}
	if !slices.Equal(got, wantTargets) {
		t.Fatalf("targets read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantTargets, "\n"))
	}
}

func TestEmbedsAreCopies(t *testing.T) {
	a := Starter()
	a[0] = 'X'
	if Starter()[0] == 'X' {
		t.Fatal("Starter shares its bytes")
	}
	onDisk, err := os.ReadFile("starter.yaml")
	if err != nil || !bytes.Equal(onDisk, Starter()) {
		t.Fatalf("Starter() differs from starter.yaml (%v)", err)
	}
}

// fromJSON reads a YAML item into a domain type through JSON, whose field
// names the catalogue format uses.
func fromJSON(t *testing.T, m item, v any) {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}
