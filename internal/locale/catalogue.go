package locale

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func catalogue(l Lang) map[string]string {
	if l == EN {
		return english
	}
	return indonesian
}

// Get returns message id in the language, formatted with args as fmt does;
// with no args the message is returned as written (a literal "%" stays).
// An id missing from the catalogue is a programming error: under test it
// panics, so the test that reaches it fails; in production the id itself
// is shown rather than an empty string.
func (l Lang) Get(id string, args ...any) string {
	m, ok := catalogue(l)[id]
	if !ok {
		if testing.Testing() {
			panic(fmt.Sprintf("locale: message %q is not in the %s catalogue", id, l.Tag()))
		}
		return id
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// And joins words as a list in the language: "a, b dan c" / "a, b and c".
func (l Lang) And(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + l.Get("changes.and") + words[len(words)-1]
}

// Has reports whether id is in the catalogue, for lookups whose id is
// built from data (an "ok_" key from a query string).
func (l Lang) Has(id string) bool {
	_, ok := catalogue(l)[id]
	return ok
}

// Section returns the messages whose ids start with prefix+".", keyed by
// the rest of the id: a page's texts, which its templates read as
// {{.T.key}}. The map is built once per call; callers may add to it.
func (l Lang) Section(prefix string) map[string]string {
	out := map[string]string{}
	p := prefix + "."
	for id, m := range catalogue(l) {
		if rest, ok := strings.CutPrefix(id, p); ok {
			out[rest] = m
		}
	}
	return out
}

// Sections is Section for every language, built once by a package that
// looks its texts up per request.
func Sections(prefix string) map[Lang]map[string]string {
	out := map[Lang]map[string]string{}
	for _, l := range Langs {
		out[l] = l.Section(prefix)
	}
	return out
}

// IDs lists every message id of the language, sorted.
func IDs(l Lang) []string { return slices.Sorted(maps.Keys(catalogue(l))) }
