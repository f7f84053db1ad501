// Package wilayah is the official Kemendagri region list, embedded compressed
// (gzip) in the binary: every province, regency/city, district (kecamatan) and
// village of Indonesia with its code, name, level and parent, and the Dukcapil
// 2025 population of the nation, provinces and regencies. It is the reference
// every region code and name is checked against. The data and its MIT notice
// are in data/ (see data/README.md for the source).
package wilayah

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"pantau/internal/domain"
)

var (
	//go:embed data/kemendagri_2025.csv.gz
	regionsGzip []byte
	//go:embed data/penduduk_2025.csv.gz
	populationGzip []byte
)

// License is the MIT notice of the region list (cahyadsn/wilayah): whatever
// ships or shows these rows ships this notice with them.
//
//go:embed data/LICENSE
var License string

// Source names the list, for the metadata of regions loaded from it.
const Source = "Kemendagri, Kepmendagri No 300.2.2-2138 Tahun 2025 (cahyadsn/wilayah b7ad440)"

// PopulationSource names the population counts: administrative (Dukcapil)
// counts, not BPS projections, so they are labelled as such where shown.
const PopulationSource = "Dukcapil 2025 (data administrasi kependudukan)"

// NationName is the name the list gives Indonesia as a whole (entry 0).
const NationName = "Indonesia"

// Entry is one region of the list.
type Entry struct {
	Code       string       // Kemendagri code: "16", "16.07", "16.07.01", "16.07.01.2001"; the nation is domain.NationalCode ("ID")
	Name       string       // official name, as in the list ("Kabupaten Banyuasin", "Banyuasin I")
	Level      domain.Level // domain.LevelNational … domain.LevelVillage
	ParentCode string       // "" for the nation, "ID" for provinces
	Population int64        // Dukcapil 2025 count where the list has one (nation, provinces, regencies), else 0
}

// Region returns the entry as a domain region (without a BPS code: the list
// has none, see data/README.md).
func (e Entry) Region() domain.Region {
	return domain.Region{Code: e.Code, Name: e.Name, Level: e.Level, ParentCode: e.ParentCode}
}

// List is the parsed region list. Entry 0 is the nation; the rest are in
// code order, which (the codes' parts having fixed widths) puts every region
// right before its whole subtree: lookups are binary searches and a
// territory is one contiguous run, so the list needs no index beside it.
type List struct {
	entries []Entry
}

var official struct {
	once sync.Once
	list *List
	err  error
}

// Official returns the embedded list, parsed on first use and shared after:
// callers must not change the entries it hands out.
func Official() (*List, error) {
	official.once.Do(func() {
		official.list, official.err = parse(regionsGzip, populationGzip)
	})
	return official.list, official.err
}

// Len returns the number of entries, the nation included.
func (l *List) Len() int { return len(l.entries) }

// Lookup returns the entry with the given code.
func (l *List) Lookup(code string) (Entry, bool) {
	i, ok := l.index(code)
	if !ok {
		return Entry{}, false
	}
	return l.entries[i], true
}

// Children returns the regions directly below code, in code order (nil for
// an unknown code or a village).
func (l *List) Children(code string) []Entry {
	i, ok := l.index(code)
	if !ok {
		return nil
	}
	var out []Entry
	// Each child is followed by its own subtree: jump over it to the next.
	for k, end := i+1, l.subtreeEnd(i); k < end; k = l.subtreeEnd(k) {
		out = append(out, l.entries[k])
	}
	return out
}

// Territory returns what an instance for code holds: the nation, code's
// ancestors, code and its whole subtree, parents before children. "ID" gives
// the whole list. An unknown code is a domain.ErrNotFound error whose message
// offers the closest codes (Suggest).
func (l *List) Territory(code string) ([]Entry, error) {
	i, ok := l.index(code)
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "region %q is not in the official Kemendagri list%s", code, didYouMean(l.Suggest(code, 3)))
	}
	var ancestors []Entry
	for p := l.entries[i].ParentCode; p != ""; {
		j, _ := l.index(p) // parse checked that every parent exists
		ancestors = append(ancestors, l.entries[j])
		p = l.entries[j].ParentCode
	}
	subtree := l.entries[i:l.subtreeEnd(i)]
	out := make([]Entry, 0, len(ancestors)+len(subtree))
	for k := len(ancestors) - 1; k >= 0; k-- {
		out = append(out, ancestors[k])
	}
	return append(out, subtree...), nil
}

func didYouMean(s []Entry) string {
	if len(s) == 0 {
		return ""
	}
	parts := make([]string, len(s))
	for i, e := range s {
		parts[i] = e.Code + " " + e.Name
	}
	return "; did you mean " + strings.Join(parts, ", ") + "?"
}

// index returns the position of code in entries.
func (l *List) index(code string) (int, bool) {
	if code == domain.NationalCode {
		return 0, true
	}
	rest := l.entries[1:]
	k := sort.Search(len(rest), func(k int) bool { return rest[k].Code >= code })
	if k < len(rest) && rest[k].Code == code {
		return k + 1, true
	}
	return 0, false
}

// subtreeEnd returns the position just after the subtree of entries[i]. The
// subtree of "16.07" is every code starting "16.07.", and "/" is the byte
// after ".", so it ends at the first code not below "16.07/".
func (l *List) subtreeEnd(i int) int {
	if i == 0 {
		return len(l.entries)
	}
	bound := l.entries[i].Code + "/"
	rest := l.entries[i+1:]
	return i + 1 + sort.Search(len(rest), func(k int) bool { return rest[k].Code >= bound })
}

var levels = map[string]domain.Level{
	"provinsi":       domain.LevelProvince,
	"kabupaten_kota": domain.LevelRegency,
	"kecamatan":      domain.LevelDistrict,
	"desa_kelurahan": domain.LevelVillage,
}

// byDots is the level of a code with that many dots.
var byDots = [...]domain.Level{domain.LevelProvince, domain.LevelRegency, domain.LevelDistrict, domain.LevelVillage}

// parse reads the two gzip-compressed CSV files. It checks what the
// searches rely on (code order, each parent right above its children, the
// level matching the code), so a bad update of the data fails every test
// instead of answering wrongly.
func parse(regionsGz, populationGz []byte) (*List, error) {
	text, err := gunzip(regionsGz)
	if err != nil {
		return nil, fmt.Errorf("wilayah: regions: %w", err)
	}
	const header = "kode;nama;tingkat;kode_induk\n"
	if !strings.HasPrefix(text, header) {
		return nil, fmt.Errorf("wilayah: regions: header is not %q", strings.TrimSpace(header))
	}
	text = text[len(header):]
	entries := make([]Entry, 1, strings.Count(text, "\n")+2)
	entries[0] = Entry{Code: domain.NationalCode, Name: NationName, Level: domain.LevelNational}
	prev := ""
	var last [4]string // the last code seen at each level
	for line := 2; text != ""; line++ {
		var row string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			row, text = text[:i], text[i+1:]
		} else {
			row, text = text, ""
		}
		// Names are substrings of the one decompressed text: no copy per row.
		var f [4]string
		for k := 0; k < 3; k++ {
			i := strings.IndexByte(row, ';')
			if i < 0 {
				return nil, fmt.Errorf("wilayah: regions line %d: %d fields, want 4", line, k+1)
			}
			f[k], row = row[:i], row[i+1:]
		}
		f[3] = row
		// Five names end in a space in the source ("Kota Administrasi Jakarta
		// Utara "): an artefact, not part of the name.
		e := Entry{Code: f[0], Name: strings.TrimSpace(f[1]), Level: levels[f[2]], ParentCode: f[3]}
		if e.ParentCode == "" {
			e.ParentCode = domain.NationalCode
		}
		dots := strings.Count(e.Code, ".")
		switch {
		case e.Code <= prev:
			return nil, fmt.Errorf("wilayah: regions line %d: code %q not after %q (the list must be in code order)", line, e.Code, prev)
		case e.Level == "":
			return nil, fmt.Errorf("wilayah: regions line %d: level %q, want provinsi, kabupaten_kota, kecamatan or desa_kelurahan", line, f[2])
		case dots >= len(byDots) || byDots[dots] != e.Level:
			return nil, fmt.Errorf("wilayah: regions line %d: level %s does not match code %q", line, e.Level, e.Code)
		case e.ParentCode != domain.ParentOfCode(e.Code):
			return nil, fmt.Errorf("wilayah: regions line %d: parent %q of %q, want %q", line, e.ParentCode, e.Code, domain.ParentOfCode(e.Code))
		case e.Name == "":
			return nil, fmt.Errorf("wilayah: regions line %d: name is empty", line)
		}
		// Every parent must exist (Territory walks up through them). In code
		// order a parent is the last code seen one level up.
		if dots > 0 && last[dots-1] != e.ParentCode {
			return nil, fmt.Errorf("wilayah: regions line %d: parent %q of %q is not in the list", line, e.ParentCode, e.Code)
		}
		last[dots] = e.Code
		entries = append(entries, e)
		prev = e.Code
	}
	l := &List{entries: entries}
	if err := l.addPopulation(populationGz); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *List) addPopulation(gz []byte) error {
	text, err := gunzip(gz)
	if err != nil {
		return fmt.Errorf("wilayah: population: %w", err)
	}
	rows := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(rows) == 0 || rows[0] != "kode;nama;laki_laki;perempuan;jumlah" {
		return fmt.Errorf("wilayah: population: header is not kode;nama;laki_laki;perempuan;jumlah")
	}
	for n, row := range rows[1:] {
		f := strings.Split(row, ";")
		if len(f) != 5 {
			return fmt.Errorf("wilayah: population line %d: %d fields, want 5", n+2, len(f))
		}
		code := f[0]
		if code == "0" { // the file's code for Indonesia
			code = domain.NationalCode
		}
		i, ok := l.index(code)
		if !ok {
			return fmt.Errorf("wilayah: population line %d: region %q is not in the list", n+2, f[0])
		}
		v, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("wilayah: population line %d: jumlah %q is not a count", n+2, f[4])
		}
		l.entries[i].Population = v
	}
	return nil
}

// gunzip decompresses b into one string. The gzip trailer holds the
// uncompressed size (modulo 2^32), so the buffer is allocated once.
func gunzip(b []byte) (string, error) {
	if len(b) < 18 {
		return "", fmt.Errorf("gzip data too short")
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	// A strings.Builder hands its bytes over as the string without a copy.
	var buf strings.Builder
	buf.Grow(int(binary.LittleEndian.Uint32(b[len(b)-4:])))
	if _, err := io.Copy(&buf, zr); err != nil {
		return "", err
	}
	if err := zr.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}
