package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"pantau/internal/domain"
)

// seed adds every testdata file to the corpus.
func seed(f *testing.F) {
	files, err := filepath.Glob(filepath.Join(testdata, "*.csv"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzReadObservations: the reader never panics, and never emits a row the
// store could not take — its indicator and region are in the catalogue,
// Observation.Validate accepts it — nor any row once a problem is listed.
func FuzzReadObservations(f *testing.F) {
	seed(f)
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkObservations(t, cat, data) })
}

// checkObservations reads data with a few options and fails on anything
// the store could not take (see FuzzReadObservations).
func checkObservations(t *testing.T, cat *domain.Catalog, data []byte) {
	for _, opts := range []Options{{}, {Indicator: "kemiskinan"}, {Territory: "16.07"}} {
		var emitted []domain.Observation
		rep, err := ReadObservations(bytes.NewReader(data), cat, opts, func(o domain.Observation) error {
			ind, ok := cat.Indicators[o.IndicatorCode]
			if !ok {
				t.Fatalf("emitted unknown indicator %q", o.IndicatorCode)
			}
			if _, ok := cat.Regions[o.RegionCode]; !ok {
				t.Fatalf("emitted unknown region %q", o.RegionCode)
			}
			if err := o.Validate(ind); err != nil {
				t.Fatalf("emitted invalid %+v: %v", o, err)
			}
			if d, err := domain.ParseDisaggregation(string(o.Disagg)); err != nil || d != o.Disagg {
				t.Fatalf("emitted non-canonical disaggregation %q", o.Disagg)
			}
			emitted = append(emitted, o)
			return nil
		})
		if rep == nil {
			t.Fatal("nil report")
		}
		if err != nil && !errors.Is(err, domain.ErrInvalid) {
			t.Fatalf("error of no known kind: %v", err)
		}
		if rep.Values < len(emitted) {
			t.Fatalf("emitted %d but counted %d values", len(emitted), rep.Values)
		}
	}
}

// FuzzReadWorkbook is FuzzReadObservations for workbooks. The input is the
// sheet's XML, put into an otherwise valid .xlsx (checksums right), so
// that mutations reach the sheet's cells, merged ranges and rows rather
// than stopping at the zip's checksum. The workbook's styles show numbers
// as percentages, so that the sheet's cells are followed for their styles.
func FuzzReadWorkbook(f *testing.F) {
	base := bpsPercentWorkbook(f)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	var names []string
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			f.Fatal(err)
		}
		parts[zf.Name], _ = io.ReadAll(rc)
		names = append(names, zf.Name)
		rc.Close()
	}
	const sheet = "xl/worksheets/sheet1.xml"
	f.Add(parts[sheet])
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>kode_wilayah</t></is></c><c r="B1" t="inlineStr"><is><t>2023</t></is></c></row>` +
		`<row r="3"><c r="A3"><v>1607</v></c><c r="B3" t="str"><f>=1+1</f><v>9.58</v></c></row></sheetData><mergeCells><mergeCell ref="A3:A4"/></mergeCells></worksheet>`))
	f.Add([]byte(`<x:worksheet xmlns:x="x"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>kode_wilayah</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>2023</x:t></x:is></x:c></x:row>` +
		`<!-- > <row r="9"> --><x:row r='3'><x:c s='1'><x:v>1607</x:v></x:c><x:c s="2"><x:f><![CDATA[1>0]]></x:f><x:v>9.5799999999999996E-2</x:v></x:c></x:row>` +
		`<x:row r="2"><x:c r="B2" s="3"><x:v>-0.1</x:v></x:c></x:row></x:sheetData><mergeCells><mergeCell ref="B3:B5"/></mergeCells></x:worksheet>`))
	cat := testCatalog(f)
	// A sheet of millions of cells is refused as it should be, but slowly:
	// the fuzzer would spend its time there.
	defer func(n int) { maxWorkbookCells = n }(maxWorkbookCells)
	maxWorkbookCells = 20_000
	f.Fuzz(func(t *testing.T, xml []byte) {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, name := range names {
			body := parts[name]
			if name == sheet {
				body = xml
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			w.Write(body)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		checkObservations(t, cat, b.Bytes())
	})
}

// FuzzReadTargets: the same for targets.
func FuzzReadTargets(f *testing.F) {
	seed(f)
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadTargets(bytes.NewReader(data), cat, Options{Plan: "rpjmn-2025-2029"}, func(x domain.Target) error {
			if err := x.Validate(cat.Plans[x.PlanCode], cat.Indicators[x.IndicatorCode]); err != nil {
				t.Fatalf("emitted invalid %+v: %v", x, err)
			}
			if _, ok := cat.Regions[x.RegionCode]; !ok {
				t.Fatalf("emitted unknown region %q", x.RegionCode)
			}
			return nil
		})
	})
}

// FuzzRecordReader checks the fast record splitter against encoding/csv:
// the same records while encoding/csv reads without error, and an error
// where it gives one.
func FuzzRecordReader(f *testing.F) {
	seed(f)
	f.Add([]byte("a;\"b\"\"c\";d\n\n\"multi\r\nline\";x\r\n"))
	f.Add([]byte("a;b\"c\n"))
	f.Add([]byte("\"a\"b;c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.Comma = ';'
		cr.FieldsPerRecord = -1
		rr := newRecordReader(bufio.NewReaderSize(bytes.NewReader(data), 16), ';')
		for i := 0; ; i++ {
			want, werr := cr.Read()
			got, gerr := rr.Read()
			if werr == io.EOF {
				if gerr != io.EOF {
					t.Fatalf("record %d: got %q, %v; encoding/csv ended", i, got, gerr)
				}
				return
			}
			if werr != nil {
				if gerr == nil {
					t.Fatalf("record %d: got %q; encoding/csv: %v", i, got, werr)
				}
				return // both fail; after an error the two may resume differently
			}
			if gerr != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("record %d: got %q, %v; want %q", i, got, gerr, want)
			}
		}
	})
}
