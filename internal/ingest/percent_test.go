package ingest

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A BPS table typed as percentages in Excel (0,1075 stored for 10,75%)
// reads as the same table saved as CSV: the values as shown, every one.
// The dialect counts the percent cells per column; the text cell "9,31*"
// in a percent style is text, read as written.
func TestPercentCellsMatchCSV(t *testing.T) {
	csv, err := os.ReadFile(testdata + "/bps_wide_kemiskinan.csv")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Indicator: "kemiskinan"}
	want, _, err := readAll(t, csv, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := readAll(t, bpsPercentWorkbook(t), opts)
	if err != nil || rep.Err() != nil {
		t.Fatalf("workbook: %v %v", err, rep.Err())
	}
	if len(got) != 8 || !reflect.DeepEqual(got, want) {
		t.Fatalf("workbook observations differ from the CSV's:\n got %+v\nwant %+v", got, want)
	}
	counts := map[string]int{}
	for _, c := range rep.Dialect.Columns {
		if c.PercentCells > 0 {
			counts[c.Name] = c.PercentCells
		}
	}
	if w := map[string]int{"2021": 1, "2022": 1, "2023": 3, "2024": 2}; !reflect.DeepEqual(counts, w) {
		t.Errorf("percent cells per column %v, want %v", counts, w)
	}
	// The same table without percent formats counts none.
	_, rep, _ = readAll(t, bpsWorkbook(t), opts)
	for _, c := range rep.Dialect.Columns {
		if c.PercentCells != 0 {
			t.Errorf("plain workbook: column %s counts %d percent cells", c.Name, c.PercentCells)
		}
	}
}

// percentSheet is a long table whose value column mixes percent cells
// (built-in and custom formats, a negative section), plain
// numbers and text in a percent style.
func percentSheet(t testing.TB) []byte {
	return buildWorkbook(t, func(f *excelize.File) {
		set(t, f, "Sheet1", "A1",
			[]any{"kode_wilayah", "kode_indikator", "tahun", "nilai"},
			[]any{"16.07", "kemiskinan_ekstrem", 2023, 0.0056},
			[]any{"16.07", "kemiskinan_ekstrem", 2024, 0.0049},
			[]any{"16.07", "kemiskinan", 2023, 9.58},
			[]any{"16.07", "kemiskinan", 2024, "5,14"},
			[]any{"16.07", "pertumbuhan_ekonomi", 2023, -0.0123},
			[]any{"16.07", "pertumbuhan_ekonomi", 2024, -0.0123},
			[]any{"16.07", "stunting", 2023, 0.187},
			[]any{"16.07", "penduduk", 2023, 850022})
		style(t, f, "Sheet1", "D2", "D2", &excelize.Style{NumFmt: 10})
		style(t, f, "Sheet1", "D3", "D3", &excelize.Style{CustomNumFmt: numFmt("0.0%")})
		style(t, f, "Sheet1", "D5", "D5", &excelize.Style{NumFmt: 10})
		style(t, f, "Sheet1", "D6", "D6", &excelize.Style{CustomNumFmt: numFmt(`0.00%;[Red]-0.00%`)})
		// Negative numbers in the second section, which shows no percent.
		style(t, f, "Sheet1", "D7", "D7", &excelize.Style{CustomNumFmt: numFmt(`0.00%;(0.00)`)})
		style(t, f, "Sheet1", "D8", "D8", &excelize.Style{NumFmt: 9})
	})
}

// Percent cells are read as shown, exactly (0.0049 is 0.49, shown as 0,5%
// with one decimal); plain numbers beside them as stored; text as written.
func TestPercentCells(t *testing.T) {
	got, rep, err := readAll(t, percentSheet(t), Options{})
	if err != nil || rep.Err() != nil {
		t.Fatalf("%v %v", err, rep.Err())
	}
	vals := map[string]float64{}
	for _, o := range got {
		vals[o.IndicatorCode+"/"+strconv.Itoa(o.Year)] = o.Value
	}
	want := map[string]float64{
		"kemiskinan_ekstrem/2023": 0.56, "kemiskinan_ekstrem/2024": 0.49,
		"kemiskinan/2023": 9.58, "kemiskinan/2024": 5.14,
		"pertumbuhan_ekonomi/2023": -1.23, "pertumbuhan_ekonomi/2024": -0.0123,
		"stunting/2023": 18.7, "penduduk/2023": 850022,
	}
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("values %v,\nwant %v", vals, want)
	}
	for _, c := range rep.Dialect.Columns {
		if n := map[string]int{"nilai": 4}[c.Name]; c.PercentCells != n {
			t.Errorf("column %s: %d percent cells, want %d", c.Name, c.PercentCells, n)
		}
	}

	// A percent cell merged across two years is a percent in both.
	merged := buildWorkbook(t, func(f *excelize.File) {
		set(t, f, "Sheet1", "A1", []any{"Kode Wilayah", 2023, 2024}, []any{"16.07", 0.0049})
		merge(t, f, "Sheet1", "B2", "C2")
		style(t, f, "Sheet1", "B2", "C2", &excelize.Style{NumFmt: 10})
	})
	got, rep, err = readAll(t, merged, Options{Indicator: "kemiskinan_ekstrem"})
	if err != nil || rep.Err() != nil || len(got) != 2 || got[0].Value != 0.49 || got[1].Value != 0.49 {
		t.Fatalf("merged: %+v %v %v", got, err, rep.Err())
	}
	if p := rep.Dialect.PercentColumns(); p != "2023 (1), 2024 (1)" {
		t.Errorf("merged: percent columns %q", p)
	}
}

// A percent cell in the column of an indicator whose unit is not percent
// is refused as a CSV's "72,45%" is: the unit contradicts the indicator's.
// The error shows the value as read, with its sign.
func TestPercentCellWrongUnit(t *testing.T) {
	data := buildWorkbook(t, func(f *excelize.File) {
		set(t, f, "Sheet1", "A1",
			[]any{"kode_wilayah", "kode_indikator", "tahun", "nilai"},
			[]any{"16.07", "kemiskinan", 2023, 9.58},
			[]any{"16.07", "ipm", 2023, 0.7245})
		style(t, f, "Sheet1", "D3", "D3", &excelize.Style{NumFmt: 10})
	})
	_, rep, err := readAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, csvRep, err := readAll(t, []byte("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2023;9,58\n16.07;ipm;2023;72,45%\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Report{"workbook": rep, "csv": csvRep} {
		if len(r.Errors) != 1 || r.Errors[0].Code != CodeUnitContradicts || r.Errors[0].Warning || r.Err() == nil {
			t.Fatalf("%s: errors %+v", name, r.Errors)
		}
	}
	if e := rep.Errors[0]; e.Cell != "Sheet1!D3" || e.Value != "72.45%" || !strings.Contains(e.Reason, "ipm") {
		t.Errorf("workbook error %+v", e)
	}
}

// withSheetXML is base with its first sheet's XML replaced.
func withSheetXML(t testing.TB, base []byte, sheet string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if zf.Name == "xl/worksheets/sheet1.xml" {
			body = []byte(sheet)
		}
		w, _ := zw.Create(zf.Name)
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The sheet as other programs write it: a namespace prefix, single
// quotes, rows and cells without r, a gap, a comment and CDATA that look
// like cells, the 17 digits Excel writes (4.8999999999999998E-3 for
// 0.0049), a formula's number, a style index out of range. The percent cells found are the
// ones excelize reads the values of.
func TestPercentCellsSheetXML(t *testing.T) {
	base := buildWorkbook(t, func(f *excelize.File) {
		set(t, f, "Sheet1", "A1", []any{1})
		style(t, f, "Sheet1", "A1", "A1", &excelize.Style{NumFmt: 10}) // cell style 1
	})
	str := func(s string) string { return `<x:c t="inlineStr"><x:is><x:t>` + s + `</x:t></x:is></x:c>` }
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r='1'>` + str("kode_wilayah") + str("kode_indikator") + str("tahun") + str("nilai") + `</x:row>` +
		`<!-- a > b <x:row r="3"> -->` +
		`<x:row r = "2">` + str("16.07") + str("kemiskinan_ekstrem") + `<x:c><x:v>2023</x:v></x:c><x:c s = '1'><x:v>4.8999999999999998E-3</x:v></x:c></x:row>` +
		`<x:row r="4">` + str("16.07") + str("kemiskinan_ekstrem") +
		`<x:c r="C4"><x:v>2024</x:v></x:c><x:c r="D4" s="1"><x:f><![CDATA[0.0044+0*(1>2)+0*LEN("<x:row r='9'>")]]></x:f><x:v>4.4000000000000003E-3</x:v></x:c></x:row>` +
		`<x:row>` + str("16.07") + str("kemiskinan") + `<x:c><x:v>2023</x:v></x:c><x:c s="99"><x:v>9.58</x:v></x:c></x:row>` +
		`<x:row r="6">` + str("16.07") + str("kemiskinan") + `<x:c s="1"><x:v>2024</x:v></x:c><x:c t="n"><x:v>9.31</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	got, rep, err := readAll(t, withSheetXML(t, base, sheet), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The year of row 6 is a percent cell too: 2024 shown as 202400%,
	// which is no year.
	if len(rep.Errors) != 1 || rep.Errors[0].Cell != "Sheet1!C6" || rep.Errors[0].Value != "202400%" {
		t.Fatalf("errors %+v", rep.Errors)
	}
	vals := map[string]float64{}
	for _, o := range got {
		vals[o.IndicatorCode+"/"+strconv.Itoa(o.Year)] = o.Value
	}
	if want := map[string]float64{"kemiskinan_ekstrem/2023": 0.49, "kemiskinan_ekstrem/2024": 0.44, "kemiskinan/2023": 9.58}; !reflect.DeepEqual(vals, want) {
		t.Errorf("values %v, want %v", vals, want)
	}
}

func TestTimesHundred(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"0.0049", "0.49"},
		{"4.8999999999999998E-3", "0.49"},
		{"0.1075", "10.75"},
		{"1", "100"},
		{"0", "0"},
		{"-0.0123", "-1.23"},
		{"0.30000000000000004", "30"}, // Excel keeps 15 digits
		{"0.123456789012345", "12.3456789012345"},
		{"1E-10", "1e-08"},
		{"12345678.9", "1234567890"},
		{"1E+19", "1e+21"},
		{"1.7976931348623157E308", "1.79769313486232e310"}, // beyond a float64: refused later
	} {
		got, ok := timesHundred(tt.in)
		if !ok || got != tt.want {
			t.Errorf("timesHundred(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := timesHundred("9,58"); ok {
		t.Error("9,58 is no stored number")
	}
}

func TestPercentFormat(t *testing.T) {
	both := pctPositive | pctNegative
	for _, tt := range []struct {
		code string
		want pctStyle
	}{
		{"0%", both},
		{"0.00%", both},
		{"#,##0.0%", both},
		{"[Red]0.0%", both},
		{`0.00%;[Red]-0.00%;"-"`, both},
		{"0.0%;(0.0)", pctPositive},
		{"0.0;-0.0%", pctNegative},
		{`0.0"%"`, 0},
		{`0.0\%`, 0},
		{`0.0_%`, 0},
		{`0.0*%`, 0},
		{`[$%-421]0.0`, 0},
		{`"per ; cent" 0.0%`, both},
		{"General", 0},
		{"#,##0", 0},
		{"", 0},
	} {
		if got := percentFormat(tt.code); got != tt.want {
			t.Errorf("percentFormat(%q) = %b, want %b", tt.code, got, tt.want)
		}
	}
}
