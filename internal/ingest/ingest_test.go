package ingest

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

const testdata = "../../testdata/ingest"

// wantErr is one expected problem: its line, field (1-based, 0 for the
// whole row) and code.
type wantErr struct {
	line, field int
	code        string
	warning     bool
}

func TestReadFiles(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		name    string
		file    string
		opts    Options
		targets bool
		// outcome
		fileErr              error // kind of a file-level error
		rows, values         int
		missing, rejected    int
		delimiter, layout    string
		decimal              Decimal
		encoding             string
		bom                  bool
		headerLine           int
		errs                 []wantErr
		emitted              int
		check                func(t *testing.T, obs []domain.Observation, tgts []domain.Target)
		previous             map[domain.ObservationKey]float64
		reasonContains       []string
		allErrorsListedExact bool
	}{
		{
			name: "BPS wide table: title lines, BOM, ';', decimal comma, Kab. names, '-' missing, * mark, footnotes",
			file: "bps_wide_kemiskinan.csv", opts: Options{Indicator: "kemiskinan"},
			rows: 3, values: 8, missing: 4, delimiter: ";", layout: LayoutWide, decimal: DecimalComma, encoding: EncodingUTF8, bom: true, headerLine: 3,
			emitted: 8, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				o := find(t, obs, "kemiskinan", "16.07", 2024)
				if o.Value != 9.31 || o.Status != domain.StatusPreliminary {
					t.Errorf("Banyuasin 2024 = %v %s, want 9.31 sementara (9,31*)", o.Value, o.Status)
				}
				if o := find(t, obs, "kemiskinan", "16.07", 2021); o.Value != 10.75 || o.Status != domain.StatusFinal {
					t.Errorf("Banyuasin 2021 = %v %s, want 10.75 final", o.Value, o.Status)
				}
			},
		},
		{
			name: "BPS wide table with an indicator per row: thousands held until 10,75 decides, r mark",
			file: "bps_wide_banyuasin_indikator.csv",
			rows: 7, values: 20, missing: 15, delimiter: ";", layout: LayoutWide, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			emitted: 20, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if o := find(t, obs, "penduduk", "16.07", 2023); o.Value != 850022 {
					t.Errorf("penduduk 2023 = %v, want 850022 (850.022 with decimal comma)", o.Value)
				}
				if o := find(t, obs, "pertumbuhan_ekonomi", "16.07", 2024); o.Value != 5.14 || o.Status != domain.StatusRevised {
					t.Errorf("growth 2024 = %v %s, want 5.14 revised (5,14r)", o.Value, o.Status)
				}
				if obs[0].IndicatorCode != "penduduk" || obs[0].Year != 2020 {
					t.Errorf("first emitted %s %d: held rows must keep the file's order", obs[0].IndicatorCode, obs[0].Year)
				}
			},
		},
		{
			name: "long, names in every spelling, BPS kecamatan code, jenis_kelamin, quoted 850,022, CRLF",
			file: "long_kecamatan_names.csv",
			rows: 7, values: 7, delimiter: ",", layout: LayoutLong, decimal: DecimalPoint, encoding: EncodingUTF8, headerLine: 1,
			emitted: 7, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if obs[0].RegionCode != "16.07.05" || obs[0].Disagg != "jenis_kelamin=laki_laki" {
					t.Errorf("Kecamatan Betung / L = %s %q", obs[0].RegionCode, obs[0].Disagg)
				}
				if obs[3].RegionCode != "16.07.10" || obs[3].Disagg != "jenis_kelamin=perempuan" {
					t.Errorf("talang kelapa / Perempuan = %s %q", obs[3].RegionCode, obs[3].Disagg)
				}
				if obs[4].RegionCode != "16.07.10" {
					t.Errorf("BPS 1607050 = %s, want 16.07.10 through the bridge", obs[4].RegionCode)
				}
				if o := find(t, obs, "penduduk", "16.07", 2023); o.Value != 850022 {
					t.Errorf("penduduk = %v, want 850022", o.Value)
				}
			},
		},
		{
			name: "Open SDG: disaggregations between Year and Value, empty value missing",
			file: "opensdg_1-2-1.csv", opts: Options{Indicator: "kemiskinan"},
			rows: 8, values: 7, missing: 1, delimiter: ",", layout: LayoutOpenSDG, decimal: DecimalPoint, encoding: EncodingUTF8, headerLine: 1,
			emitted: 7, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if obs[4].Disagg != "jenis_kelamin=perempuan" || obs[5].Disagg != "daerah=perdesaan" {
					t.Errorf("disaggregations %q %q", obs[4].Disagg, obs[5].Disagg)
				}
			},
		},
		{
			name: "Open SDG without an indicator named",
			file: "opensdg_1-2-1.csv", fileErr: domain.ErrInvalid,
		},
		{
			name: "SDMX-CSV 1.0: INDICATOR column, BPS codes, OBS_STATUS, UNIT_MULT, NaN",
			file: "sdmx1_kemiskinan.csv",
			rows: 6, values: 5, missing: 1, delimiter: ",", layout: LayoutSDMX1, decimal: DecimalPoint, encoding: EncodingUTF8, headerLine: 1,
			emitted: 5, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if o := find(t, obs, "kemiskinan", "16.07", 2024); o.Status != domain.StatusPreliminary {
					t.Errorf("OBS_STATUS P = %s", o.Status)
				}
				if o := find(t, obs, "penduduk", "16.07", 2023); o.Value != 850022 {
					t.Errorf("850.022 × 10^3 = %v", o.Value)
				}
			},
		},
		{
			name: "SDMX-CSV 2.0",
			file: "sdmx2_tpt.csv", opts: Options{Indicator: "tpt"},
			rows: 7, values: 7, delimiter: ",", layout: LayoutSDMX2, decimal: DecimalPoint, encoding: EncodingUTF8, headerLine: 1,
			emitted: 7, allErrorsListedExact: true,
		},
		{
			name: "Excel Windows-1252 export: converted, – and … read",
			file: "excel_windows1252.csv",
			rows: 6, values: 5, missing: 1, delimiter: ";", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingWindows1252, headerLine: 1,
			emitted: 5, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if obs[0].Note != "Susenas Maret – BPS" || !utf8.ValidString(obs[1].Note) || !strings.HasSuffix(obs[1].Note, "…") {
					t.Errorf("notes %q %q not converted to UTF-8", obs[0].Note, obs[1].Note)
				}
			},
		},
		{
			name: "jump against the stored series is a warning, not an error",
			file: "bps_wide_kemiskinan.csv", opts: Options{Indicator: "kemiskinan", Lang: "en"},
			previous: map[domain.ObservationKey]float64{{IndicatorCode: "kemiskinan", RegionCode: "16", Year: 2022}: 1.18},
			rows:     3, values: 8, missing: 4, delimiter: ";", layout: LayoutWide, decimal: DecimalComma, encoding: EncodingUTF8, bom: true, headerLine: 3,
			emitted: 8, allErrorsListedExact: true,
			errs:           []wantErr{{line: 5, field: 5, code: CodeImplausibleJump, warning: true}},
			reasonContains: []string{"differs from 1.18 in 2022 by 898%"},
		},
		{
			name: "ragged rows", file: "broken_ragged.csv",
			rows: 2, values: 2, rejected: 2, delimiter: ";", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			emitted: 1, allErrorsListedExact: true,
			errs: []wantErr{{line: 3, code: CodeRagged}, {line: 4, code: CodeRagged}},
		},
		{
			name: "unterminated quote", file: "broken_quote.csv",
			rows: 1, values: 1, rejected: 1, delimiter: ",", layout: LayoutLong, decimal: DecimalPoint, encoding: EncodingUTF8, headerLine: 1,
			emitted: 1, allErrorsListedExact: true,
			errs: []wantErr{{line: 3, code: CodeMalformed}},
		},
		{name: "binary junk", file: "broken_binary.csv", fileErr: domain.ErrInvalid},
		{name: "an Excel workbook renamed .csv", file: "broken_workbook.csv", fileErr: domain.ErrInvalid},
		{name: "empty file", file: "broken_empty.csv", fileErr: ErrEmpty},
		{
			name: "header only: accepted, nothing to do, said so", file: "broken_header_only.csv",
			delimiter: ";", layout: LayoutLong, encoding: EncodingUTF8, headerLine: 1, allErrorsListedExact: true,
			errs: []wantErr{{line: 1, code: CodeNoRows, warning: true}},
		},
		{
			name: "every kind of value problem, each with its line and column", file: "broken_values.csv", opts: Options{Lang: "en"},
			rows: 13, values: 2, rejected: 11, delimiter: ";", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			allErrorsListedExact: true,
			errs: []wantErr{
				{line: 2, field: 2, code: CodeUnknownIndicator},
				{line: 3, field: 1, code: CodeUnknownRegion},
				{line: 4, field: 1, code: CodeUnknownRegion},
				{line: 5, field: 1, code: CodeAmbiguousRegion},
				{line: 6, field: 3, code: CodeYearRange},
				{line: 7, field: 3, code: CodeBadYear},
				{line: 8, field: 4, code: CodeNotNumber},
				{line: 9, field: 4, code: CodeOutOfBounds},
				{line: 11, field: 4, code: CodeDuplicate},
				{line: 12, field: 5, code: CodeUnitContradicts},
				{line: 13, field: 4, code: CodeUnknownMark},
			},
			reasonContains: []string{`did you mean "kemiskinan"?`, `did you mean "16.07"`, `"Kabupaten Banyuasin (16.07)"`,
				"16.04 Kabupaten Lahat (regency/city), 16.04.01 Lahat (district)", "duplicate of line 10", `footnote mark "#"`},
		},
		{
			name: "messages in Indonesian", file: "broken_values.csv", opts: Options{MaxErrors: 3},
			rows: 13, values: 2, rejected: 11, delimiter: ";", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			errs:           []wantErr{{line: 2, field: 2, code: CodeUnknownIndicator}},
			reasonContains: []string{`indikator "kemiskinn" tidak dikenal; mungkin maksud Anda "kemiskinan"?`},
		},
		{
			name: "only ambiguous numbers: rejected, never guessed", file: "ambiguous_decimal.csv",
			rows: 3, rejected: 3, delimiter: ",", layout: LayoutLong, encoding: EncodingUTF8, headerLine: 1, allErrorsListedExact: true,
			errs: []wantErr{{line: 2, field: 4, code: CodeAmbiguousDecimal}},
		},
		{
			name: "only ambiguous numbers, convention stated", file: "ambiguous_decimal.csv", opts: Options{Decimal: DecimalComma},
			rows: 3, values: 3, delimiter: ",", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			emitted: 3, allErrorsListedExact: true,
			check: func(t *testing.T, obs []domain.Observation, _ []domain.Target) {
				if obs[0].Value != 850022 {
					t.Errorf("850.022 = %v", obs[0].Value)
				}
			},
		},
		{
			name: "targets: values and ranges", file: "targets_rkpd_sumsel.csv", targets: true,
			rows: 3, values: 3, delimiter: ";", layout: LayoutLong, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			emitted: 3, allErrorsListedExact: true,
			check: func(t *testing.T, _ []domain.Observation, tgts []domain.Target) {
				if tgts[1].Low != 9.37 || tgts[1].High != 10.37 || tgts[2].Low != 3.83 || tgts[2].High != 3.95 {
					t.Errorf("ranges %v–%v, %v–%v", tgts[1].Low, tgts[1].High, tgts[2].Low, tgts[2].High)
				}
			},
		},
		{
			name: "targets, wide, plan named for the file", file: "targets_wide_rpjmn.csv", targets: true, opts: Options{Plan: "rpjmn-2025-2029"},
			rows: 4, values: 6, missing: 6, delimiter: ";", layout: LayoutWide, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			emitted: 6, allErrorsListedExact: true,
		},
		{
			name: "targets outside the plan's years", file: "targets_wide_rpjmn.csv", targets: true, opts: Options{Plan: "rkpd-sumsel-2025"},
			rows: 4, values: 2, missing: 6, rejected: 4, delimiter: ";", layout: LayoutWide, decimal: DecimalComma, encoding: EncodingUTF8, headerLine: 1,
			errs: []wantErr{{line: 2, field: 4, code: CodeTargetYear}, {line: 3, field: 5, code: CodeTargetYear}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(testdata, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			opts := tt.opts
			if tt.previous != nil {
				opts.Previous = func(k domain.ObservationKey) (float64, bool) { v, ok := tt.previous[k]; return v, ok }
			}
			var obs []domain.Observation
			var tgts []domain.Target
			var rep *Report
			if tt.targets {
				rep, err = ReadTargets(f, cat, opts, func(x domain.Target) error { tgts = append(tgts, x); return nil })
			} else {
				rep, err = ReadObservations(f, cat, opts, func(o domain.Observation) error {
					if err := o.Validate(cat.Indicators[o.IndicatorCode]); err != nil {
						t.Errorf("emitted an invalid observation %+v: %v", o, err)
					}
					obs = append(obs, o)
					return nil
				})
			}
			if tt.fileErr != nil {
				if !errors.Is(err, tt.fileErr) {
					t.Fatalf("err = %v, want %v", err, tt.fileErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			d := rep.Dialect
			if d.Delimiter != tt.delimiter || d.Layout != tt.layout || d.Decimal != tt.decimal || d.Encoding != tt.encoding || d.BOM != tt.bom || d.HeaderLine != tt.headerLine {
				t.Errorf("dialect = %q %s %q %s bom=%v header=%d; want %q %s %q %s bom=%v header=%d", d.Delimiter, d.Layout, d.Decimal, d.Encoding, d.BOM, d.HeaderLine,
					tt.delimiter, tt.layout, tt.decimal, tt.encoding, tt.bom, tt.headerLine)
			}
			if rep.Rows != tt.rows || rep.Values != tt.values || rep.Missing != tt.missing || rep.Rejected() != tt.rejected {
				t.Errorf("rows %d values %d missing %d rejected %d; want %d %d %d %d", rep.Rows, rep.Values, rep.Missing, rep.Rejected(), tt.rows, tt.values, tt.missing, tt.rejected)
			}
			if n := len(obs) + len(tgts); n != tt.emitted {
				t.Errorf("emitted %d, want %d", n, tt.emitted)
			}
			if tt.allErrorsListedExact && len(rep.Errors) != len(tt.errs) {
				t.Errorf("%d problems listed, want %d: %v", len(rep.Errors), len(tt.errs), rep.Errors)
			}
			for i, w := range tt.errs {
				if i >= len(rep.Errors) {
					t.Errorf("missing problem %+v", w)
					continue
				}
				e := rep.Errors[i]
				if e.Line != w.line || e.Field != w.field || e.Code != w.code || e.Warning != w.warning {
					t.Errorf("problem %d = line %d field %d %s warning=%v (%s); want line %d field %d %s warning=%v", i, e.Line, e.Field, e.Code, e.Warning, e.Reason, w.line, w.field, w.code, w.warning)
				}
				if e.Reason == "" {
					t.Errorf("problem %d has no message", i)
				}
			}
			all := ""
			for _, e := range rep.Errors {
				all += e.Reason + "\n"
			}
			for _, s := range tt.reasonContains {
				if !strings.Contains(all, s) {
					t.Errorf("no message contains %q in:\n%s", s, all)
				}
			}
			if (rep.Err() != nil) != (tt.rejected > 0) {
				t.Errorf("Err() = %v with %d rejected", rep.Err(), tt.rejected)
			}
			if tt.check != nil && !t.Failed() {
				tt.check(t, obs, tgts)
			}
		})
	}
}

func find(t *testing.T, obs []domain.Observation, ind, region string, year int) domain.Observation {
	t.Helper()
	for _, o := range obs {
		if o.IndicatorCode == ind && o.RegionCode == region && o.Year == year && o.Disagg == domain.Total {
			return o
		}
	}
	t.Fatalf("no observation %s %s %d", ind, region, year)
	return domain.Observation{}
}

// The Windows-1252 sample must stay Windows-1252 bytes: an editor that
// "fixes" it to UTF-8 would make its test pass for the wrong reason.
func TestWindows1252SampleIsNotUTF8(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testdata, "excel_windows1252.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if utf8.Valid(b) || !strings.Contains(string(b), "\r\n") {
		t.Fatal("excel_windows1252.csv must be Windows-1252 with CRLF line ends")
	}
}

func TestRegionNames(t *testing.T) {
	r := newResolver(testCatalog(t))
	for _, tt := range []struct {
		in, want  string
		ambiguous bool
	}{
		{"Kab. Banyu Asin", "16.07", false},
		{"KABUPATEN BANYUASIN", "16.07", false},
		{"Banyuasin", "16.07", false},
		{"1607", "16.07", false},
		{"16.07", "16.07", false},
		{"Kec. Banyuasin I", "16.07.01", false},
		{"1607091", "16.07.14", false},
		{"Air Salek", "16.07.14", false},
		{"Kab. Lahat", "16.04", false},
		{"Kecamatan Lahat", "16.04.01", false},
		{"Lahat", "", true},
		{"Prov. Sumatera Selatan", "16", false},
		{"Palembang", "", false},
	} {
		l := r.region(tt.in)
		got := ""
		if l.idx >= 0 {
			got = r.regions[l.idx].Code
		}
		if got != tt.want || (len(l.candidates) > 0) != tt.ambiguous {
			t.Errorf("region(%q) = %q (candidates %v), want %q ambiguous=%v", tt.in, got, l.candidates, tt.want, tt.ambiguous)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, tt := range []struct {
		in          string
		comma, pt   bool
		amb         bool
		d           Decimal
		want        float64
		mark        string
		wantPercent bool
	}{
		{in: "20.794.405,5", comma: true, d: DecimalComma, want: 20794405.5},
		{in: "1,234.5", pt: true, d: DecimalPoint, want: 1234.5},
		{in: "0,56", comma: true, d: DecimalComma, want: 0.56},
		{in: "1.234", comma: true, pt: true, amb: true, d: DecimalComma, want: 1234},
		{in: "1.234", comma: true, pt: true, amb: true, d: DecimalPoint, want: 1.234},
		{in: "836914", comma: true, pt: true, d: DecimalPoint, want: 836914},
		{in: "-1,5", comma: true, d: DecimalComma, want: -1.5},
		{in: "1.23.4", d: DecimalComma},
		{in: "20 794 405,5", comma: true, d: DecimalComma, want: 20794405.5},
		{in: "1E-05", comma: true, pt: true, d: DecimalPoint, want: 1e-05},
		{in: "9,58*", comma: true, d: DecimalComma, want: 9.58, mark: "*"},
		{in: "5.14r", pt: true, d: DecimalPoint, want: 5.14, mark: "r"},
		{in: "9,58**)", comma: true, d: DecimalComma, want: 9.58, mark: "**"},
		{in: "9,58%", comma: true, d: DecimalComma, want: 9.58, wantPercent: true},
	} {
		num, mark, pct := splitMark(tt.in)
		sh := shapeOf(num)
		if sh.comma != tt.comma || sh.point != tt.pt || sh.ambiguous != tt.amb || mark != tt.mark || pct != tt.wantPercent {
			t.Errorf("%q: shape %+v mark %q %%=%v; want comma=%v point=%v ambiguous=%v mark %q", tt.in, sh, mark, pct, tt.comma, tt.pt, tt.amb, tt.mark)
			continue
		}
		if sh.readable(tt.d) {
			if v, ok := parseNumber(num, tt.d); !ok || v != tt.want {
				t.Errorf("parseNumber(%q, %s) = %v %v, want %v", num, tt.d, v, ok, tt.want)
			}
		}
	}
}

func TestMissingMarkersNeverZero(t *testing.T) {
	cat := testCatalog(t)
	in := "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2019;-\n16.07;kemiskinan;2020;–\n16.07;kemiskinan;2021;…\n16.07;kemiskinan;2022;n.a\n16.07;kemiskinan;2023;\n16.07;kemiskinan;2024;NA\n16.07;kemiskinan;2025;...\n"
	rep, err := ReadObservations(strings.NewReader(in), cat, Options{}, func(o domain.Observation) error {
		t.Errorf("emitted %+v for a missing marker", o)
		return nil
	})
	if err != nil || rep.Missing != 7 || rep.Err() != nil {
		t.Fatalf("missing %d err %v %v", rep.Missing, err, rep.Err())
	}
}

func TestHeaderAliases(t *testing.T) {
	cat := testCatalog(t)
	for _, header := range []string{
		"kode_wilayah,kode_indikator,tahun,nilai,satuan",
		"Kode Wilayah,Kode Indikator,Tahun,Nilai,Satuan",
		"REGION_CODE,INDICATOR,YEAR,VALUE,UNIT",
		"kode_kabupaten_kota,indikator,Tahun ,Nilai (%),unit",
		"GeoCode,Series,Year,Value,Units",
	} {
		in := header + "\n1607,kemiskinan,2023,9.58,persen\n"
		n := 0
		rep, err := ReadObservations(strings.NewReader(in), cat, Options{}, func(domain.Observation) error { n++; return nil })
		if err != nil || n != 1 || rep.Err() != nil {
			t.Errorf("%s: emitted %d, err %v %v", header, n, err, rep.Err())
		}
	}
}

func TestIndicatorFromOptionsMustExist(t *testing.T) {
	_, err := ReadObservations(strings.NewReader("kode_wilayah;2023\n16.07;9,58\n"), testCatalog(t), Options{Indicator: "kemiskinn", Lang: "en"}, func(domain.Observation) error { return nil })
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), `did you mean "kemiskinan"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestEmitStopsAtFirstProblem(t *testing.T) {
	in := "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan;2021;10,75\n16.07;kemiskinan;2022;abc\n16.07;kemiskinan;2023;9,58\n"
	n := 0
	rep, _ := ReadObservations(strings.NewReader(in), testCatalog(t), Options{}, func(domain.Observation) error { n++; return nil })
	if n != 1 || rep.Values != 2 || rep.Rejected() != 1 {
		t.Fatalf("emitted %d, values %d, rejected %d; want 1, 2, 1", n, rep.Values, rep.Rejected())
	}
}

func TestMaxErrorsCounts(t *testing.T) {
	var b strings.Builder
	b.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
	for i := 0; i < 50; i++ {
		b.WriteString("99.99;kemiskinan;2023;1\n")
	}
	rep, _ := ReadObservations(strings.NewReader(b.String()), testCatalog(t), Options{MaxErrors: 10}, func(domain.Observation) error { return nil })
	if len(rep.Errors) != 10 || rep.MoreErrors != 40 || rep.Rejected() != 50 {
		t.Fatalf("listed %d, more %d, rejected %d", len(rep.Errors), rep.MoreErrors, rep.Rejected())
	}
	if !strings.Contains(rep.Err().Error(), "40") {
		t.Errorf("Err() does not say how many more: %v", rep.Err())
	}
}

// TestRepeatedColumn: a header naming one column twice is refused as a
// whole, naming the second column and what it repeats, before any row is
// read.
func TestRepeatedColumn(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		name, file, lang, want string
	}{
		{"tahun twice", "kode_wilayah;kode_indikator;tahun;Tahun;nilai\n16.07;ipm;2023;2023;67,93\n", "en", `header: column "Tahun" repeats year`},
		{"a region code and a BPS code", "kode_wilayah;kode_bps;kode_indikator;tahun;nilai\n16.07;1607;ipm;2023;67,93\n", "id", `header: kolom "kode_bps" mengulang region`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			emitted := 0
			rep, err := ReadObservations(strings.NewReader(tt.file), cat, Options{Lang: locale.Lang(tt.lang)}, func(domain.Observation) error { emitted++; return nil })
			if !errors.Is(err, domain.ErrInvalid) || err.Error() != tt.want {
				t.Fatalf("err = %v, want ErrInvalid %q", err, tt.want)
			}
			if emitted != 0 || rep.Rows != 0 {
				t.Errorf("%d rows read, %d emitted after a refused header", rep.Rows, emitted)
			}
		})
	}
}

func TestParseTyped(t *testing.T) {
	// What a person typing on an Indonesian page and on an English one
	// means; NaN: not a number. Only "850.022" differs between them.
	typed := map[string][2]float64{
		"9,58": {9.58, 9.58}, "9.58": {9.58, 9.58}, " 850.022 ": {850022, 850.022},
		"1.234.567,5": {1234567.5, 1234567.5}, "1,234,567.5": {1234567.5, 1234567.5}, "-0,5": {-0.5, -0.5}, "12": {12, 12},
		"abc": {math.NaN(), math.NaN()}, "1,2,3": {math.NaN(), math.NaN()}, "": {math.NaN(), math.NaN()},
	}
	for in, want := range typed {
		for i, prefer := range []Decimal{DecimalComma, DecimalPoint} {
			got, ok := ParseTyped(in, prefer)
			if ok == math.IsNaN(want[i]) || ok && math.Abs(got-want[i]) > 1e-9 {
				t.Errorf("ParseTyped(%q, %v) = %v %v, want %v", in, prefer, got, ok, want[i])
			}
		}
	}
}
