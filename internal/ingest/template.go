package ingest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"pantau/internal/domain"
	"pantau/internal/locale"
)

// Template is an upload template: for each indicator, the region × year
// cells an agency is due to fill, with the values stored already. Written
// out (WriteTemplateXLSX, WriteTemplateCSV) it is a file the reader takes
// back as it is — unchanged, it changes nothing; filled in, it changes
// exactly the cells filled.
type Template struct {
	Lang   locale.Lang
	Sheets []TemplateSheet
}

// TemplateSheet is one indicator's rows (one sheet of the workbook).
type TemplateSheet struct {
	Indicator domain.Indicator
	Rows      []TemplateRow
}

// TemplateRow is one cell to fill: a region and year, and the value stored
// for it (Has false: none yet).
type TemplateRow struct {
	Region domain.Region
	Year   int
	Value  float64
	Has    bool
}

// templateKeys are the template's columns, by the ends of their message
// ids: "csv."+key names the column, "xlsx.template.col_"+key explains it.
// The indicator's name is a column the reader ignores, there for the
// person filling it in.
var templateKeys = []string{"region_code", "region_name", "indicator_code", "indicator_name", "unit", "year", "value"}

// templateColumns are the template's columns, named as the reader knows
// them in each language.
func templateColumns(lang locale.Lang) []string {
	cols := make([]string, len(templateKeys))
	for i, k := range templateKeys {
		cols[i] = lang.Get("csv." + k)
	}
	return cols
}

// valueColumn is the letter of the value column (the last).
const valueColumn = "G"

// WriteTemplateXLSX writes the template as a workbook: a sheet per
// indicator (named by its code) whose value cells accept only numbers
// within the indicator's bounds, and a sheet explaining the columns.
func WriteTemplateXLSX(w io.Writer, t Template) error {
	f := excelize.NewFile()
	defer f.Close()
	lang := t.Lang
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E2E8F0"}}})
	if err != nil {
		return fmt.Errorf("ingest: template style: %w", err)
	}
	input, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#FEF9C3"}},
		Protection: &excelize.Protection{Locked: false}})
	if err != nil {
		return fmt.Errorf("ingest: template style: %w", err)
	}
	for i, sh := range t.Sheets {
		name := sheetName(sh.Indicator.Code)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("ingest: template sheet %s: %w", name, err)
		}
		if err := writeTemplateSheet(f, name, sh, lang, bold, input); err != nil {
			return fmt.Errorf("ingest: template sheet %s: %w", name, err)
		}
	}
	help := lang.Get("xlsx.template.help_sheet")
	if len(t.Sheets) == 0 {
		f.SetSheetName("Sheet1", help)
	} else if _, err := f.NewSheet(help); err != nil {
		return fmt.Errorf("ingest: template help: %w", err)
	}
	if err := writeHelpSheet(f, help, lang, bold); err != nil {
		return fmt.Errorf("ingest: template help: %w", err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	return nil
}

func writeTemplateSheet(f *excelize.File, name string, sh TemplateSheet, lang locale.Lang, bold, input int) error {
	ind := sh.Indicator
	head := templateColumns(lang)
	if err := f.SetSheetRow(name, "A1", &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", valueColumn+"1", bold); err != nil {
		return err
	}
	for i, r := range sh.Rows {
		row := []any{r.Region.Code, r.Region.Name, ind.Code, ind.Name(lang), ind.Unit, r.Year}
		if r.Has {
			row = append(row, r.Value) // a number cell, read back exactly
		}
		if err := f.SetSheetRow(name, "A"+strconv.Itoa(i+2), &row); err != nil {
			return err
		}
	}
	for _, w := range []struct {
		col   string
		width float64
	}{{"A", 14}, {"B", 30}, {"C", 20}, {"D", 34}, {"E", 10}, {"F", 8}, {"G", 14}} {
		if err := f.SetColWidth(name, w.col, w.col, w.width); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(sh.Rows) == 0 {
		return nil
	}
	last := valueColumn + strconv.Itoa(len(sh.Rows)+1)
	if err := f.SetCellStyle(name, valueColumn+"2", last, input); err != nil {
		return err
	}
	lo, hi := finite(ind.Bounds())
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(valueColumn + "2:" + last)
	if err := dv.SetRange(lo, hi, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, lang.Get("xlsx.template.bad_title"),
		lang.Get("xlsx.template.bad_value", ind.Name(lang), formatNumber(lang, lo), formatNumber(lang, hi)))
	return f.AddDataValidation(name, dv)
}

// finite narrows an indicator's bounds to what a validation rule can say:
// an unbounded side becomes ±10¹⁵, beyond any indicator's value.
func finite(lo, hi float64) (float64, float64) {
	const big = 1e15
	return max(lo, -big), min(hi, big)
}

// writeHelpSheet explains the columns, in the template's language.
func writeHelpSheet(f *excelize.File, name string, lang locale.Lang, bold int) error {
	rows := [][]string{{lang.Get("xlsx.template.help_title")}, {lang.Get("xlsx.template.help_intro")}, {}}
	for i, c := range templateColumns(lang) {
		rows = append(rows, []string{c, lang.Get("xlsx.template.col_" + templateKeys[i])})
	}
	rows = append(rows, []string{}, []string{lang.Get("xlsx.template.help_empty")}, []string{lang.Get("xlsx.template.help_upload")})
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(name, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.SetCellStyle(name, "A1", "A1", bold); err != nil {
		return err
	}
	if err := f.SetColWidth(name, "A", "A", 18); err != nil {
		return err
	}
	return f.SetColWidth(name, "B", "B", 90)
}

// sheetName makes an indicator code a valid sheet name (at most 31
// characters, none of : \ / ? * [ ]).
func sheetName(code string) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, code)
	if len(s) > 31 {
		s = s[:31]
	}
	return s
}

// WriteTemplateCSV writes the template as one CSV of every indicator, for
// Excel in the template's language: in Indonesian with ';' and a decimal
// comma (as Excel set to Indonesian writes and reads CSV), in English with
// ',' and a point. A BOM tells Excel it is UTF-8.
func WriteTemplateCSV(w io.Writer, t Template) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	if t.Lang != locale.EN {
		cw.Comma = ';'
	}
	cw.UseCRLF = true
	if err := cw.Write(templateColumns(t.Lang)); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	for _, sh := range t.Sheets {
		ind := sh.Indicator
		for _, r := range sh.Rows {
			v := ""
			if r.Has {
				v = formatNumber(t.Lang, r.Value)
			}
			if err := cw.Write([]string{r.Region.Code, r.Region.Name, ind.Code, ind.Name(t.Lang), ind.Unit, strconv.Itoa(r.Year), v}); err != nil {
				return fmt.Errorf("ingest: write template: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ingest: write template: %w", err)
	}
	return nil
}
