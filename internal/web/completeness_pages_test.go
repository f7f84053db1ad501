package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pantau/internal/benchdata"
	"pantau/internal/completeness"
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
		completenessAPIPages(t, base, total)
	})
}

// completenessMatrixPage is what a test reads of /api/v1/completeness.
type completenessMatrixPage struct {
	Data struct {
		Counts   completeness.Counts `json:"counts"`
		Rows     []completeness.Row  `json:"rows"`
		Total    int                 `json:"total_rows"`
		Agencies []completeness.AgencySummary
	} `json:"data"`
	NextURL *string `json:"next_url"`
}

// completenessAPIPages: the API's pages (default 200 rows) give every row
// exactly once, in the order of the whole matrix, each page with the counts
// and summaries of them all; those are the sums of the rows' counts and of
// the cells the CSV lists.
func completenessAPIPages(t *testing.T, base string, total int) {
	var whole, first completenessMatrixPage
	if code := get(t, base+"/api/v1/completeness?region=16.07&from=2020&to=2024&limit=10000", &whole); code != 200 || whole.NextURL != nil {
		t.Fatalf("unpaged: %d, next %v", code, whole.NextURL)
	}
	if len(whole.Data.Rows) != total || whole.Data.Total != total {
		t.Fatalf("unpaged: %d rows of %d, want %d", len(whole.Data.Rows), whole.Data.Total, total)
	}
	if get(t, base+"/api/v1/completeness?region=16.07&from=2020&to=2024", &first); len(first.Data.Rows) != 200 || first.NextURL == nil {
		t.Errorf("default page: %d rows, next %v", len(first.Data.Rows), first.NextURL)
	}
	var sum completeness.Counts
	agencies := map[string]completeness.Counts{}
	for _, r := range whole.Data.Rows {
		sum.Present, sum.Preliminary, sum.Missing, sum.Overdue, sum.Cells = sum.Present+r.Counts.Present, sum.Preliminary+r.Counts.Preliminary,
			sum.Missing+r.Counts.Missing, sum.Overdue+r.Counts.Overdue, sum.Cells+r.Counts.Cells
		a := agencies[r.Agency]
		a.Present, a.Cells = a.Present+r.Counts.Present+r.Counts.Preliminary, a.Cells+r.Counts.Cells
		agencies[r.Agency] = a
	}
	got := whole.Data.Counts
	if sum.Percent = got.Percent; got != sum || got.Cells != total*5 {
		t.Errorf("counts %+v, rows sum to %+v", got, sum)
	}
	for _, a := range whole.Data.Agencies {
		if w := agencies[a.Code]; a.Counts.Present+a.Counts.Preliminary != w.Present || a.Counts.Cells != w.Cells {
			t.Errorf("agency %s: %+v, rows sum to %+v", a.Code, a.Counts, w)
		}
	}
	_, _, csv := fetch(t, base+"/api/v1/completeness?region=16.07&from=2020&to=2024&format=csv")
	cells := completeness.Counts{Present: strings.Count(csv, ";present\n"), Preliminary: strings.Count(csv, ";preliminary\n"),
		Missing: strings.Count(csv, ";missing\n"), Overdue: strings.Count(csv, ";overdue\n"), Cells: strings.Count(csv, "\n") - 1, Percent: sum.Percent}
	if cells != sum {
		t.Errorf("the csv's cells %+v, counts %+v", cells, sum)
	}
	seen := map[string]bool{}
	i := 0
	url := base + "/api/v1/completeness?region=16.07&from=2020&to=2024&limit=97"
	for pages := 0; url != ""; pages++ {
		var p completenessMatrixPage
		if code := get(t, url, &p); code != 200 || pages > total/97+1 {
			t.Fatalf("page %d: %d", pages, code)
		}
		if p.Data.Counts != whole.Data.Counts || len(p.Data.Agencies) != len(whole.Data.Agencies) || p.Data.Total != total {
			t.Errorf("page %d: counts %+v of %d rows, want %+v of %d", pages, p.Data.Counts, p.Data.Total, whole.Data.Counts, total)
		}
		for _, r := range p.Data.Rows {
			k := r.Region + " " + r.Indicator
			if seen[k] || i >= total || whole.Data.Rows[i].Region+" "+whole.Data.Rows[i].Indicator != k || len(r.Cells) != 5 {
				t.Fatalf("page %d: row %d is %s (seen %v), want %s", pages, i, k, seen[k], whole.Data.Rows[min(i, total-1)].Region+" "+whole.Data.Rows[min(i, total-1)].Indicator)
			}
			seen[k] = true
			i++
		}
		url = ""
		if p.NextURL != nil {
			url = base + *p.NextURL
		}
	}
	if i != total {
		t.Errorf("pages gave %d rows, want %d", i, total)
	}
	for _, bad := range []string{"limit=0", "limit=10001", "cursor=x"} {
		if code, _, _ := fetch(t, base+"/api/v1/completeness?region=16.07&"+bad); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}
