package web_test

import (
	"encoding/json"
	"testing"

	"pantau/internal/store"
)

// TestExportPages: /api/v1/export?limit= walks a selection a page at a
// time, each row once, in the JSON download's order and with its fields.
func TestExportPages(t *testing.T) {
	demoServersWithStore(t, func(t *testing.T, base string, st *store.Store) {
		for _, sel := range []string{"", "&region=16.07.01", "&indicator=kemiskinan_ekstrem,ipm&region=16.07&from=2021&to=2023"} {
			code, _, body := fetch(t, base+"/api/v1/export?format=json"+sel)
			var whole []json.RawMessage
			if err := json.Unmarshal([]byte(body), &whole); code != 200 || err != nil || len(whole) == 0 {
				t.Fatalf("%s: download %d %v (%d rows)", sel, code, err, len(whole))
			}
			var rows []json.RawMessage
			url, pages := base+"/api/v1/export?limit=7"+sel, 0
			for ; url != ""; pages++ {
				var p struct {
					Data    []json.RawMessage `json:"data"`
					Version int64             `json:"version"`
					NextURL *string           `json:"next_url"`
				}
				if code := get(t, url, &p); code != 200 || p.Version == 0 || pages > len(whole) {
					t.Fatalf("%s: %d, version %d, after %d pages", url, code, p.Version, pages)
				}
				rows = append(rows, p.Data...)
				url = ""
				if p.NextURL != nil {
					url = base + *p.NextURL
				}
			}
			if len(rows) != len(whole) || pages != (len(whole)+6)/7 {
				t.Fatalf("%s: pages gave %d rows in %d pages, download %d", sel, len(rows), pages, len(whole))
			}
			for i := range whole {
				if string(rows[i]) != string(whole[i]) {
					t.Fatalf("%s: row %d = %s, download has %s", sel, i, rows[i], whole[i])
				}
			}
		}
	})
}
