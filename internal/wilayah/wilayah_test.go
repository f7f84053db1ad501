package wilayah

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pantau/internal/domain"
)

func mustOfficial(t testing.TB) *List {
	t.Helper()
	l, err := Official()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCountsPerLevel(t *testing.T) {
	l := mustOfficial(t)
	if l.Len() != 91600 {
		t.Fatalf("Len = %d, want 91,600 (91,599 regions and the nation)", l.Len())
	}
	got := map[domain.Level]int{}
	for _, e := range l.entries {
		got[e.Level]++
	}
	for _, tt := range []struct {
		level domain.Level
		want  int
	}{
		{domain.LevelNational, 1},
		{domain.LevelProvince, 38},
		{domain.LevelRegency, 514},
		{domain.LevelDistrict, 7285},
		{domain.LevelVillage, 83762},
	} {
		t.Run(string(tt.level), func(t *testing.T) {
			if got[tt.level] != tt.want {
				t.Errorf("%s: %d entries, want %d", tt.level, got[tt.level], tt.want)
			}
		})
	}
}

func TestNationIsEntryZero(t *testing.T) {
	l := mustOfficial(t)
	want := Entry{Code: domain.NationalCode, Name: "Indonesia", Level: domain.LevelNational, Population: 284973643}
	if l.entries[0] != want {
		t.Fatalf("entry 0 = %+v, want %+v", l.entries[0], want)
	}
	if e, ok := l.Lookup("ID"); !ok || e != want {
		t.Fatalf("Lookup(ID) = %+v, %v", e, ok)
	}
	// The Dukcapil provinces add up to the nation.
	var sum int64
	for _, p := range l.Children("ID") {
		sum += p.Population
	}
	if sum != want.Population {
		t.Errorf("provinces sum to %d, nation %d", sum, want.Population)
	}
}

func TestLookup(t *testing.T) {
	l := mustOfficial(t)
	for _, tt := range []struct {
		code string
		want Entry
		ok   bool
	}{
		{code: "16", want: Entry{Code: "16", Name: "Sumatera Selatan", Level: domain.LevelProvince, ParentCode: "ID", Population: 9064690}, ok: true},
		{code: "16.07", want: Entry{Code: "16.07", Name: "Kabupaten Banyuasin", Level: domain.LevelRegency, ParentCode: "16", Population: 888324}, ok: true},
		{code: "16.06", want: Entry{Code: "16.06", Name: "Kabupaten Musi Banyuasin", Level: domain.LevelRegency, ParentCode: "16", Population: 736897}, ok: true},
		{code: "16.07.01", want: Entry{Code: "16.07.01", Name: "Banyuasin I", Level: domain.LevelDistrict, ParentCode: "16.07"}, ok: true},
		{code: "16.06.09.1016", want: Entry{Code: "16.06.09.1016", Name: "Bayung Lencir", Level: domain.LevelVillage, ParentCode: "16.06.09"}, ok: true},
		{code: "11", want: Entry{Code: "11", Name: "Aceh", Level: domain.LevelProvince, ParentCode: "ID", Population: 5623479}, ok: true},
		{code: "16.99"},
		{code: "1607"},
		{code: ""},
		{code: "16.07."},
	} {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := l.Lookup(tt.code)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("Lookup(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestEveryEntryIsConsistent(t *testing.T) {
	l := mustOfficial(t)
	seen := make(map[string]bool, l.Len())
	for i, e := range l.entries {
		if seen[e.Code] {
			t.Fatalf("code %s twice", e.Code)
		}
		seen[e.Code] = true
		level, err := domain.LevelOfCode(e.Code)
		if err != nil || level != e.Level {
			t.Fatalf("%s: level %s, code says %s (%v)", e.Code, e.Level, level, err)
		}
		if e.ParentCode != domain.ParentOfCode(e.Code) {
			t.Fatalf("%s: parent %q, want %q", e.Code, e.ParentCode, domain.ParentOfCode(e.Code))
		}
		// Parents come before their children, so they were seen already.
		if i > 0 && !seen[e.ParentCode] {
			t.Fatalf("%s: parent %s missing or after it", e.Code, e.ParentCode)
		}
		if _, ok := l.Lookup(e.Code); !ok {
			t.Fatalf("Lookup(%s) failed", e.Code)
		}
		hasPopulation := e.Level == domain.LevelNational || e.Level == domain.LevelProvince || e.Level == domain.LevelRegency
		if hasPopulation != (e.Population > 0) {
			t.Fatalf("%s (%s): population %d", e.Code, e.Level, e.Population)
		}
		if strings.TrimSpace(e.Name) != e.Name || e.Name == "" {
			t.Fatalf("%s: name %q", e.Code, e.Name)
		}
		if err := e.Region().Validate(); err != nil {
			t.Fatalf("%s: %v", e.Code, err)
		}
	}
}

func TestChildren(t *testing.T) {
	l := mustOfficial(t)
	for _, tt := range []struct {
		code        string
		n           int
		first, last string
		level       domain.Level
	}{
		{code: "ID", n: 38, first: "11", last: "96", level: domain.LevelProvince},
		{code: "16", n: 17, first: "16.01", last: "16.74", level: domain.LevelRegency},
		{code: "16.07", n: 21, first: "16.07.01", last: "16.07.21", level: domain.LevelDistrict},
		{code: "16.07.01", first: "16.07.01.", level: domain.LevelVillage},
		{code: "16.07.01.2001"},
		{code: "16.99"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			got := l.Children(tt.code)
			if tt.n > 0 && len(got) != tt.n {
				t.Fatalf("Children(%s): %d, want %d", tt.code, len(got), tt.n)
			}
			if tt.first == "" {
				if len(got) != 0 {
					t.Fatalf("Children(%s) = %d entries, want none", tt.code, len(got))
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0].Code, tt.first) || (tt.last != "" && got[len(got)-1].Code != tt.last) {
				t.Fatalf("Children(%s) = %v … %v, want %s … %s", tt.code, got[0], got[len(got)-1], tt.first, tt.last)
			}
			for i, c := range got {
				if c.ParentCode != tt.code || c.Level != tt.level {
					t.Fatalf("child %+v of %s", c, tt.code)
				}
				if i > 0 && got[i-1].Code >= c.Code {
					t.Fatalf("children not in code order: %s before %s", got[i-1].Code, c.Code)
				}
			}
		})
	}
	if got := l.Children("16.07"); got[0].Name != "Banyuasin I" || got[20].Name != "Selat Penuguan" {
		t.Errorf("Banyuasin's kecamatan: %s … %s", got[0].Name, got[20].Name)
	}
}

func TestTerritory(t *testing.T) {
	l := mustOfficial(t)
	got, err := l.Territory("16.06")
	if err != nil {
		t.Fatal(err)
	}
	var below int
	for _, e := range l.entries {
		if strings.HasPrefix(e.Code, "16.06.") {
			below++
		}
	}
	if below < 7 || len(got) != 3+below {
		t.Fatalf("Territory(16.06): %d entries, want ID, 16, 16.06 and its %d descendants", len(got), below)
	}
	if got[0].Code != "ID" || got[1].Code != "16" || got[2].Code != "16.06" {
		t.Fatalf("Territory(16.06) starts %s %s %s, want ID 16 16.06", got[0].Code, got[1].Code, got[2].Code)
	}
	seen := map[string]bool{}
	levels := map[domain.Level]int{}
	for _, e := range got {
		if e.Code != "ID" && !seen[e.ParentCode] {
			t.Fatalf("%s before its parent %s", e.Code, e.ParentCode)
		}
		if seen[e.Code] {
			t.Fatalf("%s twice", e.Code)
		}
		seen[e.Code] = true
		levels[e.Level]++
		if strings.HasPrefix(e.Code, "16.07") || (e.Level != domain.LevelNational && e.Code != "16" && !strings.HasPrefix(e.Code, "16.06")) {
			t.Fatalf("Territory(16.06) holds %s %s", e.Code, e.Name)
		}
	}
	if levels[domain.LevelDistrict] != len(l.Children("16.06")) || levels[domain.LevelDistrict] < 10 || levels[domain.LevelVillage] < 200 {
		t.Fatalf("Territory(16.06) levels: %v", levels)
	}
	// Bayung Lencir is a kecamatan and a kelurahan of Musi Banyuasin: both are in.
	if !seen["16.06.09"] || !seen["16.06.09.1016"] {
		t.Error("Territory(16.06) lacks Bayung Lencir")
	}

	all, err := l.Territory("ID")
	if err != nil || len(all) != 91600 {
		t.Fatalf("Territory(ID): %d entries, %v; want 91,600", len(all), err)
	}
	village, err := l.Territory("16.07.01.2001")
	if err != nil || len(village) != 5 || village[4].Code != "16.07.01.2001" {
		t.Fatalf("Territory(village) = %v, %v", village, err)
	}
	// What Territory returns is the caller's: changing it leaves the list alone.
	all[1].Name = "changed"
	if e, _ := l.Lookup(all[1].Code); e.Name == "changed" {
		t.Fatal("Territory shares its entries with the list")
	}
}

func TestTerritoryUnknownCode(t *testing.T) {
	l := mustOfficial(t)
	for _, tt := range []struct{ code, suggests string }{
		{code: "16.99", suggests: "16.09 Kabupaten Ogan Komering Ulu Selatan"},
		{code: "16.07.99", suggests: "16.07.09 Makarti Jaya"},
		{code: "99", suggests: "did you mean"},
		{code: "Banyuasin", suggests: "16.07 Kabupaten Banyuasin"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			_, err := l.Territory(tt.code)
			if !errors.Is(err, domain.ErrNotFound) {
				t.Fatalf("Territory(%q) err = %v, want ErrNotFound", tt.code, err)
			}
			if msg := domain.Message(err); !strings.Contains(msg, tt.code) || !strings.Contains(msg, tt.suggests) {
				t.Fatalf("Territory(%q) message %q, want it to name the code and %q", tt.code, msg, tt.suggests)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	l := mustOfficial(t)
	for _, tt := range []struct {
		query string
		first string // code of the first suggestion; "" for none
	}{
		{"kab banyu asin", "16.07"},
		{"Kabupaten Banyuasin", "16.07"},
		{"KAB. BANYUASIN", "16.07"},
		{"banyuasin", "16.07"},
		{"Banyuasn", "16.07"},
		{"Kab. Musi Banyu Asin", "16.06"},
		{"musi banyuasim", "16.06"},
		{"Kota Palembang", "16.71"},
		{"palembang", "16.71"},
		{"Kec. Banyuasin I", "16.07.01"},
		{"kecamatan makarti jaya", "16.07.09"},
		{"Sumatera Selatan", "16"},
		{"Provinsi Sumatra Selatan", "16"},
		{"Kotabaru", "63.02"},         // the regency, not the kecamatan "Kota Baru"
		{"kec kota baru", "15.71.07"}, // and the kecamatan when asked for one
		{"Jakarta Utara", "31.72"},
		{"kota adm. jakarta utara", "31.72"},
		{"Kepulauan Seribu", "31.01"},
		{"Kab Kep. Seribu", "31.01"},
		{"jakarta", "31"}, // a word of "Daerah Khusus Ibukota Jakarta"
		{"DKI Jakarta", "31"},
		{"Sumsel", "16"},
		{"Lubuk Linggau", "16.73"},
		{"11.01.01.99", "11.01.01.2001"},
		{"16.0", "16.01"},
		{"16.07", "16.07"},
		{"16.99", "16.09"},
		{"16.07.99", "16.07.09"},
		{"zzzzqqqq", ""},
		{"  ", ""},
	} {
		t.Run(tt.query, func(t *testing.T) {
			got := l.Suggest(tt.query, 5)
			if tt.first == "" {
				if len(got) != 0 {
					t.Fatalf("Suggest(%q) = %v, want none", tt.query, got)
				}
				return
			}
			if len(got) == 0 || got[0].Code != tt.first {
				t.Fatalf("Suggest(%q) = %v, want %s first", tt.query, got, tt.first)
			}
			if len(got) > 5 {
				t.Fatalf("Suggest(%q, 5) gave %d", tt.query, len(got))
			}
		})
	}
	if got := l.Suggest("16.07", 3); len(got) != 3 || got[1].Code != "16.07.01" || !strings.HasPrefix(got[2].Code, "16.07.01.") {
		t.Errorf("Suggest(16.07, 3) = %v, want 16.07 and what follows it in code order", got)
	}
	if got := l.Suggest("Kota Bekasi", 2); len(got) != 2 || got[0].Name != "Kota Bekasi" || got[1].Name != "Kabupaten Bekasi" {
		t.Errorf("Suggest(Kota Bekasi) = %v, want the city before the regency", got)
	}
	if got := l.Suggest("bayung lencir", 3); len(got) < 2 || got[0].Code != "16.06.09" || got[1].Code != "16.06.09.1016" {
		t.Errorf("Suggest(bayung lencir) = %v, want the kecamatan, then the kelurahan", got)
	}
}

// The list is shared by every request: reading it from many goroutines at
// once, the first of them parsing it, must be safe (go test -race).
func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Official()
			if err != nil {
				t.Error(err)
				return
			}
			if got := l.Suggest([]string{"banyuasin", "16.99", "kota palembang", "musi banyuasin"}[i], 1); len(got) != 1 {
				t.Errorf("Suggest: %v", got)
			}
			if _, err := l.Territory("16.07"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// naive is the textbook edit distance, to check the banded one against.
func naive(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}

func TestLevenshtein(t *testing.T) {
	l := mustOfficial(t)
	words := []string{"", "a", "ab", "ba", "abc", "banyuasin", "banyuasn", "banyuasini", "musibanyuasin", "kotabaru", "baru"}
	for _, e := range l.Children("16.06") {
		words = append(words, strings.ToLower(e.Name))
	}
	var d distance
	for _, a := range words {
		for _, b := range words {
			want := naive(a, b)
			for max := 0; max <= 4; max++ {
				if got := levenshtein(&d, a, b, max); got != min(want, max+1) {
					t.Fatalf("levenshtein(%q, %q, %d) = %d, want %d", a, b, max, got, min(want, max+1))
				}
			}
		}
	}
}

// The embedded files are the published ones, byte for byte (data/README.md).
func TestDataIsTheSource(t *testing.T) {
	readme, err := os.ReadFile("data/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		gz  []byte
		sum string
	}{
		{regionsGzip, "142e846c2be4d60e8d72b54f17f57983ea58c98b9822bc821007aaa3ca968d05"},
		{populationGzip, "afecbbbad7d3631007692852d78bab137de494dc254dcea6ae75a1693f02e1a9"},
	} {
		text, err := gunzip(f.gz)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(text))
		if got := hex.EncodeToString(sum[:]); got != f.sum || !bytes.Contains(readme, []byte(got)) {
			t.Errorf("SHA-256 %s, want %s, named in data/README.md", got, f.sum)
		}
	}
	if !strings.Contains(License, "MIT License") || !strings.Contains(License, "Cahya DSN") {
		t.Errorf("License = %q", License)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseRefusesBadData(t *testing.T) {
	const head = "kode;nama;tingkat;kode_induk\n"
	const pop = "kode;nama;laki_laki;perempuan;jumlah\n0;INDONESIA;1;1;2\n"
	for _, tt := range []struct{ name, regions, population, want string }{
		{"good", head + "16;Sumatera Selatan;provinsi;\n16.07;Kabupaten Banyuasin;kabupaten_kota;16\n", pop, ""},
		{"header", "code;name\n16;X;provinsi;\n", pop, "header"},
		{"order", head + "16;S;provinsi;\n16.07;B;kabupaten_kota;16\n16.01;A;kabupaten_kota;16\n", pop, "code order"},
		{"child first", head + "16.07;B;kabupaten_kota;16\n16;S;provinsi;\n", pop, "parent"},
		{"duplicate", head + "16;S;provinsi;\n16;S;provinsi;\n", pop, "code order"},
		{"level", head + "16;S;province;\n", pop, "level"},
		{"level of code", head + "16;S;kecamatan;\n", pop, "does not match"},
		{"parent", head + "16;S;provinsi;\n17;T;provinsi;\n17.01;K;kabupaten_kota;16\n", pop, "parent"},
		{"missing parent", head + "16;S;provinsi;\n16.07.01;B;kecamatan;16.07\n", pop, "not in the list"},
		{"fields", head + "16;S;provinsi\n", pop, "fields"},
		{"empty name", head + "16;;provinsi;\n", pop, "name"},
		{"population region", head + "16;S;provinsi;\n", pop + "17;T;1;1;2\n", "not in the list"},
		{"population count", head + "16;S;provinsi;\n", pop + "16;S;1;1;-2\n", "count"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, err := parse(gz(t, tt.regions), gz(t, tt.population))
			if tt.want == "" {
				if err != nil || l.Len() != 3 {
					t.Fatalf("parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parse err = %v, want one about %q", err, tt.want)
			}
		})
	}
}

// BenchmarkOfficial measures what the first Official() call costs: the
// decompression and parse of the whole list (run with -benchmem).
// Beside wall time it reports the process's CPU time per call, which a
// loaded machine does not inflate.
func BenchmarkOfficial(b *testing.B) {
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		if _, err := parse(regionsGzip, populationGzip); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N)/1e6, "cpu-ms/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSuggest measures a did-you-mean by name over the whole list.
func BenchmarkSuggest(b *testing.B) {
	l := mustOfficial(b)
	b.ReportAllocs()
	before := cpuTime(b)
	for b.Loop() {
		l.Suggest("kab musi banyu asin", 3)
	}
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N)/1e6, "cpu-ms/op")
}

// TestEveryProvinceHasAZone: times shown for a region are in its
// province's zone (domain.ZoneOf), so no province of the list may fall
// back to the default.
func TestEveryProvinceHasAZone(t *testing.T) {
	l := mustOfficial(t)
	provinces := l.Children(domain.NationalCode)
	if len(provinces) != 38 {
		t.Fatalf("%d provinces", len(provinces))
	}
	for _, p := range provinces {
		if z, ok := domain.ZoneOf(p.Code); !ok {
			t.Errorf("%s %s has no time zone (got the default %s)", p.Code, p.Name, z.Abbrev)
		}
	}
}
