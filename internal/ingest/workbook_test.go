package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// buildWorkbook writes a workbook made by fill, as Excel would save it.
func buildWorkbook(t testing.TB, fill func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	fill(f)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// set writes cells of a sheet row by row from the given top-left cell;
// nil leaves a cell empty.
func set(t testing.TB, f *excelize.File, sheet, cell string, rows ...[]any) {
	t.Helper()
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, v := range r {
			if v == nil {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(col+j, row+i)
			if err := f.SetCellValue(sheet, name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func merge(t testing.TB, f *excelize.File, sheet, from, to string) {
	t.Helper()
	if err := f.MergeCell(sheet, from, to); err != nil {
		t.Fatal(err)
	}
}

// bpsWorkbook is testdata/ingest/bps_wide_kemiskinan.csv as BPS publishes
// it in Excel: a merged title, the header over two rows (the codes and
// names merged down, "Persentase Penduduk Miskin" merged across the
// years), years and values as numbers, one value as text with its mark,
// a merged "Sumber:" footer.
func bpsWorkbook(t testing.TB) []byte { return bpsTable(t, false) }

// bpsPercentWorkbook is bpsWorkbook with its numbers typed as percentages
// ("10,75%"), as many tables are: Excel stores the fractions (0.1075) and
// formats the cells 0.00% (built-in 10), 0% (9) or "0.0%"; the text cell
// "9,31*" keeps its percent style, which text ignores.
func bpsPercentWorkbook(t testing.TB) []byte { return bpsTable(t, true) }

func bpsTable(t testing.TB, percent bool) []byte {
	return buildWorkbook(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Tabel")
		set(t, f, "Tabel", "A1", []any{"Persentase Penduduk Miskin (P0) menurut Kabupaten/Kota di Sumatera Selatan, 2021-2024"})
		merge(t, f, "Tabel", "A1", "F1")
		rows := [][]any{
			{1607, "Kab. Banyu Asin", 10.75, 10, 9.58, "9,31*"},
			{16, "Prov. Sumatera Selatan", "-", "-", 11.78, 10.97},
			{"ID", "Indonesia", "-", "-", 9.36, 9.03},
		}
		if percent {
			rows = [][]any{
				{1607, "Kab. Banyu Asin", 0.1075, 0.1, 0.0958, "9,31*"},
				{16, "Prov. Sumatera Selatan", "-", "-", 0.1178, 0.1097},
				{"ID", "Indonesia", "-", "-", 0.0936, 0.0903},
			}
		}
		set(t, f, "Tabel", "A2",
			[]any{"Kode Wilayah", "Nama Wilayah", "Persentase Penduduk Miskin (%)"},
			[]any{nil, nil, 2021, 2022, 2023, 2024},
			rows[0], rows[1], rows[2],
			[]any{"Sumber: BPS, Susenas Maret"},
			[]any{"*) angka sementara"})
		merge(t, f, "Tabel", "A2", "A3")
		merge(t, f, "Tabel", "B2", "B3")
		merge(t, f, "Tabel", "C2", "F2")
		merge(t, f, "Tabel", "A7", "F7")
		if percent {
			style(t, f, "Tabel", "C4", "C4", &excelize.Style{NumFmt: 10})
			style(t, f, "Tabel", "D4", "D4", &excelize.Style{NumFmt: 9})
			style(t, f, "Tabel", "E4", "E6", &excelize.Style{CustomNumFmt: numFmt("0.0%")})
			style(t, f, "Tabel", "F4", "F6", &excelize.Style{NumFmt: 10})
		}
	})
}

// style gives the cells from:to a new style.
func style(t testing.TB, f *excelize.File, sheet, from, to string, st *excelize.Style) {
	t.Helper()
	id, err := f.NewStyle(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(sheet, from, to, id); err != nil {
		t.Fatal(err)
	}
}

// readAll reads a file and returns what it emitted, its report and error.
func readAll(t testing.TB, data []byte, opts Options) ([]domain.Observation, *Report, error) {
	t.Helper()
	var got []domain.Observation
	rep, err := ReadObservations(bytes.NewReader(data), testCatalog(t), opts, func(o domain.Observation) error {
		got = append(got, o)
		return nil
	})
	return got, rep, err
}

// A BPS workbook and the same table saved as CSV give the same
// observations, line for row, and the workbook's dialect says where it
// was read from.
func TestWorkbookMatchesCSV(t *testing.T) {
	csv, err := os.ReadFile(testdata + "/bps_wide_kemiskinan.csv")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Indicator: "kemiskinan"}
	want, wantRep, err := readAll(t, csv, opts)
	if err != nil || wantRep.Err() != nil {
		t.Fatalf("csv: %v %v", err, wantRep.Err())
	}
	got, rep, err := readAll(t, bpsWorkbook(t), opts)
	if err != nil || rep.Err() != nil {
		t.Fatalf("workbook: %v %v", err, rep.Err())
	}
	if len(got) != 8 || !reflect.DeepEqual(got, want) {
		t.Fatalf("workbook observations differ from the CSV's:\n got %+v\nwant %+v", got, want)
	}
	d := rep.Dialect
	if d.Format != "xlsx" || !reflect.DeepEqual(d.Sheets, []string{"Tabel"}) || d.Layout != LayoutWide || d.HeaderLine != 3 || d.Decimal != DecimalComma {
		t.Errorf("dialect %+v", d)
	}
	if rep.Missing != wantRep.Missing || rep.Rows != wantRep.Rows {
		t.Errorf("missing %d rows %d, want %d %d", rep.Missing, rep.Rows, wantRep.Missing, wantRep.Rows)
	}
}

// Numeric cells are read as numbers: 850022 people stay 850022 (the CSV
// reader would have to guess whether 850.022 groups thousands), and a
// formula is read by the value Excel cached for it.
func TestWorkbookNumbersAndFormulas(t *testing.T) {
	data := buildWorkbook(t, func(f *excelize.File) {
		set(t, f, "Sheet1", "A1",
			[]any{"kode_wilayah", "kode_indikator", "tahun", "nilai"},
			[]any{"16.07", "penduduk", 2023, 850022},
			[]any{"16.07", "penduduk", 2024, 888324},
			[]any{"16.07", "kemiskinan", 2023, 1.234},
			[]any{"16.07", "kemiskinan", 2024, nil})
		// Excel writes the formula and the value it last computed.
		set(t, f, "Sheet1", "D5", []any{9.31})
		if err := f.SetCellFormula("Sheet1", "D5", "=ROUND(9.314,2)"); err != nil {
			t.Fatal(err)
		}
	})
	got, rep, err := readAll(t, data, Options{})
	if err != nil || rep.Err() != nil {
		t.Fatalf("%v %v", err, rep.Err())
	}
	vals := map[string]float64{}
	for _, o := range got {
		vals[o.IndicatorCode+"/"+strconv.Itoa(o.Year)] = o.Value
	}
	want := map[string]float64{"penduduk/2023": 850022, "penduduk/2024": 888324, "kemiskinan/2023": 1.234, "kemiskinan/2024": 9.31}
	if !reflect.DeepEqual(vals, want) {
		t.Errorf("values %v, want %v", vals, want)
	}
	if rep.Dialect.DecimalFrom != "numeric cells" {
		t.Errorf("decimal from %q", rep.Dialect.DecimalFrom)
	}
}

// Several sheets: the one with a table is read; two tables need a name,
// and the error lists the sheets; a template's sheets, each naming its
// indicator per row, are read one after another.
func TestWorkbookSheets(t *testing.T) {
	table := func(f *excelize.File, sheet, ind string, v float64) {
		if _, err := f.NewSheet(sheet); err != nil {
			t.Fatal(err)
		}
		set(t, f, sheet, "A1", []any{"Kode Wilayah", "2023"}, []any{"16.07", v})
	}
	notes := func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Catatan")
		set(t, f, "Catatan", "A1", []any{"Tabel ini disusun dari Susenas."}, []any{"Hubungi BPS untuk rinciannya."})
	}
	oneTable := buildWorkbook(t, func(f *excelize.File) { notes(f); table(f, "Data", "", 9.58) })
	got, rep, err := readAll(t, oneTable, Options{Indicator: "kemiskinan"})
	if err != nil || rep.Err() != nil || len(got) != 1 || got[0].Value != 9.58 || !reflect.DeepEqual(rep.Dialect.Sheets, []string{"Data"}) {
		t.Fatalf("one table: %+v %v %v %+v", got, err, rep.Err(), rep.Dialect)
	}

	twoTables := buildWorkbook(t, func(f *excelize.File) { notes(f); table(f, "Kemiskinan", "", 9.58); table(f, "TPT 2023", "", 4.1) })
	_, _, err = readAll(t, twoTables, Options{Indicator: "kemiskinan"})
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), `"Kemiskinan", "TPT 2023"`) {
		t.Fatalf("two tables: %v", err)
	}
	got, _, err = readAll(t, twoTables, Options{Indicator: "tpt", Sheet: "tpt 2023"})
	if err != nil || len(got) != 1 || got[0].Value != 4.1 {
		t.Fatalf("named sheet: %+v %v", got, err)
	}
	_, _, err = readAll(t, twoTables, Options{Indicator: "tpt", Sheet: "Tabel"})
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), `"Tabel"`) || !strings.Contains(err.Error(), `"Catatan", "Kemiskinan", "TPT 2023"`) {
		t.Fatalf("unknown sheet: %v", err)
	}

	perIndicator := buildWorkbook(t, func(f *excelize.File) {
		notes(f)
		for _, ind := range []string{"kemiskinan", "tpt"} {
			f.NewSheet(ind)
			set(t, f, ind, "A1", []any{"kode_wilayah", "kode_indikator", "tahun", "nilai"}, []any{"16.07", ind, 2023, 4.5})
		}
	})
	got, rep, err = readAll(t, perIndicator, Options{})
	if err != nil || rep.Err() != nil || len(got) != 2 || got[0].IndicatorCode != "kemiskinan" || got[1].IndicatorCode != "tpt" {
		t.Fatalf("per indicator: %+v %v %v", got, err, rep.Err())
	}
}

// Every problem names its cell as Excel does, and the summary says it too.
func TestWorkbookErrorsNameCells(t *testing.T) {
	data := buildWorkbook(t, func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Data 2023")
		set(t, f, "Data 2023", "A1",
			[]any{"Judul tabel"},
			[]any{"kode_wilayah", "kode_indikator", "tahun", "nilai"},
			[]any{"16.07", "kemiskinan", 2022, "sembilan"},
			[]any{"99.99", "kemiskinan", 2023, 9.58},
			[]any{"16.07", "kemiskinan", 2023, 9.58, "catatan di luar tabel"})
	})
	_, rep, err := readAll(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, e := range rep.Errors {
		cells = append(cells, e.Cell+" "+e.Code)
	}
	want := []string{"'Data 2023'!D3 " + CodeNotNumber, "'Data 2023'!A4 " + CodeUnknownRegion, "'Data 2023'!5:5 " + CodeRagged}
	if !reflect.DeepEqual(cells, want) {
		t.Fatalf("errors %q, want %q", cells, want)
	}
	if msg := rep.Err().Error(); !strings.Contains(msg, `'Data 2023'!D3, column nilai, value "sembilan"`) {
		t.Errorf("summary does not name the cell:\n%s", msg)
	}

	noHeader := buildWorkbook(t, func(f *excelize.File) { set(t, f, "Sheet1", "A1", []any{"a", "b"}, []any{"c", "d"}) })
	if _, _, err := readAll(t, noHeader, Options{}); !errors.Is(err, domain.ErrInvalid) || !strings.HasPrefix(err.Error(), "Sheet1: ") {
		t.Errorf("no header: %v", err)
	}
}

// A workbook that unpacks to far more than any table — a zip bomb — is
// refused before it is unpacked, and so are the files that are not
// workbooks: OpenDocument, old .xls, another zip.
func TestWorkbookRefusals(t *testing.T) {
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`},
	} {
		w, _ := zw.Create(p.name)
		io.WriteString(w, p.body)
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	zeros := make([]byte, 1<<20)
	for i := 0; i < maxUnzippedBytes>>20+1; i++ {
		w.Write(zeros)
	}
	zw.Close()
	if bomb.Len() > 1<<20 {
		t.Fatalf("the bomb is %d bytes", bomb.Len())
	}

	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	var ods, other bytes.Buffer
	zw = zip.NewWriter(&ods)
	w, _ = zw.Create("mimetype")
	io.WriteString(w, "application/vnd.oasis.opendocument.spreadsheet")
	w, _ = zw.Create("content.xml")
	io.WriteString(w, "<office:document-content/>")
	zw.Close()
	zw = zip.NewWriter(&other)
	w, _ = zw.Create("data.csv")
	io.WriteString(w, "kode_wilayah,tahun,nilai\n")
	zw.Close()

	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"zip bomb", bomb.Bytes(), "256 MiB"},
		{"ods", ods.Bytes(), ".ods"},
		{"xls", xls, ".xls"},
		{"other zip", other.Bytes(), "zip"},
		{"truncated workbook", bpsWorkbook(t)[:2000], "Excel Workbook (.xlsx)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.data, Options{Indicator: "kemiskinan"})
			if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %v, want ErrInvalid saying %q", err, tt.want)
			}
		})
	}
}

// A template read back gives the values it was written with, and only
// those: the empty cells are missing, never zero; its value cells accept
// only decimals within the indicator's bounds; CSV and workbook agree.
func TestTemplateReadsBack(t *testing.T) {
	cat := testCatalog(t)
	region := func(code string) domain.Region { return cat.Regions[code] }
	tpl := Template{Sheets: []TemplateSheet{
		{Indicator: cat.Indicators["kemiskinan"], Rows: []TemplateRow{
			{Region: region("16.07"), Year: 2023, Value: 9.58, Has: true},
			{Region: region("16.07"), Year: 2024},
			{Region: region("16.04"), Year: 2023, Value: 12.1, Has: true},
		}},
		{Indicator: cat.Indicators["penduduk"], Rows: []TemplateRow{{Region: region("16.07"), Year: 2023, Value: 850022, Has: true}}},
	}}
	for _, lang := range []locale.Lang{locale.ID, locale.EN} {
		tpl.Lang = lang
		var xlsx, csv bytes.Buffer
		if err := WriteTemplateXLSX(&xlsx, tpl); err != nil {
			t.Fatal(err)
		}
		if err := WriteTemplateCSV(&csv, tpl); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, data := range [][]byte{xlsx.Bytes(), csv.Bytes()} {
			got, rep, err := readAll(t, data, Options{})
			if err != nil || rep.Err() != nil {
				t.Fatalf("%s: %v %v", lang, err, rep.Err())
			}
			var vals []string
			for _, o := range got {
				vals = append(vals, o.IndicatorCode+" "+o.RegionCode+" "+strconv.Itoa(o.Year)+" "+strconv.FormatFloat(o.Value, 'g', -1, 64))
			}
			if want == nil {
				want = vals
			}
			if exp := []string{"kemiskinan 16.07 2023 9.58", "kemiskinan 16.04 2023 12.1", "penduduk 16.07 2023 850022"}; !reflect.DeepEqual(vals, exp) || rep.Missing != 1 {
				t.Errorf("%s: read back %q (missing %d), want %q", lang, vals, rep.Missing, exp)
			}
		}
		f, err := excelize.OpenReader(bytes.NewReader(xlsx.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		help := map[locale.Lang]string{locale.ID: "Petunjuk", locale.EN: "Instructions"}[lang]
		if sheets := f.GetSheetList(); !reflect.DeepEqual(sheets, []string{"kemiskinan", "penduduk", help}) {
			t.Errorf("%s: sheets %q", lang, sheets)
		}
		dvs, err := f.GetDataValidations("kemiskinan")
		if err != nil || len(dvs) != 1 || dvs[0].Type != "decimal" || dvs[0].Sqref != "G2:G4" || dvs[0].Formula1 != "0" || dvs[0].Formula2 != "100" {
			t.Errorf("%s: validations %+v %v", lang, dvs, err)
		}
		f.Close()
	}
}

// numFmt is a custom number format code for excelize.Style.
func numFmt(code string) *string { return &code }
