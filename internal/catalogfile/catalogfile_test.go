package catalogfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

const good = `agencies:
  - code: bps
    name: Badan Pusat Statistik
regions:
  - code: "16.06"
    name: Kabupaten Musi Banyuasin
    bps_code: "1606"
  - code: "16"
    name: Provinsi Sumatera Selatan
  - code: ID
    name: Indonesia
indicators:
  - code: kemiskinan
    name_id: Persentase penduduk miskin (P0)
    name_en: Poverty rate (P0)
    unit: persen
    polarity: lower
    decimals: 2
    definition: Persentase penduduk di bawah garis kemiskinan.
    definition_en: Share of the population below the poverty line.
    agency_code: bps
  - code: penduduk
    name_id: Jumlah penduduk
    unit: jiwa
    polarity: neutral
    decimals: 0
    progress:
      assess: false
plans:
  - code: rpjmd-muba-2025-2029
    name: RPJMD Kab. Musi Banyuasin 2025–2029
    kind: RPJMD
    level: kabupaten_kota
    region: "16.06"
    start_year: 2025
    end_year: 2029
    legal_basis: Perda Kab. Musi Banyuasin Nomor 1 Tahun 2025
    status: final
`

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadGood(t *testing.T) {
	c, err := Read(write(t, "my.yaml", good), locale.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agencies) != 1 || len(c.Regions) != 3 || len(c.Indicators) != 2 || len(c.Plans) != 1 {
		t.Fatalf("read %d agencies, %d regions, %d indicators, %d plans", len(c.Agencies), len(c.Regions), len(c.Indicators), len(c.Plans))
	}
	if c.Regions[0].Code != "ID" || c.Regions[2].Code != "16.06" || c.Regions[2].ParentCode != "16" || c.Regions[2].Level != domain.LevelRegency {
		t.Errorf("regions not parents first with level and parent from the code: %+v", c.Regions)
	}
	if p := c.Indicators[1].ProgressSettings(); p.Assess || p.Thresholds != domain.DefaultProgress.Thresholds {
		t.Errorf("penduduk progress = %+v, want not assessed with default thresholds", p)
	}
	if c.Indicators[0].Progress != nil || c.Indicators[0].DefinitionEN == "" {
		t.Errorf("kemiskinan = %+v", c.Indicators[0])
	}
	if p := c.Plans[0]; p.Kind != domain.KindRPJMD || p.Status != domain.PlanFinal || p.LegalBasis == "" {
		t.Errorf("plan = %+v", p)
	}
}

func TestBadFiles(t *testing.T) {
	stored := Stored{
		Agencies:   []domain.Agency{{Code: "bps", Name: "BPS"}},
		Regions:    []domain.Region{{Code: "ID", Name: "Indonesia", Level: domain.LevelNational}},
		Indicators: []domain.Indicator{{Code: "kemiskinan", NameID: "Kemiskinan", Unit: "persen", Polarity: domain.LowerIsBetter, Decimals: 2, Frequency: "tahunan", AgencyCode: "bps"}},
		Plans: []domain.Plan{{Code: "a", Name: "A", Level: domain.PlanNational, RegionCode: "ID", StartYear: 2025, EndYear: 2029},
			{Code: "b", Name: "B", Level: domain.PlanNational, RegionCode: "ID", StartYear: 2025, EndYear: 2029, Amends: "a"}},
	}
	for _, tt := range []struct {
		name, file, text string
		lang             locale.Lang
		line             int
		path, code       string
		msg              []string
	}{
		{name: "unknown field", file: "x.yaml", lang: locale.EN, line: 5,
			text: "indicators:\n  - code: kemiskinan\n    name_id: K\n    unit: persen\n    polarty: lower\n",
			path: "indicators[0].polarty", code: CodeUnknownField, msg: []string{`unknown field "polarty"`, `did you mean "polarity"?`}},
		{name: "unknown field in Indonesian", file: "x.yaml", lang: locale.ID, line: 5,
			text: "indicators:\n  - code: kemiskinan\n    name_id: K\n    unit: persen\n    polarty: lower\n",
			path: "indicators[0].polarty", code: CodeUnknownField, msg: []string{`isian "polarty" tidak dikenal`, "mungkin maksud Anda"}},
		{name: "bad polarity", file: "x.yaml", lang: locale.EN, line: 9,
			text: "agencies: []\nindicators:\n  - code: ok\n    name_id: OK\n    unit: persen\n    polarity: lower\n  - code: tpt\n    name_id: TPT\n    polarity: downwards\n    unit: persen\n",
			path: "indicators[1].polarity", code: CodePolarity, msg: []string{`polarity "downwards"`}},
		{name: "number expected", file: "x.yaml", lang: locale.EN, line: 6,
			text: "indicators:\n  - code: tpt\n    name_id: TPT\n    unit: persen\n    polarity: lower\n    min: nol\n",
			path: "indicators[0].min", code: CodeBadValue, msg: []string{`"nol" is not a valid number`}},
		{name: "amends cycle", file: "x.yaml", lang: locale.EN, line: 2,
			text: "plans:\n  - code: a\n    name: A\n    level: nasional\n    region: ID\n    start_year: 2025\n    end_year: 2029\n    amends: b\n",
			path: "plans[0].amends", code: CodeAmendsCycle, msg: []string{"a → b → a"}},
		{name: "unit change", file: "x.yaml", lang: locale.ID, line: 2,
			text: "indicators:\n  - code: kemiskinan\n    name_id: Kemiskinan\n    unit: jiwa\n    polarity: lower\n",
			path: "indicators[0].unit", code: CodeUnitChange, msg: []string{`sudah bersatuan "persen"`, `"jiwa"`}},
		{name: "removal of a used agency", file: "x.yaml", lang: locale.EN, line: 2,
			text: "agencies:\n  - code: bps\n    remove: true\n",
			path: "agencies[0].remove", code: CodeInUse, msg: []string{"cannot remove agency bps: used by indicator kemiskinan"}},
		{name: "removal of a plan another amends", file: "x.yaml", lang: locale.EN, line: 2,
			text: "plans:\n  - code: a\n    remove: true\n",
			path: "plans[0].remove", code: CodeInUse, msg: []string{"used by plan b"}},
		{name: "csv bad polarity names line and column", file: "indicators.csv", lang: locale.EN, line: 3,
			text: "code;name_id;unit;polarity;min\nok;OK;persen;lower;0,5\ntpt;TPT;persen;naik;\n",
			path: "polarity", code: CodePolarity, msg: []string{`polarity "naik"`}},
		{name: "csv unknown column", file: "indicators.csv", lang: locale.EN, line: 1,
			text: "code,name_id,unit,polarty\nok,OK,persen,lower\n",
			path: "polarty", code: CodeUnknownField, msg: []string{`unknown field "polarty"`}},
		{name: "unknown agency", file: "x.yaml", lang: locale.EN, line: 2,
			text: "indicators:\n  - code: tpt\n    name_id: TPT\n    unit: persen\n    polarity: lower\n    agency_code: disnaker\n",
			path: "indicators[0].agency_code", code: CodeUnknownRef, msg: []string{`agency "disnaker" is not in the catalogue or the file`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, tt.file, tt.text)
			c, err := Read(path, tt.lang)
			if err == nil {
				_, err = Compare(stored, c, tt.lang)
			}
			probs, ok := err.(Problems)
			if !ok || len(probs) == 0 {
				t.Fatalf("got %v, want problems", err)
			}
			p := probs[0]
			if p.File != path || p.Line != tt.line || p.Path != tt.path || p.Code != tt.code {
				t.Errorf("problem at %s:%d %q code %s, want %s:%d %q %s (%s)", p.File, p.Line, p.Path, p.Code, path, tt.line, tt.path, tt.code, p.Message)
			}
			for _, m := range tt.msg {
				if !strings.Contains(p.Message, m) {
					t.Errorf("message %q lacks %q", p.Message, m)
				}
			}
		})
	}
}

// TestWriteReadBack writes YAML and CSV and reads both back to the same
// entries: nothing to change against the catalogue they came from.
func TestWriteReadBack(t *testing.T) {
	c, err := Read(write(t, "my.yaml", good), locale.EN)
	if err != nil {
		t.Fatal(err)
	}
	st := Stored{Agencies: c.Agencies, Regions: c.Regions, Indicators: c.Indicators, Plans: c.Plans}
	st.Regions[1].Successors = []string{"16.06"} // only to carry a list through CSV
	dir := t.TempDir()
	if err := WriteCSV(dir, st); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteYAML(f, st); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, path := range []string{dir, f.Name()} {
		back, err := Read(path, locale.EN)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		plan, err := Compare(st, back, locale.EN)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Changes) != 0 || plan.Unchanged != 7 {
			for _, ch := range plan.Changes {
				t.Log(Describe(locale.EN, ch))
			}
			t.Errorf("%s: %d changes, %d unchanged; want 0 and 7", path, len(plan.Changes), plan.Unchanged)
		}
	}
}

func TestDescribe(t *testing.T) {
	old := domain.Indicator{Code: "tpt", NameID: "TPT", Unit: "persen", Polarity: domain.LowerIsBetter}
	nw := old
	nw.Polarity = domain.HigherIsBetter
	got := Describe(locale.EN, domain.CatalogChange{Kind: "indicators", Code: "tpt", Action: domain.CatalogChanged, Old: old, New: nw})
	if got != `change indicator tpt: polarity "lower" → "higher"` {
		t.Errorf("Describe = %q", got)
	}
}

// TestReadDirectory merges a directory's files in name order and refuses
// an entry declared in two of them, naming both places.
func TestReadDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"01-agencies.yaml": "agencies:\n  - code: bps\n    name: BPS\n",
		"02-indicators.csv": "code;name_id;unit;polarity;agency_code;progress_assess;progress_substantial\n" +
			"tpt;TPT;persen;lower;bps;true;0,9\n",
		"README.txt": "not a catalogue file, skipped",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Read(dir, locale.EN)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Agencies) != 1 || len(c.Indicators) != 1 || c.Indicators[0].ProgressSettings().Thresholds.Substantial != 0.9 {
		t.Fatalf("read %+v", c)
	}
	os.WriteFile(filepath.Join(dir, "03-more.yaml"), []byte("indicators:\n  - code: tpt\n    name_id: TPT\n    unit: persen\n    polarity: lower\n"), 0o644)
	_, err = Read(dir, locale.EN)
	probs, ok := err.(Problems)
	if !ok || len(probs) != 1 || probs[0].Code != CodeDuplicate || probs[0].File != filepath.Join(dir, "03-more.yaml") ||
		!strings.Contains(probs[0].Message, "02-indicators.csv:2") {
		t.Fatalf("got %v, want tpt refused as declared twice, first in 02-indicators.csv:2", err)
	}
}
