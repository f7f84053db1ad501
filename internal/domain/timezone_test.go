package domain

import (
	"testing"
	"time"
)

func TestZoneOf(t *testing.T) {
	for _, tt := range []struct{ code, name, want string }{
		{"11", "Aceh", "WIB"}, {"12", "Sumatera Utara", "WIB"}, {"13", "Sumatera Barat", "WIB"}, {"14", "Riau", "WIB"},
		{"15", "Jambi", "WIB"}, {"16", "Sumatera Selatan", "WIB"}, {"17", "Bengkulu", "WIB"}, {"18", "Lampung", "WIB"},
		{"19", "Kepulauan Bangka Belitung", "WIB"}, {"21", "Kepulauan Riau", "WIB"}, {"31", "DKI Jakarta", "WIB"},
		{"32", "Jawa Barat", "WIB"}, {"33", "Jawa Tengah", "WIB"}, {"34", "DI Yogyakarta", "WIB"}, {"35", "Jawa Timur", "WIB"},
		{"36", "Banten", "WIB"}, {"51", "Bali", "WITA"}, {"52", "Nusa Tenggara Barat", "WITA"}, {"53", "Nusa Tenggara Timur", "WITA"},
		{"61", "Kalimantan Barat", "WIB"}, {"62", "Kalimantan Tengah", "WIB"}, {"63", "Kalimantan Selatan", "WITA"},
		{"64", "Kalimantan Timur", "WITA"}, {"65", "Kalimantan Utara", "WITA"}, {"71", "Sulawesi Utara", "WITA"},
		{"72", "Sulawesi Tengah", "WITA"}, {"73", "Sulawesi Selatan", "WITA"}, {"74", "Sulawesi Tenggara", "WITA"},
		{"75", "Gorontalo", "WITA"}, {"76", "Sulawesi Barat", "WITA"}, {"81", "Maluku", "WIT"}, {"82", "Maluku Utara", "WIT"},
		{"91", "Papua", "WIT"}, {"92", "Papua Barat", "WIT"}, {"93", "Papua Selatan", "WIT"}, {"94", "Papua Tengah", "WIT"},
		{"95", "Papua Pegunungan", "WIT"}, {"96", "Papua Barat Daya", "WIT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			z, ok := ZoneOf(tt.code)
			if !ok || z.Abbrev != tt.want {
				t.Errorf("ZoneOf(%s) = %s %v, want %s", tt.code, z.Abbrev, ok, tt.want)
			}
			// A village of the province has its zone too.
			if v, _ := ZoneOf(tt.code + ".01.02.2001"); v != z {
				t.Errorf("a village of %s: %s", tt.code, v.Abbrev)
			}
		})
	}
	if len(provinceZones) != 38 {
		t.Errorf("%d provinces have a zone, want 38", len(provinceZones))
	}
	for _, code := range []string{NationalCode, "", "99"} {
		if z, ok := ZoneOf(code); ok || z != WIB {
			t.Errorf("ZoneOf(%q) = %s %v, want WIB, false", code, z.Abbrev, ok)
		}
	}
	at := time.Date(2026, 12, 2, 2, 15, 0, 0, time.UTC)
	for z, want := range map[Zone]string{WIB: "09:15", WITA: "10:15", WIT: "11:15"} {
		if got := at.In(z.Loc).Format("15:04"); got != want {
			t.Errorf("02:15 UTC in %s is %s, want %s", z.Abbrev, got, want)
		}
	}
}
