package catalogfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"pantau/internal/domain"
	"pantau/internal/locale"
	"pantau/internal/textmatch"
)

// Read reads a catalogue from path: a YAML file, a CSV file named for its
// kind (indicators.csv…), or a directory of such files read in name order
// and merged. Every problem found is returned together, as Problems.
func Read(path string, lang locale.Lang) (*Catalogue, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		files = files[:0]
		for _, e := range entries {
			if !e.IsDir() && isCatalogueFile(e.Name()) {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, Problems{{Pos: Pos{File: path}, Code: CodeNoFiles, Message: text(lang, CodeNoFiles, path)}}
		}
	}
	all := &Catalogue{}
	var probs Problems
	for _, f := range files {
		if !isCatalogueFile(filepath.Base(f)) {
			probs = append(probs, Problem{Pos: Pos{File: f}, Code: CodeUnknownFile, Message: text(lang, CodeUnknownFile, f)})
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c *Catalogue
		var ps Problems
		if strings.EqualFold(filepath.Ext(f), ".csv") {
			c, ps = readCSV(f, b, lang)
		} else {
			c, ps = readYAML(f, b, lang)
		}
		probs = append(probs, ps...)
		all.merge(c, lang, &probs)
	}
	if len(probs) > 0 {
		return nil, probs
	}
	sortRegions(all.Regions)
	return all, nil
}

// ReadYAML reads one YAML catalogue from r; name is the file name problems
// give.
func ReadYAML(r io.Reader, name string, lang locale.Lang) (*Catalogue, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	c, probs := readYAML(name, b, lang)
	if len(probs) > 0 {
		return nil, probs
	}
	sortRegions(c.Regions)
	return c, nil
}

func isCatalogueFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return true
	case ".csv":
		_, ok := csvKind(name)
		return ok
	}
	return false
}

// reader collects one file's problems.
type reader struct {
	file  string
	lang  locale.Lang
	probs Problems
}

func (rd *reader) add(line int, path, field, code string, args ...any) {
	rd.probs = append(rd.probs, Problem{Pos: Pos{File: rd.file, Line: line, Path: path}, Field: field, Code: code, Message: text(rd.lang, code, args...)})
}

// readYAML decodes the file as a node tree and then item by item, field
// by field, refusing unknown fields as yaml.v3's KnownFields would: its
// error has only a line and stops at the first, while walking the nodes
// gives each problem its YAML path (indicators[3].polarty) as well and
// finds them all.
func readYAML(file string, b []byte, lang locale.Lang) (*Catalogue, Problems) {
	rd := &reader{file: file, lang: lang}
	c := &Catalogue{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var root yaml.Node
		err := dec.Decode(&root)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.add(yamlErrLine(err), "", "", CodeSyntax, strings.TrimPrefix(err.Error(), "yaml: "))
			return c, rd.probs
		}
		doc := &root
		if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
			doc = doc.Content[0]
		}
		if doc.Kind == 0 || (doc.Kind == yaml.ScalarNode && doc.Tag == "!!null") {
			continue
		}
		if doc.Kind != yaml.MappingNode {
			rd.add(doc.Line, "", "", CodeNotList, "the document")
			return c, rd.probs
		}
		for i := 0; i+1 < len(doc.Content); i += 2 {
			key, val := doc.Content[i], doc.Content[i+1]
			kind := Kind(key.Value)
			if !slicesContains(Kinds, kind) {
				rd.add(key.Line, key.Value, "", CodeUnknownList, key.Value)
				continue
			}
			if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				rd.add(val.Line, key.Value, "", CodeNotList, key.Value)
				continue
			}
			for j, item := range val.Content {
				path := fmt.Sprintf("%s[%d]", kind, j)
				rd.item(c, kind, item, path, item.Line)
			}
		}
	}
	return c, rd.probs
}

func slicesContains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// entry decodes an item into it (a pointer to one of the item types,
// whose code and remove fields are given; lower as checkCode takes it) and
// reports whether it goes on to be checked: it decoded without problems,
// its code is well formed and it is not a removal, which removal records.
func (rd *reader) entry(c *Catalogue, kind Kind, node *yaml.Node, it any, code *string, remove *bool, pos Pos, lower bool, before int) bool {
	rd.decode(node, reflect.ValueOf(it).Elem(), pos.Path)
	if len(rd.probs) > before || !rd.checkCode(*code, pos, lower) {
		return false
	}
	return !rd.removal(c, Ref{kind, *code}, *remove, pos)
}

// item decodes one item and checks it: each kind builds its domain entry
// and checks what only the file can get wrong (an unknown level or
// polarity); then the entry's domain rules are checked, its code declared
// and the entry added.
func (rd *reader) item(c *Catalogue, kind Kind, node *yaml.Node, path string, line int) {
	before := len(rd.probs)
	pos := Pos{File: rd.file, Line: line, Path: path}
	var (
		code  string
		rules error  // the entry's domain rules
		add   func() // puts the entry into c
	)
	switch kind {
	case Agencies:
		var it agencyItem
		if !rd.entry(c, Agencies, node, &it, &it.Code, &it.Remove, pos, true, before) {
			return
		}
		a := domain.Agency{Code: it.Code, Name: it.Name}
		code, rules, add = a.Code, a.Validate(), func() { c.Agencies = append(c.Agencies, a) }
	case Regions:
		var it regionItem
		if !rd.entry(c, Regions, node, &it, &it.Code, &it.Remove, pos, false, before) {
			return
		}
		r := it.region()
		if _, err := domain.LevelOfCode(r.Code); err != nil {
			rd.add(pos.Line, sub(path, "code"), "code", CodeInvalid, domain.Message(err))
			return
		}
		levels := "nasional, provinsi, kabupaten_kota, kecamatan, desa"
		switch r.Level {
		case domain.LevelNational, domain.LevelProvince, domain.LevelRegency, domain.LevelDistrict, domain.LevelVillage:
		default:
			rd.add(pos.Line, sub(path, "level"), "level", CodeLevel, it.Level, levels)
			return
		}
		// The name may come from the stored catalogue or the official list
		// (FillRegionNames); check the rest now.
		named := strings.TrimSpace(r.Name) != ""
		check := r
		if !named {
			check.Name = "-"
		}
		code, rules = r.Code, check.Validate()
		add = func() {
			c.Regions = append(c.Regions, r)
			if named {
				c.nameRegion(r.Code)
			}
		}
	case Indicators:
		var it indicatorItem
		if !rd.entry(c, Indicators, node, &it, &it.Code, &it.Remove, pos, true, before) {
			return
		}
		ind := it.indicator()
		switch ind.Polarity {
		case domain.HigherIsBetter, domain.LowerIsBetter, domain.Band, domain.Neutral:
		default:
			rd.add(fieldLine(node, "polarity", line), sub(path, "polarity"), "polarity", CodePolarity, it.Polarity)
			return
		}
		code, rules, add = ind.Code, ind.Validate(), func() { c.Indicators = append(c.Indicators, ind) }
	case Plans:
		var it planItem
		if !rd.entry(c, Plans, node, &it, &it.Code, &it.Remove, pos, true, before) {
			return
		}
		p := it.plan()
		switch p.Level {
		case domain.PlanNational, domain.PlanProvince, domain.PlanRegency:
		default:
			rd.add(fieldLine(node, "level", line), sub(path, "level"), "level", CodeLevel, it.Level, "nasional, provinsi, kabupaten_kota")
			return
		}
		switch p.Kind {
		case "", domain.KindRPJMN, domain.KindRPJMD, domain.KindRKPD, domain.KindRenstra:
		default:
			rd.add(fieldLine(node, "kind", line), sub(path, "kind"), "kind", CodeKind, it.Kind)
			return
		}
		switch p.Status {
		case domain.PlanDraft, domain.PlanFinal:
		default:
			rd.add(fieldLine(node, "status", line), sub(path, "status"), "status", CodeStatus, it.Status)
			return
		}
		code, rules, add = p.Code, p.Validate(), func() { c.Plans = append(c.Plans, p) }
	default:
		return
	}
	rd.validate(rules, pos)
	if len(rd.probs) == before && c.declare(Ref{kind, code}, pos, rd.lang, &rd.probs) {
		add()
	}
}

// removal records an item marked remove: true; it needs nothing but its code.
func (rd *reader) removal(c *Catalogue, r Ref, remove bool, pos Pos) bool {
	if !remove {
		return false
	}
	if c.declare(r, pos, rd.lang, &rd.probs) {
		c.Removals = append(c.Removals, r)
	}
	return true
}

func (rd *reader) checkCode(code string, pos Pos, lower bool) bool {
	switch {
	case strings.TrimSpace(code) == "":
		rd.add(pos.Line, pos.Path, "code", CodeNoCode)
		return false
	case lower && !domain.ValidCode(code):
		rd.add(pos.Line, pos.Path+".code", "code", CodeBadCode, code)
		return false
	}
	return true
}

// validate reports a domain rule's message (in English: the domain's
// messages are the service's) at the item.
func (rd *reader) validate(err error, pos Pos) {
	if err != nil {
		rd.add(pos.Line, pos.Path, "", CodeInvalid, domain.Message(err))
	}
}

// decode fills v (a struct) from a mapping node, field by field, reporting
// unknown fields and values of the wrong type with their path and line.
func (rd *reader) decode(node *yaml.Node, v reflect.Value, path string) {
	if node.Kind != yaml.MappingNode {
		rd.add(node.Line, path, "", CodeNotList, path)
		return
	}
	fields := map[string]int{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		fields[name] = i
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, val := node.Content[i], node.Content[i+1]
		fpath := sub(path, key.Value)
		idx, ok := fields[key.Value]
		if !ok {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			sort.Strings(names)
			rd.add(key.Line, fpath, key.Value, CodeUnknownField, key.Value, rd.lang.DidYouMean(textmatch.Closest(key.Value, names, nil, 2)))
			continue
		}
		f := v.Field(idx)
		ft := f.Type()
		if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
			if val.Tag == "!!null" {
				continue
			}
			f.Set(reflect.New(ft.Elem()))
			rd.decode(val, f.Elem(), fpath)
			continue
		}
		if err := val.Decode(f.Addr().Interface()); err != nil {
			rd.add(val.Line, fpath, key.Value, CodeBadValue, val.Value, typeName(rd.lang, ft))
		}
	}
}

// sub is the path of a field of the item at path ("" for a CSV row, whose
// problems name the column).
func sub(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// fieldLine returns the line of a mapping's field, or def.
func fieldLine(node *yaml.Node, field string, def int) int {
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == field {
			return node.Content[i+1].Line
		}
	}
	return def
}

func typeName(lang locale.Lang, t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch k := t.Kind(); k {
	case reflect.Int, reflect.Float64, reflect.Bool, reflect.String, reflect.Slice:
		return lang.Get("catalogfile.type." + k.String())
	}
	return t.String()
}

// yamlErrLine finds the line in a yaml.v3 syntax error ("yaml: line 4: …").
func yamlErrLine(err error) int {
	var line int
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		fmt.Sscanf(s[i:], "line %d", &line)
	}
	return line
}
