package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"short", "16.07", "16.07"},
		{"at the limit", strings.Repeat("x", maxQuoted), strings.Repeat("x", maxQuoted)},
		{"bytes", strings.Repeat("x", 100), strings.Repeat("x", maxQuoted) + "… (100 bytes)"},
		{"between characters", strings.Repeat("é", 600), strings.Repeat("é", maxQuoted/2) + "… (1 kB)"},
		{"megabytes", strings.Repeat("<", 40<<20), strings.Repeat("<", maxQuoted) + "… (40 MB)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := clip(tt.in)
			if got != tt.want || !utf8.ValidString(got) {
				t.Errorf("clip = %.100q, want %.100q", got, tt.want)
			}
		})
	}
}

// TestErrorListBounded: a file of many long bad values lists problems up
// to maxListedBytes and counts the rest; the summary stops sooner.
func TestErrorListBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
	for range 900 {
		b.WriteString("16.07;kemiskinan_ekstrem;2024;" + strings.Repeat("<", 5000) + "\n")
	}
	rep, _ := ReadObservations(strings.NewReader(b.String()), testCatalog(t), Options{}, nil)
	listed := 0
	for _, e := range rep.Errors {
		listed += len(e.Column) + len(e.Value) + len(e.Reason)
	}
	if listed > maxListedBytes+1<<10 || rep.MoreErrors == 0 || len(rep.Errors)+rep.MoreErrors != 900 {
		t.Errorf("listed %d errors (%d bytes), %d more", len(rep.Errors), listed, rep.MoreErrors)
	}
	if msg := rep.Err().Error(); len(msg) > maxSummaryBytes+1<<10 || !strings.Contains(msg, "… (4 kB)") {
		t.Errorf("summary of %d bytes: %.300s", len(msg), msg)
	}
}
