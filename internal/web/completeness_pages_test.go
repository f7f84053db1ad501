package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pantau/internal/benchdata"
	"pantau/internal/store"
	"pantau/internal/testdb"
)

// TestCompletenessPages: a regency with the national data set's shape (21
// kecamatan × 50 indicators) has over a thousand rows; the page shows 200
// at a time with links to the others, and its summary counts every cell.
func TestCompletenessPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *store.Store) {
		if _, err := benchdata.LoadNational(context.Background(), st, "16.07"); err != nil {
			t.Fatal(err)
		}
		base, _ := serveStore(t, st)
		status, _, page := fetch(t, base+"/kelengkapan?region=16.07&from=2020&to=2024")
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		m := regexp.MustCompile(`Baris 1–200 dari (\d+)`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no pager: %.2000s", between(page, "<h2>", "<table>"))
		}
		total, _ := strconv.Atoi(m[1])
		if total != 21*benchdata.NationalIndicators {
			t.Errorf("%d rows, want %d", total, 21*benchdata.NationalIndicators)
		}
		if rows := strings.Count(between(page[strings.LastIndex(page, "<tbody>"):], "<tbody>", "</tbody>"), "<tr>"); rows != 200 {
			t.Errorf("%d rows shown", rows)
		}
		if !strings.Contains(page, `halaman=2`) || strings.Contains(page, `rel="prev"`) {
			t.Errorf("first page's links: %s", between(page, `<nav class="pager"`, `</nav>`))
		}
		last := (total + 199) / 200
		_, _, page = fetch(t, base+"/kelengkapan?region=16.07&from=2020&to=2024&halaman="+strconv.Itoa(last))
		if want := "Baris " + strconv.Itoa((last-1)*200+1) + "–" + strconv.Itoa(total) + " dari " + strconv.Itoa(total); !strings.Contains(page, want) ||
			strings.Contains(page, `rel="next"`) || !strings.Contains(page, `rel="prev"`) {
			t.Errorf("last page lacks %q: %s", want, between(page, `<nav class="pager"`, `</nav>`))
		}
	})
}
