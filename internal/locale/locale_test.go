package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestEveryMessageInEveryLanguage(t *testing.T) {
	for _, l := range Langs {
		for _, o := range Langs {
			for _, id := range IDs(l) {
				if !o.Has(id) {
					t.Errorf("message %q is in the %s catalogue but not in the %s one", id, l, o)
				}
			}
		}
	}
	for _, l := range Langs {
		for _, id := range IDs(l) {
			if strings.TrimSpace(l.Get(id)) == "" {
				t.Errorf("%s message %q is empty", l, id)
			}
		}
	}
}

// verbs are a message's fmt verbs: a translation must take the same
// arguments, though explicit indexes may reorder them. The space flag is
// left out so that a literal "95% projection" (a message shown without
// arguments) is not read as a verb.
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+#0]*\d*(\.\d+)?[a-zA-Z%]`)

func TestTranslationsTakeTheSameArguments(t *testing.T) {
	count := func(m string) map[string]int {
		n := map[string]int{}
		next := 1
		for _, v := range verbs.FindAllStringSubmatch(m, -1) {
			verb := v[0][len(v[0])-1:]
			if verb == "%" {
				continue
			}
			i := next
			if v[1] != "" {
				i, _ = strconv.Atoi(strings.Trim(v[1], "[]"))
			}
			next = i + 1
			n[strconv.Itoa(i)+verb]++
		}
		return n
	}
	for _, id := range IDs(ID) {
		a, b := count(ID.Get(id)), count(EN.Get(id))
		if !maps.Equal(a, b) {
			t.Errorf("message %q: Indonesian takes %v, English %v", id, a, b)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct {
		name, query, accept string
		want                Lang
	}{
		{"default", "", "", ID},
		{"query en", "en", "id", EN},
		{"query id", "id", "en-GB", ID},
		{"bad query falls to header", "fr", "en-US,en;q=0.9", EN},
		{"first known entry wins", "", "fr, id-ID;q=0.8, en;q=0.5", ID},
		{"case", "", "EN-us", EN},
		{"unknown", "EN", "fr", ID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate(tt.query, tt.accept); got != tt.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.query, tt.accept, got, tt.want)
			}
		})
	}
}

func TestParseLoose(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"", ID, true}, {"id", ID, true}, {" ID-id ", ID, true}, {"in", ID, true},
		{"en", EN, true}, {"EN-GB", EN, true}, {"en-us", EN, true}, {"int", EN, true}, {"International", EN, true},
		{"fr", "", false}, {"english", "", false}, {"id_ID", "", false},
	} {
		if got, ok := ParseLoose(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseLoose(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestGet(t *testing.T) {
	if got := EN.Get("ingest.ragged_row", 3, 2); got != "row has 3 fields, the header has 2" {
		t.Errorf("EN ragged_row = %q", got)
	}
	if got := Lang("").Get("ingest.no_region"); got != "wilayah kosong" {
		t.Errorf("zero Lang should speak Indonesian, got %q", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a missing id did not panic under test")
			}
		}()
		ID.Get("no.such.message")
	}()
}

// TestEveryReferencedIDExists reads Pantau's Go source and checks every
// message id written as a literal where the catalogue is asked (Get, Has,
// progress's say, Section, Sections), so that a typo fails here rather than
// on a page no test reaches. Ids built at run time ("status."+s) are
// caught by Get's panic under test instead.
func TestEveryReferencedIDExists(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	seen := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			id, _ := strconv.Unquote(lit.Value)
			switch name {
			case "Get", "Has", "say": // say: progress's message in both languages
				if !strings.Contains(id, ".") {
					return true // not a message id (a map or header Get)
				}
				seen++
				if !ID.Has(id) {
					t.Errorf("%s: message %q is not in the catalogue", fset.Position(lit.Pos()), id)
				}
			case "Section", "Sections":
				seen++
				if len(ID.Section(id)) == 0 {
					t.Errorf("%s: no message has the prefix %q", fset.Position(lit.Pos()), id)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Fatal("found no catalogue lookups in the source: the walk is broken")
	}
}

// TestTemplateTextsExist checks that every {{.T.key}} in the web templates
// names a message of one of the web pages' sections: a template reading a
// map of texts would print a missing key as nothing.
func TestTemplateTextsExist(t *testing.T) {
	known := map[string]bool{}
	for _, sec := range []string{"page", "account", "admin", "completeness", "embed", "review", "upload", "unggah", "katalog", "share"} {
		for k := range ID.Section(sec) {
			known[k] = true
		}
	}
	files, err := filepath.Glob(filepath.Join("..", "web", "templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	ref := regexp.MustCompile(`\.T\.([A-Za-z_][A-Za-z0-9_]*)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(b), -1) {
			if !known[m[1]] {
				t.Errorf("%s: {{.T.%s}} is in no web section of the catalogue", filepath.Base(f), m[1])
			}
		}
	}
}
