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
// once told which sheet (--sheet), reads a cell formatted as a percentage
// as shown (0.0038 as 0,38%, so 0.38) and says so, and names cells in its
// errors.
func TestImportWorkbook(t *testing.T) {
	dir := t.TempDir()
	getenv := env("PANTAU_DATABASE_URL", filepath.Join(dir, "pantau.db"))
	mustPantau(t, getenv, "demo")
	write := func(name string, v2025 any) string {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "Kemiskinan Ekstrem")
		f.NewSheet("TPT")
		pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range []string{"Kemiskinan Ekstrem", "TPT"} {
			f.SetSheetRow(sh, "A1", &[]any{"Tabel " + sh})
			f.SetSheetRow(sh, "A3", &[]any{"Kode Wilayah", 2024, 2025})
			f.SetSheetRow(sh, "A4", &[]any{"16.07", 0.44, v2025})
			f.SetSheetRow(sh, "A5", &[]any{"Sumber: BPS"})
			f.SetCellStyle(sh, "C4", "C4", pct)
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
	good, bad := write("tabel.xlsx", 0.0038), write("salah.xlsx", "n/a?")

	code, _, errs := pantau(t, getenv, "import", "--dry-run", "--indicator", "kemiskinan_ekstrem", good)
	if code != 1 || !strings.Contains(errs, `"Kemiskinan Ekstrem", "TPT"`) || !strings.Contains(errs, "--sheet") {
		t.Fatalf("two tables without --sheet: exit %d, %s", code, errs)
	}
	out := mustPantau(t, getenv, "import", "--indicator", "kemiskinan_ekstrem", "--sheet", "Kemiskinan Ekstrem", good)
	for _, want := range []string{"detected: workbook, sheet Kemiskinan Ekstrem, layout wide, header row 3",
		"detected: percent-formatted cells read as Excel shows them (0.49% as 0.49) in columns 2025 (1)", "new 1, changed 1", "stored as upload"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	// What was stored is what the cells showed: the same table typed in a
	// CSV changes nothing.
	csv := filepath.Join(dir, "tabel.csv")
	if err := os.WriteFile(csv, []byte("Kode Wilayah;2024;2025\n16.07;0,44;0,38%\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustPantau(t, getenv, "import", "--dry-run", "--indicator", "kemiskinan_ekstrem", csv); !strings.Contains(out, "new 0, changed 0, unchanged 2") {
		t.Errorf("the CSV of the stored workbook's values:\n%s", out)
	}
	code, _, errs = pantau(t, getenv, "import", "--indicator", "kemiskinan_ekstrem", "--sheet", "Kemiskinan Ekstrem", bad)
	if code != 1 || !strings.Contains(errs, `'Kemiskinan Ekstrem'!C4, column 2025, value "n/a?"`) {
		t.Fatalf("a bad cell: exit %d, %s", code, errs)
	}
}
