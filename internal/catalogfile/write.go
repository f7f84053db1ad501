package catalogfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"pantau/internal/domain"
)

// Stored is a catalogue as the store holds it, for export and comparison.
type Stored struct {
	Agencies   []domain.Agency
	Regions    []domain.Region
	Indicators []domain.Indicator
	Plans      []domain.Plan
}

func (st Stored) document() document {
	var d document
	for _, a := range st.Agencies {
		d.Agencies = append(d.Agencies, agencyItem{Code: a.Code, Name: a.Name})
	}
	regions := append([]domain.Region(nil), st.Regions...)
	sortRegions(regions)
	for _, r := range regions {
		d.Regions = append(d.Regions, itemOfRegion(NormalRegion(r)))
	}
	for _, ind := range st.Indicators {
		d.Indicators = append(d.Indicators, itemOfIndicator(ind))
	}
	for _, p := range st.Plans {
		d.Plans = append(d.Plans, itemOfPlan(p))
	}
	return d
}

// WriteYAML writes the catalogue as one YAML file that Read reads back to
// the same catalogue.
func WriteYAML(w io.Writer, st Stored) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(st.document()); err != nil {
		return fmt.Errorf("catalogfile: write yaml: %w", err)
	}
	return enc.Close()
}

// csvColumns are each kind's CSV columns, in the order they are written.
func csvColumns(k Kind) []string {
	t := itemTypes[k]
	var cols []string
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		switch name {
		case "remove":
		case "progress":
			cols = append(cols, "progress_assess", "progress_base_year", "progress_substantial", "progress_moderate", "progress_limited")
		default:
			cols = append(cols, name)
		}
	}
	return cols
}

// WriteCSV writes one CSV per kind (agencies.csv, regions.csv,
// indicators.csv, plans.csv), comma-separated with a decimal point, into
// dir; Read reads the directory back to the same catalogue.
func WriteCSV(dir string, st Stored) error {
	d := st.document()
	rows := map[Kind][]any{}
	for _, it := range d.Agencies {
		rows[Agencies] = append(rows[Agencies], it)
	}
	for _, it := range d.Regions {
		rows[Regions] = append(rows[Regions], it)
	}
	for _, it := range d.Indicators {
		rows[Indicators] = append(rows[Indicators], it)
	}
	for _, it := range d.Plans {
		rows[Plans] = append(rows[Plans], it)
	}
	for _, k := range Kinds {
		if err := writeCSVFile(filepath.Join(dir, string(k)+".csv"), csvColumns(k), rows[k]); err != nil {
			return err
		}
	}
	return nil
}

func writeCSVFile(path string, cols []string, items []any) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("catalogfile: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("catalogfile: %w", cerr)
		}
	}()
	w := csv.NewWriter(f)
	w.Write(cols)
	for _, it := range items {
		cells := map[string]string{}
		flatten(reflect.ValueOf(it), "", cells)
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = cells[c]
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("catalogfile: write %s: %w", path, err)
	}
	return nil
}

// flatten turns an item into its CSV cells: nested progress settings as
// progress_* columns (thresholds without their "thresholds_" part), lists
// joined by |, absent values empty.
func flatten(v reflect.Value, prefix string, cells map[string]string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		f := v.Field(i)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		col := prefix + name
		switch f.Kind() {
		case reflect.Struct:
			next := col + "_"
			if name == "thresholds" {
				next = prefix
			}
			flatten(f, next, cells)
		case reflect.String:
			cells[col] = f.String()
		case reflect.Int:
			if f.Int() != 0 || name == "decimals" || name == "base_year" {
				cells[col] = strconv.FormatInt(f.Int(), 10)
			}
		case reflect.Float64:
			cells[col] = strconv.FormatFloat(f.Float(), 'g', -1, 64)
		case reflect.Bool:
			if f.Bool() || name == "assess" {
				cells[col] = strconv.FormatBool(f.Bool())
			}
		case reflect.Slice:
			parts := make([]string, f.Len())
			for j := range parts {
				parts[j] = f.Index(j).String()
			}
			cells[col] = strings.Join(parts, "|")
		}
	}
}
