package catalogfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"pantau/internal/locale"
	"pantau/internal/textmatch"
)

// csvKind tells a CSV file's kind from its name: agencies.csv,
// regions.csv, indicators.csv, plans.csv (a prefix such as
// 02-indicators.csv is allowed, for ordering).
func csvKind(name string) (Kind, bool) {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)))
	for _, k := range Kinds {
		if base == string(k) || strings.HasSuffix(base, "-"+string(k)) || strings.HasSuffix(base, "_"+string(k)) {
			return k, true
		}
	}
	return "", false
}

// itemTypes are the item structs of each kind.
var itemTypes = map[Kind]reflect.Type{
	Agencies:   reflect.TypeOf(agencyItem{}),
	Regions:    reflect.TypeOf(regionItem{}),
	Indicators: reflect.TypeOf(indicatorItem{}),
	Plans:      reflect.TypeOf(planItem{}),
}

// progressColumns are an indicator's nested progress settings as CSV columns.
var progressColumns = map[string][]string{
	"progress_assess":      {"progress", "assess"},
	"progress_base_year":   {"progress", "base_year"},
	"progress_substantial": {"progress", "thresholds", "substantial"},
	"progress_moderate":    {"progress", "thresholds", "moderate"},
	"progress_limited":     {"progress", "thresholds", "limited"},
}

var decimalComma = regexp.MustCompile(`^-?\d+,\d+$`)

// readCSV reads one kind's CSV, `;` or `,` separated (whichever the header
// has more of). Each row becomes the same node tree a YAML item would be,
// so both formats share one decoder and one set of messages; a problem
// names the line and the column.
func readCSV(file string, b []byte, lang locale.Lang) (*Catalogue, Problems) {
	rd := &reader{file: file, lang: lang}
	c := &Catalogue{}
	kind, _ := csvKind(file)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	header, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ','
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	cols, err := r.Read()
	if errors.Is(err, io.EOF) {
		return c, nil
	}
	if err != nil {
		rd.add(1, "", "", CodeSyntax, err.Error())
		return c, rd.probs
	}
	t := itemTypes[kind]
	known := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "progress" {
			known[name] = true
		}
	}
	if kind == Indicators {
		for k := range progressColumns {
			known[k] = true
		}
	}
	bad := false
	for i, col := range cols {
		cols[i] = strings.TrimSpace(col)
		if !known[cols[i]] {
			var names []string
			for n := range known {
				names = append(names, n)
			}
			rd.add(1, cols[i], cols[i], CodeUnknownField, cols[i], lang.DidYouMean(textmatch.Closest(cols[i], names, nil, 2)))
			bad = true
		}
	}
	if bad {
		return c, rd.probs
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.add(0, "", "", CodeSyntax, err.Error())
			return c, rd.probs
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		node := &yaml.Node{Kind: yaml.MappingNode, Line: line}
		for i, raw := range rec {
			if i >= len(cols) {
				break
			}
			raw = strings.TrimSpace(raw)
			if raw == "" {
				continue
			}
			path := []string{cols[i]}
			if p, ok := progressColumns[cols[i]]; ok {
				path = p
			}
			setPath(node, path, csvValue(t, path, raw, r.Comma), line)
		}
		rd.item(c, kind, node, "", line)
	}
	return c, rd.probs
}

// csvValue is a cell as a YAML node: text for text fields (a code such as
// 16.10 must not become a number), a list for successors (codes separated
// by |), and otherwise a plain scalar that YAML resolves (numbers, true,
// false), a decimal comma accepted in a ;-separated file.
func csvValue(t reflect.Type, path []string, raw string, comma rune) *yaml.Node {
	ft := fieldType(t, path)
	switch {
	case ft != nil && ft.Kind() == reflect.String:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: raw}
	case ft != nil && ft.Kind() == reflect.Slice:
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range strings.Split(raw, "|") {
			if s = strings.TrimSpace(s); s != "" {
				seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
			}
		}
		return seq
	}
	if comma == ';' && decimalComma.MatchString(raw) {
		raw = strings.Replace(raw, ",", ".", 1)
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: raw}
}

func fieldType(t reflect.Type, path []string) reflect.Type {
	for _, name := range path {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		found := false
		for i := 0; i < t.NumField(); i++ {
			if n, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); n == name {
				t, found = t.Field(i).Type, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// setPath puts val at path in a mapping node, making nested mappings.
func setPath(m *yaml.Node, path []string, val *yaml.Node, line int) {
	val.Line = line
	for len(path) > 1 {
		var next *yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == path[0] {
				next = m.Content[i+1]
			}
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Line: line}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: path[0], Line: line}, next)
		}
		m, path = next, path[1:]
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: path[0], Line: line}, val)
}
