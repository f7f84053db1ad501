package domain

import (
	"errors"
	"testing"
)

func TestLevelOfCode(t *testing.T) {
	for _, tt := range []struct {
		code   string
		level  Level
		parent string
		bad    bool
	}{
		{code: "ID", level: LevelNational, parent: ""},
		{code: "16", level: LevelProvince, parent: "ID"},
		{code: "16.07", level: LevelRegency, parent: "16"},
		{code: "16.07.01", level: LevelDistrict, parent: "16.07"},
		{code: "16.07.01.2001", level: LevelVillage, parent: "16.07.01"},
		{code: "1607", bad: true},
		{code: "16.7", bad: true},
		{code: "", bad: true},
	} {
		t.Run(tt.code, func(t *testing.T) {
			got, err := LevelOfCode(tt.code)
			if tt.bad {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("LevelOfCode(%q) err = %v, want ErrInvalid", tt.code, err)
				}
				return
			}
			if err != nil || got != tt.level {
				t.Fatalf("LevelOfCode(%q) = %q, %v; want %q", tt.code, got, err, tt.level)
			}
			if p := ParentOfCode(tt.code); p != tt.parent {
				t.Errorf("ParentOfCode(%q) = %q, want %q", tt.code, p, tt.parent)
			}
		})
	}
}

func TestDisaggregationCanonical(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Disaggregation
		bad  bool
	}{
		{in: "", want: Total},
		{in: "jenis_kelamin=P", want: "jenis_kelamin=perempuan"},
		{in: "Jenis Kelamin=Perempuan", want: "jenis_kelamin=perempuan"},
		{in: "sex=female", want: "jenis_kelamin=perempuan"},
		{in: "sex=Laki-laki", want: "jenis_kelamin=laki_laki"},
		{in: "daerah=Pedesaan;jenis_kelamin=L", want: "daerah=perdesaan;jenis_kelamin=laki_laki"},
		{in: "jenis_kelamin=L;daerah=rural", want: "daerah=perdesaan;jenis_kelamin=laki_laki"},
		{in: "kelompok_umur=15 - 24", want: "kelompok_umur=15-24"},
		{in: "daerah=total", want: Total},
		{in: "sex=male;jk=female", bad: true},
		{in: "daerah", bad: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDisaggregation(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("ParseDisaggregation(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDisaggregation(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestIndicatorBounds(t *testing.T) {
	minus := -100.0
	growth := Indicator{Code: "pe", NameID: "Pertumbuhan ekonomi", Unit: UnitPercent, Polarity: HigherIsBetter, Min: &minus}
	poverty := Indicator{Code: "p0", NameID: "Kemiskinan", Unit: UnitPercent, Polarity: LowerIsBetter}
	for _, tt := range []struct {
		name string
		ind  Indicator
		v    float64
		ok   bool
	}{
		{"percent inside", poverty, 9.31, true},
		{"percent above 100", poverty, 131, false},
		{"percent negative", poverty, -1, false},
		{"growth negative allowed", growth, -2.07, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ind.CheckValue(tt.v)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckValue(%g) = %v, want ok=%v", tt.v, err, tt.ok)
			}
		})
	}
}

func TestTargetValue(t *testing.T) {
	r := Target{Low: 9.37, High: 10.37}
	if got := r.Value(LowerIsBetter); got != 9.37 {
		t.Errorf("lower-is-better range aims at %g, want 9.37", got)
	}
	if got := r.Value(HigherIsBetter); got != 10.37 {
		t.Errorf("higher-is-better range aims at %g, want 10.37", got)
	}
	if (Target{Low: 0, High: 0}).IsRange() {
		t.Error("a single value reported as a range")
	}
}

func TestErrorMessageHidesInternals(t *testing.T) {
	if got := Message(errors.New("pq: password authentication failed")); got != "internal error" {
		t.Errorf("Message(internal) = %q", got)
	}
	err := Errorf(ErrNotFound, "indicator %q not found", "x")
	if !errors.Is(err, ErrNotFound) || Message(err) != `indicator "x" not found` {
		t.Errorf("Errorf kind/message lost: %v", err)
	}
}
