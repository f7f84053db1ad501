package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/store"
)

type catalogReply struct {
	Data struct {
		DryRun    bool  `json:"dry_run"`
		ImportID  int64 `json:"import_id"`
		Added     int   `json:"added"`
		Changed   int   `json:"changed"`
		Unchanged int   `json:"unchanged"`
		Changes   []struct {
			Kind, Code, Action string
			Fields             []struct{ Field, Old, New string }
		} `json:"changes"`
	} `json:"data"`
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details struct {
			Problems []struct {
				File, Path, Field, Code, Message string
				Line                             int
			} `json:"problems"`
		} `json:"details"`
	} `json:"error"`
}

// TestCatalogAPI exports the catalogue and imports catalogue files through
// /api/v1/catalog on both engines: a YAML dry run lists every change old →
// new and stores nothing, the import stores them as one catalogue import
// with revisions, JSON and CSV bodies take the same path, what GET answers
// POST takes back as unchanged, and a bad file is refused whole with every
// problem in the request's language.
func TestCatalogAPI(t *testing.T) {
	adminServers(t, func(t *testing.T, base string, st *store.Store, admin domain.User) {
		ctx := context.Background()
		a := newAPIClient(t, base, "admin@bappeda.id", "kata-sandi-panjang")

		var doc struct {
			Data map[string][]map[string]any `json:"data"`
		}
		if code := a.call("GET", "/api/v1/catalog", "", &doc); code != 200 || len(doc.Data["indicators"]) < 5 || len(doc.Data["plans"]) < 2 {
			t.Fatalf("export: %d %d indicators", code, len(doc.Data["indicators"]))
		}
		if code, body := a.send("GET", "/api/v1/catalog?format=yaml", "", "", nil); code != 200 || !strings.Contains(body, "indicators:") || !strings.Contains(body, "code: kemiskinan") {
			t.Errorf("YAML export: %d %.200s", code, body)
		}
		var list struct {
			Data []map[string]any `json:"data"`
		}
		if code := a.call("GET", "/api/v1/catalog/agencies", "", &list); code != 200 || len(list.Data) != 3 {
			t.Errorf("agencies: %d %v", code, list.Data)
		}
		if code := a.call("GET", "/api/v1/catalog/tokens", "", nil); code != 404 {
			t.Errorf("unknown list: %d", code)
		}

		// The export taken back changes nothing.
		whole, _ := json.Marshal(doc.Data)
		var r catalogReply
		if code, body := a.send("POST", "/api/v1/catalog?dry_run=true", "application/json", string(whole), &r); code != 200 || len(r.Data.Changes) != 0 || r.Data.Unchanged == 0 {
			t.Fatalf("round trip: %d %.600s", code, body)
		}

		yaml := `indicators:
  - code: kemiskinan
    name_id: Tingkat kemiskinan (P0)
    name_en: Poverty rate (P0)
    unit: persen
    polarity: lower
    decimals: 2
    source: BPS
    agency_code: bps-banyuasin
    progress: {assess: true, thresholds: {substantial: 0.9, moderate: 0.5, limited: 0}}
  - code: rumah_layak
    name_id: Rumah layak huni
    unit: persen
    polarity: higher
`
		r = catalogReply{}
		code, body := a.send("POST", "/api/v1/catalog?dry_run=true", "application/yaml", yaml, &r)
		if code != 200 || !r.Data.DryRun || r.Data.Added != 1 || r.Data.Changed != 1 || r.Data.ImportID != 0 {
			t.Fatalf("dry run: %d %.600s", code, body)
		}
		fields := map[string]string{}
		for _, ch := range r.Data.Changes {
			if ch.Code == "kemiskinan" {
				for _, f := range ch.Fields {
					fields[f.Field] = f.Old + " → " + f.New
				}
			}
		}
		if fields["source"] == "" || fields["progress.thresholds.substantial"] != "– → 0.9" {
			t.Errorf("dry run fields: %v", fields)
		}
		if _, err := st.Indicator(ctx, "rumah_layak"); err == nil {
			t.Fatal("the dry run stored rumah_layak")
		}
		r = catalogReply{}
		if code, body := a.send("POST", "/api/v1/catalog", "application/yaml", yaml, &r); code != 201 || r.Data.ImportID == 0 {
			t.Fatalf("import: %d %.400s", code, body)
		}
		if got, err := st.Indicator(ctx, "kemiskinan"); err != nil || got.ProgressSettings().Thresholds.Substantial != 0.9 {
			t.Errorf("kemiskinan after the import: %+v %v", got.Progress, err)
		}
		revs, err := st.CatalogRevisions(ctx, domain.KindIndicators, "rumah_layak")
		if err != nil || len(revs) != 1 || revs[0].ImportID != r.Data.ImportID {
			t.Errorf("revisions: %+v %v", revs, err)
		}

		// CSV, one kind.
		r = catalogReply{}
		csv := "code;name\nbpbd-banyuasin;BPBD Kabupaten Banyuasin\n"
		if code, body := a.send("POST", "/api/v1/catalog?kind=agencies", "text/csv", csv, &r); code != 201 || r.Data.Added != 1 {
			t.Errorf("CSV: %d %.300s", code, body)
		}
		if code, _ := a.send("POST", "/api/v1/catalog", "text/csv", csv, nil); code != 400 {
			t.Errorf("CSV without kind: %d", code)
		}

		// Refused whole: the unit change and the unknown field, each named,
		// in English when asked; the valid entry beside them is not stored.
		bad := "indicators:\n  - code: kemiskinan\n    name_id: Kemiskinan\n    unit: jiwa\n    polarity: lower\n  - code: baru\n    name_id: Baru\n    unit: persen\n    polarty: higher\n"
		r = catalogReply{}
		code, body = a.send("POST", "/api/v1/catalog?lang=en", "application/yaml", bad, &r)
		if code != 422 || r.Error.Code != "rejected" || len(r.Error.Details.Problems) == 0 {
			t.Fatalf("bad file: %d %.600s", code, body)
		}
		var paths []string
		for _, p := range r.Error.Details.Problems {
			paths = append(paths, p.Path+" "+p.Message)
		}
		if !strings.Contains(strings.Join(paths, "\n"), "polarty") {
			t.Errorf("problems do not name the unknown field: %v", paths)
		}
		if _, err := st.Indicator(ctx, "baru"); err == nil {
			t.Error("a refused file stored an entry")
		}
		bad = "indicators:\n  - code: kemiskinan\n    name_id: Kemiskinan\n    unit: jiwa\n    polarity: lower\n"
		r = catalogReply{}
		if code, _ := a.send("POST", "/api/v1/catalog", "application/yaml", bad, &r); code != 422 || !strings.Contains(r.Error.Message, "jiwa") {
			t.Errorf("unit change: %d %+v", code, r.Error)
		}
		if code, _ := a.send("POST", "/api/v1/catalog", "application/xml", "<x/>", nil); code != 400 {
			t.Errorf("XML body: %d", code)
		}
	})
}
