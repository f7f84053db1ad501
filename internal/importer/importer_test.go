package importer_test

import (
	"context"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
)

// TestImportRefusesARepeatedKey: a file naming a key twice is refused by
// the reader, with the line, and nothing is stored. The store relies on it
// (ImportOptions.KeysDistinct) instead of checking again. The key's rows
// are apart, and the second writes the region by its BPS code, so only the
// resolved keys tell them alike.
func TestImportRefusesARepeatedKey(t *testing.T) {
	demoStores(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		before := value(t, st, 2024)
		var bps string
		if err := st.DB().Get(&bps, `SELECT bps_code FROM region_bps_codes WHERE region_code = '16.07'`); err != nil || bps == "" {
			t.Fatalf("Banyuasin's BPS code: %q %v", bps, err)
		}
		file := "kode_wilayah;kode_indikator;tahun;nilai\n" +
			"16.07;kemiskinan_ekstrem;2024;4,70\n" +
			"16.07;kemiskinan_ekstrem;2025;0,41\n" +
			bps + ";kemiskinan_ekstrem;2024;0,47\n"
		res, err := importer.Import(ctx, st, strings.NewReader(file), importer.Request{Options: ingest.Options{Lang: "en"},
			Upload: domain.Upload{Filename: "twice.csv"}})
		if err == nil || res.Accepted {
			t.Fatalf("a file naming a key twice was accepted: %+v", res.Upload)
		}
		found := false
		for _, p := range res.Report.Errors {
			found = found || (p.Line == 4 && p.Code == ingest.CodeDuplicate)
		}
		if !found {
			t.Errorf("no duplicate reported on line 4: %+v", res.Report.Errors)
		}
		if got := value(t, st, 2024); got != before {
			t.Errorf("2024 is %v after a refused file, was %v", got, before)
		}
	})
}
