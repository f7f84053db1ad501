package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestInternalFailureInPageLanguage: a failure of our own (here the
// database closed under the running server) is told in the page's
// language, on a public page, the completeness page and the upload pages:
// never the domain's English "internal error" on an Indonesian page.
func TestInternalFailureInPageLanguage(t *testing.T) {
	uploadServers(t, func(t *testing.T, srv uploadServer) {
		pc := pageClient{t: t, base: srv.base}
		token := map[string]string{"token": srv.bps}
		good := []byte("kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2024;0,47\n")
		wide := []byte("kode_wilayah;nama_wilayah;2023;2024\n16.07;Kab. Banyu Asin;0,56;0,47\n")
		words := map[string]string{"": "Terjadi kesalahan di server", "en": "Something went wrong on the server"}
		// Files checked while the database still answers, one to store
		// and one whose indicator is still to choose, for each language.
		toStore, toChoose := map[string]string{}, map[string]string{}
		for l := range words {
			q := "?lang=" + l
			status, html := pc.file("/unggah"+q, "data.csv", good, token)
			m := pendingID.FindStringSubmatch(html)
			if status != 200 || m == nil {
				t.Fatalf("preview %q: %d\n%s", l, status, html)
			}
			toStore[l] = m[1]
			status, html = pc.file("/unggah"+q, "tabel-bps.csv", wide, token)
			if m = pendingID.FindStringSubmatch(html); status != 422 || m == nil {
				t.Fatalf("wide table %q: %d\n%s", l, status, html)
			}
			toChoose[l] = m[1]
		}
		if err := srv.st.Close(); err != nil {
			t.Fatal(err)
		}
		for l, want := range words {
			q := "?lang=" + l
			pages := map[string]func() (int, string){
				"completeness": func() (int, string) { return pc.do("GET", "/kelengkapan"+q, nil, "") },
				"indicator":    func() (int, string) { return pc.do("GET", "/i/kemiskinan_ekstrem"+q+"&region=16.07", nil, "") },
				"store upload": func() (int, string) { return pc.form("/unggah/simpan"+q, url.Values{"pending": {toStore[l]}}) },
				"choose indicator": func() (int, string) {
					return pc.form("/unggah/indikator"+q, url.Values{"pending": {toChoose[l]}, "indicator": {"kemiskinan_ekstrem"}})
				},
			}
			for name, get := range pages {
				status, html := get()
				if status != 500 || !strings.Contains(html, want) || strings.Contains(html, "internal error") {
					t.Errorf("%s (lang=%q): %d, want 500 saying %q\n%.2000s", name, l, status, want, html)
				}
			}
		}
	})
}
