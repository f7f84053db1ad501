package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestImportWorkbook: pantau import reads an .xlsx of two BPS tables only
// once told which sheet (--sheet), and names cells in its errors.
func TestImportWorkbook(t *testing.T) {
	dir := t.TempDir()
	getenv := env("PANTAU_DATABASE_URL", filepath.Join(dir, "pantau.db"))
	mustPantau(t, getenv, "demo")
	write := func(name string, v2025 any) string {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "Kemiskinan Ekstrem")
		f.NewSheet("TPT")
		for _, sh := range []string{"Kemiskinan Ekstrem", "TPT"} {
			f.SetSheetRow(sh, "A1", &[]any{"Tabel " + sh})
			f.SetSheetRow(sh, "A3", &[]any{"Kode Wilayah", 2024, 2025})
			f.SetSheetRow(sh, "A4", &[]any{"16.07", 0.44, v2025})
			f.SetSheetRow(sh, "A5", &[]any{"Sumber: BPS"})
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good, bad := write("tabel.xlsx", 0.38), write("salah.xlsx", "n/a?")

	code, _, errs := pantau(t, getenv, "import", "--dry-run", "--indicator", "kemiskinan_ekstrem", good)
	if code != 1 || !strings.Contains(errs, `"Kemiskinan Ekstrem", "TPT"`) || !strings.Contains(errs, "--sheet") {
		t.Fatalf("two tables without --sheet: exit %d, %s", code, errs)
	}
	out := mustPantau(t, getenv, "import", "--indicator", "kemiskinan_ekstrem", "--sheet", "Kemiskinan Ekstrem", good)
	for _, want := range []string{"detected: workbook, sheet Kemiskinan Ekstrem, layout wide, header row 3", "new 1, changed 1", "stored as upload"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	code, _, errs = pantau(t, getenv, "import", "--indicator", "kemiskinan_ekstrem", "--sheet", "Kemiskinan Ekstrem", bad)
	if code != 1 || !strings.Contains(errs, `'Kemiskinan Ekstrem'!C4, column 2025, value "n/a?"`) {
		t.Fatalf("a bad cell: exit %d, %s", code, errs)
	}
}
