package domain

import (
	"strings"
	"time"
)

// Zone is one of Indonesia's three time zones, as people write it after a
// time ("09.15 WIB"). Fixed offsets: Indonesia keeps no daylight saving,
// and the binary then needs no time zone database.
type Zone struct {
	// Abbrev is the zone as written: WIB, WITA or WIT.
	Abbrev string
	Loc    *time.Location
}

// The zones (Keppres 41/1987).
var (
	WIB  = Zone{Abbrev: "WIB", Loc: time.FixedZone("WIB", 7*3600)}
	WITA = Zone{Abbrev: "WITA", Loc: time.FixedZone("WITA", 8*3600)}
	WIT  = Zone{Abbrev: "WIT", Loc: time.FixedZone("WIT", 9*3600)}
)

// provinceZones is every province's zone by its Kemendagri code: Sumatra,
// Java and West and Central Kalimantan keep WIB; Bali, the Nusa Tenggara,
// South, East and North Kalimantan and Sulawesi WITA; Maluku and Papua WIT.
var provinceZones = map[string]Zone{
	"11": WIB, "12": WIB, "13": WIB, "14": WIB, "15": WIB, "16": WIB, "17": WIB, "18": WIB, "19": WIB, "21": WIB,
	"31": WIB, "32": WIB, "33": WIB, "34": WIB, "35": WIB, "36": WIB,
	"51": WITA, "52": WITA, "53": WITA,
	"61": WIB, "62": WIB, "63": WITA, "64": WITA, "65": WITA,
	"71": WITA, "72": WITA, "73": WITA, "74": WITA, "75": WITA, "76": WITA,
	"81": WIT, "82": WIT,
	"91": WIT, "92": WIT, "93": WIT, "94": WIT, "95": WIT, "96": WIT,
}

// ZoneOf returns the time zone of a region by its Kemendagri code (the
// province is its first two digits). The nation, and a code of no known
// province, get WIB: the capital's zone, in which national figures are
// published.
func ZoneOf(regionCode string) (Zone, bool) {
	prov, _, _ := strings.Cut(regionCode, ".")
	z, ok := provinceZones[prov]
	if !ok {
		return WIB, false
	}
	return z, true
}
