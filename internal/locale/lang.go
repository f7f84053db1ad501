// Package locale is Pantau's one catalogue of words: the languages it
// speaks (a typed Lang), how a request chooses one, and every message a
// page, an API error, a chart, an export or the CLI shows to people, keyed
// by message id with fmt-style arguments. Numbers are formatted by
// golang.org/x/text through each language's Printer.
package locale

import (
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is a language Pantau writes in. The zero value is not a language;
// functions that take a Lang treat anything but EN as Indonesian, the
// default language of the pages.
type Lang string

// The languages.
const (
	ID = Lang("id")
	EN = Lang("en")
)

// Langs are all languages, Indonesian (the default) first.
var Langs = []Lang{ID, EN}

// Parse reads an exact language code, "id" or "en", as ?lang= carries it.
func Parse(s string) (Lang, bool) {
	switch Lang(s) {
	case ID:
		return ID, true
	case EN:
		return EN, true
	}
	return "", false
}

// ParseLoose reads a language as a download's ?locale= carries it, which
// chooses a CSV file's conventions as well as its words: a code or one of
// its regional tags (id-ID, en-US, en-GB), "in" (the withdrawn ISO code
// for Indonesian, which Java wrote until version 17) and "int" or
// "international" for English's ',' and decimal point; any case, empty
// for Indonesian.
func ParseLoose(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "id", "id-id", "in":
		return ID, true
	case "en", "en-us", "en-gb", "int", "international":
		return EN, true
	}
	return "", false
}

// Negotiate picks the language of a request: the ?lang= value first, then
// the first Accept-Language entry that names Indonesian or English;
// Indonesian by default.
func Negotiate(query, acceptLanguage string) Lang {
	if l, ok := Parse(query); ok {
		return l
	}
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "id"):
			return ID
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return ID
}

// OfPrefix reads a language loosely, as the CLI and importer take it:
// anything starting with "en" (any case) is English, all else Indonesian.
func OfPrefix(s string) Lang {
	if strings.HasPrefix(strings.ToLower(s), "en") {
		return EN
	}
	return ID
}

// Other is the language a page's language switch leads to.
func (l Lang) Other() Lang {
	if l == EN {
		return ID
	}
	return EN
}

// String is the language code.
func (l Lang) String() string { return string(l) }

// Tag is the BCP 47 tag of the language.
func (l Lang) Tag() language.Tag {
	if l == EN {
		return language.English
	}
	return language.Indonesian
}

// POSIX is the language with the country whose conventions Pantau
// writes, as POSIX locale names spell it and Open Graph's og:locale
// takes it: id_ID, en_US.
func (l Lang) POSIX() string {
	if l == EN {
		return "en_US"
	}
	return "id_ID"
}

// Printers are safe for concurrent use (each Sprint takes its own state from
// a pool), so one per language is shared.
var (
	printerID = message.NewPrinter(language.Indonesian)
	printerEN = message.NewPrinter(language.English)
)

// Printer formats numbers in the language's conventions (golang.org/x/text).
func (l Lang) Printer() *message.Printer {
	if l == EN {
		return printerEN
	}
	return printerID
}

// DidYouMean formats suggestions as a message suffix (` — did you mean "a"
// or "b"?`), empty when there are none: the file readers' hints.
func (l Lang) DidYouMean(cands []string) string {
	if len(cands) == 0 {
		return ""
	}
	q := make([]string, len(cands))
	for i, c := range cands {
		q[i] = strconv.Quote(c)
	}
	return l.Get("ingest.did_you_mean", strings.Join(q, l.Get("ingest.or")))
}
