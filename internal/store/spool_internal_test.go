package store

import (
	"reflect"
	"testing"

	"pantau/internal/indicator"
)

// TestSpoolRoundTrip: every field the import path writes survives the spool.
func TestSpoolRoundTrip(t *testing.T) {
	sp, err := newSpool()
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	in := []indicator.Observation{
		{SeriesKey: indicator.SeriesKey{IndicatorCode: "ipm", RegionCode: "16.07", Year: 2024, Disagg: "jenis_kelamin=perempuan"},
			Value: 70.25, Status: indicator.StatusPreliminary, Break: true, Note: "metode baru", Line: 1234567},
		{SeriesKey: indicator.SeriesKey{IndicatorCode: "ipm", RegionCode: "16.07", Year: 1960},
			Value: -0.5, Absent: indicator.AttrStatus | indicator.AttrNote},
	}
	for _, o := range in {
		if err := sp.write(o); err != nil {
			t.Fatal(err)
		}
	}
	var out []indicator.Observation
	if err := sp.replay(func(o indicator.Observation) error { out = append(out, o); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("spool round trip:\n got %+v\nwant %+v", out, in)
	}
}
