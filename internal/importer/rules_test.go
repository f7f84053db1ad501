package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
)

func TestParseRule(t *testing.T) {
	for _, tt := range []struct {
		text, canon string
		left, right float64
		holds       bool
	}{
		{"kemiskinan_ekstrem <= kemiskinan", "kemiskinan_ekstrem <= kemiskinan", 0.49, 9.31, true},
		{"kemiskinan_ekstrem ≤ kemiskinan", "kemiskinan_ekstrem <= kemiskinan", 9.5, 9.31, false},
		{"error: a + b = 100", "error: a + b = 100", 100, 100, true},
		{"a>b", "a > b", 1, 1, false},
		{"a >= 0", "a >= 0", 0, 0, true},
		{"a < b", "a < b", 1, 1, false},
	} {
		r, err := domain.ParseRule(tt.text)
		if err != nil || r.String() != tt.canon || r.Holds(tt.left, tt.right) != tt.holds {
			t.Errorf("%q: %v %q holds(%g, %g) = %v", tt.text, err, r.String(), tt.left, tt.right, r.Holds(tt.left, tt.right))
		}
	}
	for _, bad := range []string{"kemiskinan", "a <= ", "A <= b", "1 <= 2"} {
		if _, err := domain.ParseRule(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestValidationRules: the demo's rule (extreme poverty ≤ poverty) is
// checked against the uploaded and stored values on both engines: broken,
// it is a warning the sender confirms; written "error:", it rejects the
// file; kept, nothing is said. The rule goes through the catalogue file,
// YAML and CSV, and back.
func TestValidationRules(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		upload := func(csv string, confirm bool) (importer.Result, error) {
			return importer.Import(ctx, st, strings.NewReader("kode_wilayah;kode_indikator;tahun;nilai\n"+csv), importer.Request{
				Upload: domain.Upload{Filename: "r.csv", CreatedBy: "test"}, Options: ingest.Options{Decimal: ingest.DecimalComma},
				ConfirmRequired: true, ConfirmWarnings: confirm})
		}
		ruleWarnings := func(res importer.Result) []importer.Warning {
			var out []importer.Warning
			for _, w := range res.Warnings {
				if w.Code == importer.CodeRule {
					out = append(out, w)
				}
			}
			return out
		}
		// Both sides in the file.
		res, err := upload("16.07;kemiskinan_ekstrem;2024;4\n16.07;kemiskinan;2024;3,5\n", false)
		ws := ruleWarnings(res)
		if !errors.Is(err, domain.ErrInvalid) || !res.NeedsConfirmation || len(ws) != 1 || ws[0].Rule != "kemiskinan_ekstrem <= kemiskinan" ||
			ws[0].Region != "16.07" || ws[0].Year != 2024 || *ws[0].New != 4 || *ws[0].Old != 3.5 || ws[0].Line != 2 {
			t.Fatalf("broken rule: %v %+v", err, ws)
		}
		if storedValue(t, st, "kemiskinan", "16.07", 2024) == 3.5 {
			t.Fatal("an unconfirmed file was stored")
		}
		// Kept: no rule warning.
		res, err = upload("16.07;kemiskinan_ekstrem;2024;0,5\n", false)
		if err != nil || len(ruleWarnings(res)) != 0 {
			t.Fatalf("rule kept: %v %+v", err, res.Warnings)
		}
		// The right side stored: 9,7 > the stored 9,58 (and tenfold 0,56).
		res, err = upload("16.07;kemiskinan_ekstrem;2023;9,7\n", false)
		if ws := ruleWarnings(res); err == nil || len(ws) != 1 || *ws[0].Old != 9.58 {
			t.Fatalf("against the stored value: %v %+v", err, res.Warnings)
		}
		if _, err := upload("16.07;kemiskinan_ekstrem;2023;9,7\n", true); err != nil {
			t.Fatalf("confirmed: %v", err)
		}

		// An error rule, set through the catalogue: the file is rejected
		// even when confirmed.
		ind, err := st.Indicator(ctx, "kemiskinan_ekstrem")
		if err != nil || len(ind.Rules) != 1 {
			t.Fatalf("the demo's rule: %+v %v", ind.Rules, err)
		}
		ind.Rules = []string{"error: kemiskinan_ekstrem<=kemiskinan"}
		if _, err := importer.ApplyCatalog(ctx, st, importer.CatalogRequest{Catalogue: &catalogfile.Catalogue{Indicators: []domain.Indicator{ind}},
			Filename: "test", By: "test", Lang: locale.EN}); err != nil {
			t.Fatal(err)
		}
		res, err = upload("16.07;kemiskinan_ekstrem;2024;12\n", true)
		if !errors.Is(err, domain.ErrInvalid) || res.NeedsConfirmation || len(res.RuleErrors) != 1 || !strings.Contains(res.RuleErrors[0].Reason, "kemiskinan_ekstrem <= kemiskinan") {
			t.Fatalf("error rule: %v %+v", err, res.RuleErrors)
		}

		// Round trip: export YAML and CSV, read back, nothing changes.
		entries, err := st.CatalogEntries(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		var y bytes.Buffer
		if err := catalogfile.WriteYAML(&y, catalogfile.Stored(entries)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(y.String(), "error: kemiskinan_ekstrem <= kemiskinan") {
			t.Fatalf("the YAML export lacks the rule")
		}
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "katalog.yaml"), y.Bytes(), 0o644)
		csvDir := t.TempDir()
		if err := catalogfile.WriteCSV(csvDir, catalogfile.Stored(entries)); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{filepath.Join(dir, "katalog.yaml"), csvDir} {
			c, err := catalogfile.Read(path, locale.EN)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			plan, err := catalogfile.Compare(catalogfile.Stored(entries), c, locale.EN)
			if err != nil || len(plan.Changes) != 0 {
				t.Errorf("%s read back changes %+v %v", path, plan.Changes, err)
			}
		}
	})
}
