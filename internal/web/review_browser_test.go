package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/web"
)

// TestReviewBrowser loads the review pages and a previewed indicator page
// in headless Chromium as a logged-in planner and checks them as TestBrowser
// checks public pages: the charts are drawn, nothing is logged to the
// console, nothing is requested off the server. Chromium is given the
// session through a loopback proxy that adds the cookie, since a headless
// browser takes no cookie on its command line. Screenshots go to
// PANTAU_SCREENSHOTS like TestBrowser's.
func TestReviewBrowser(t *testing.T) {
	bin := browser(t)
	ctx := context.Background()
	st := openDemo(t, "sqlite")
	base, _ := serveStore(t, st, web.Options{RequireReview: true})
	u, err := st.CreateUser(ctx, domain.User{Email: "perencana@bappeda.id", Role: domain.RolePlanner}, "kata-sandi-panjang")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := st.CreateSession(ctx, u.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(ctx, st, strings.NewReader(povertyHeader+"16.07;kemiskinan_ekstrem;2024;0,44\n16.07;kemiskinan_ekstrem;2025;0,38\n"),
		importer.Request{Review: true, Agency: "bps-banyuasin", Upload: domain.Upload{Filename: "kemiskinan-ekstrem-2025.csv", AgencyCode: "bps-banyuasin", CreatedBy: "token:1:bps-banyuasin"}})
	if err != nil || res.Submission == nil {
		t.Fatalf("submit: %v", err)
	}
	target, _ := url.Parse(base)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
		r.Out.Header.Set("Cookie", "pantau_session="+secret)
	}})
	t.Cleanup(proxy.Close)

	dir := os.Getenv("PANTAU_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if dir = filepath.Join(dir, t.Name()); os.MkdirAll(dir, 0o755) != nil {
		t.Fatal("cannot make the screenshot folder")
	}
	id := res.Submission.ID
	preview := fmt.Sprintf("/i/kemiskinan_ekstrem?region=16.07&pratinjau=%d&lang=id", id)
	b := newCDPBrowser(t, bin)
	b.viewport("1280,900")
	for path, want := range map[string][]string{
		"/tinjau?lang=id":                     {fmt.Sprintf(`href="/tinjau/%d"`, id), "kemiskinan-ekstrem-2025.csv"},
		fmt.Sprintf("/tinjau/%d?lang=id", id): {"0,49 → <strong>0,44</strong>", "0,38</strong> (baru)", "pratinjau="},
		fmt.Sprintf("/tinjau/%d?lang=en", id): {"What publishing it now would change"},
		preview:                               {fmt.Sprintf("#%d", id), "0,44%", "0,38%"},
	} {
		dom := chromiumPage(t, bin, proxy.URL, path, "--window-size=1280,900", "--dump-dom")
		for _, w := range want {
			if !strings.Contains(dom, w) {
				t.Errorf("%s: the page lacks %q", path, w)
			}
		}
		if strings.HasPrefix(path, "/i/") {
			// The console and the requests above on the page as loaded, the
			// drawing here once the charts have been drawn.
			b.open(proxy.URL + path)
			dom := b.drawnDOM(path)
			want := len(chartDivs.FindAllString(dom, -1))
			if drawn := drawnChart.FindAllStringSubmatch(dom, -1); want == 0 || len(drawn) != want {
				t.Errorf("%s: ECharts drew %d of %d charts", path, len(drawn), want)
			}
		}
	}
	screenshots(b, proxy.URL, dir, map[string]shot{
		"review-list-desktop.png": {"/tinjau?lang=id", "1280,900"},
		"review-desktop.png":      {fmt.Sprintf("/tinjau/%d?lang=id", id), "1280,1000"},
		"review-phone.png":        {fmt.Sprintf("/tinjau/%d?lang=id", id), "390,1400"},
		"preview-desktop.png":     {preview, "1280,900"},
	})
	t.Logf("screenshots in %s", dir)
}
