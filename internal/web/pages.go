package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"pantau/internal/chart"
)

var templateFuncs = template.FuncMap{
	// rowsData and verdictData pass a part of a page to a sub-template
	// together with the page's language, texts and region.
	"rowsData": func(page map[string]any, rows any) map[string]any {
		return map[string]any{"T": page["T"], "Lang": page["Lang"], "Region": page["Region"], "Rows": rows}
	},
	"verdictData": func(page map[string]any, v any) map[string]any {
		return map[string]any{"T": page["T"], "Lang": page["Lang"], "V": v}
	},
}

// lang picks the page language: ?lang= first, then Accept-Language;
// Indonesian by default.
func lang(c *gin.Context) string {
	switch c.Query("lang") {
	case "en":
		return "en"
	case "id":
		return "id"
	}
	for _, part := range strings.Split(c.GetHeader("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "id"):
			return "id"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "id"
}

// theme is ?theme=light|dark; anything else follows the system setting.
func theme(c *gin.Context) string {
	switch t := c.Query("theme"); t {
	case "light", "dark":
		return t
	}
	return ""
}

// pageURLWith returns the request's path and query with key set to value
// (removed when value is empty), for language, theme and selector links.
func pageURLWith(c *gin.Context, key, value string) string {
	q := c.Request.URL.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u := url.URL{Path: c.Request.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// contentSecurityPolicy allows scripts only from this server and inline
// scripts carrying the request's nonce. Styles may be inline: ECharts'
// tooltips and SVG output use style attributes.
func contentSecurityPolicy(nonce string) string {
	return "default-src 'none'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// render writes a page template with the language's texts, a fresh CSP
// nonce and the script URLs. data["Nonce"] may already hold the nonce the
// page's charts were rendered with.
func (s *Server) render(c *gin.Context, status int, name string, data map[string]any) {
	l := lang(c)
	nonce, _ := data["Nonce"].(string)
	if nonce == "" {
		nonce = chart.Nonce()
		data["Nonce"] = nonce
	}
	data["Lang"] = l
	data["T"] = texts[l]
	data["Theme"] = theme(c)
	data["OtherLangURL"] = pageURLWith(c, "lang", texts[l]["otherLang"])
	data["LightURL"] = pageURLWith(c, "theme", "light")
	data["DarkURL"] = pageURLWith(c, "theme", "dark")
	data["AutoURL"] = pageURLWith(c, "theme", "")
	data["EChartsURL"] = chart.EChartsURL
	data["BootstrapURL"] = chart.BootstrapURL
	data["LicenseURL"] = chart.LicenseURL
	data["Dashboards"] = s.dashboards
	data["Share"] = share{s: s, c: c} // embed dialogs and oEmbed discovery (share.go)
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Language", l)
	c.Header("Vary", "Accept-Language")
	c.Header("Content-Security-Policy", contentSecurityPolicy(nonce))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
	c.Status(status)
	if err := s.pages.ExecuteTemplate(c.Writer, name, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
	}
}

// pageError answers a page request with an HTML error page: the user-safe
// message for known error kinds, a generic one (and a log line) otherwise.
func (s *Server) pageError(c *gin.Context, err error) {
	status, _ := statusOf(err)
	msg := texts[lang(c)]["errorInternal"]
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("page failed", "path", c.Request.URL.Path, "err", err)
	case http.StatusNotFound:
		msg = texts[lang(c)]["errorNotFound"]
	default:
		msg = texts[lang(c)]["errorBadRequest"]
	}
	s.render(c, status, "error.html", map[string]any{"Message": msg})
	c.Abort()
}

func (s *Server) indexPage(c *gin.Context) {
	inds, err := s.store.Indicators(c.Request.Context())
	if err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, http.StatusOK, "index.html", map[string]any{"Indicators": inds, "HomeRegion": s.homeRegion()})
}

// homeRegion is the region indicator links open on: the instance's home
// region as `pantau init` (or the demo) stored it; for a database prepared
// before there was one, the first dashboard's.
func (s *Server) homeRegion() string {
	if home, err := s.store.HomeRegion(context.Background()); err == nil {
		return home
	}
	if len(s.dashboards) > 0 {
		return s.dashboards[0].Region
	}
	return "ID"
}

// texts are the page strings per language.
var texts = map[string]map[string]string{
	"id": {
		"title": "Pantau — indikator pembangunan daerah", "indicators": "Indikator", "code": "Kode", "name": "Nama",
		"unit": "Satuan", "source": "Sumber", "empty": "Belum ada indikator.", "api": "API JSON", "other": "English",
		"otherLang": "en", "tagline": "Memantau indikator pembangunan daerah terhadap target RPJMD dan RPJMN 2025–2029.",
		"dashboards": "Dasbor", "home": "Beranda", "region": "Wilayah", "year": "Tahun", "latestYear": "terbaru",
		"show": "Tampilkan", "illustrative": "data contoh / illustrative",
		"illustrativeNote":  "Sebagian data di halaman ini adalah data contoh (ilustratif): nilai kecamatan dan target RPJMD kabupaten tidak dipublikasikan dan dibuat untuk demo.",
		"previewBanner":     "Pratinjau pengajuan #%d (belum terbit): %d nilai yang diajukan untuk indikator dan wilayah ini dimasukkan ke grafik, penilaian dan tabel seri di bawah. Publik belum melihatnya; unduhan dan perbandingan kecamatan masih data terbit.",
		"previewBack":       "Kembali ke tinjauan",
		"chartsUnavailable": "Grafik tidak tersedia di server ini (berkas ECharts tidak disertakan); data ditampilkan sebagai tabel.",
		"theme":             "Tema", "light": "terang", "dark": "gelap", "auto": "otomatis",
		"latest": "Terbaru", "target": "Target", "capaian": "Capaian", "status": "Status (metode SDG)", "anticipated": "Proyeksi (ESCAP)",
		"explain": "Penjelasan", "change": "Perubahan", "noData": "Belum ada data untuk panel ini.",
		"fullPage": "Halaman indikator", "definition": "Definisi", "polarity": "Arah baik", "frequency": "Frekuensi",
		"sdg": "Kode SDG", "metadata": "Metadata", "progress": "Kemajuan terhadap target", "method": "Metode",
		"history": "Riwayat revisi", "noRevisions": "Belum ada nilai yang direvisi.", "download": "Unduh data",
		"plan": "Rencana", "targetYear": "Tahun target", "requiredChange": "Perubahan per tahun yang dibutuhkan",
		"changedAt": "Diubah", "changedBy": "Oleh", "oldValue": "Nilai lama", "newValue": "Nilai baru", "upload": "Unggahan",
		"capaianTitle": "Capaian per tahun", "realisasi": "Realisasi", "breakdown": "Menurut kelompok",
		"higher": "makin tinggi makin baik", "lower": "makin rendah makin baik", "band": "dalam rentang", "neutral": "tanpa arah",
		"inputs": "Masukan perhitungan", "formula": "Rumus", "baseYear": "Tahun dasar", "ratio": "Rasio", "yearsUsed": "Tahun yang dipakai",
		"fallback": "Penyimpangan dari metode baku", "otherTargets": "Target lain", "csvScope": "wilayah ini dan wilayah di bawahnya", "ecLicense": "Lisensi ECharts",
		"errorNotFound": "Halaman atau data yang diminta tidak ditemukan.", "errorBadRequest": "Permintaan tidak valid.",
		"errorInternal": "Terjadi kesalahan di server.", "errorTitle": "Kesalahan",
		"noscript": "Grafik memerlukan JavaScript; semua data tersedia dalam tabel.",
	},
	"en": {
		"title": "Pantau — regional development indicators", "indicators": "Indicators", "code": "Code", "name": "Name",
		"unit": "Unit", "source": "Source", "empty": "No indicators yet.", "api": "JSON API", "other": "Bahasa Indonesia",
		"otherLang": "id", "tagline": "Tracking regional development indicators against the 2025–2029 RPJMD and RPJMN targets.",
		"dashboards": "Dashboards", "home": "Home", "region": "Region", "year": "Year", "latestYear": "latest",
		"show": "Show", "illustrative": "data contoh / illustrative",
		"illustrativeNote":  "Some data on this page is illustrative: district values and the regency's RPJMD targets are not published and were generated for the demo.",
		"previewBanner":     "Preview of submission #%d (not published): %d submitted values for this indicator and region are put into the series chart, assessments and tables below. The public does not see them; downloads and the district comparison still show published data.",
		"previewBack":       "Back to the review",
		"chartsUnavailable": "Charts are unavailable on this server (the ECharts file was not included); the data is shown as tables.",
		"theme":             "Theme", "light": "light", "dark": "dark", "auto": "auto",
		"latest": "Latest", "target": "Target", "capaian": "Achievement (capaian)", "status": "Status (SDG method)", "anticipated": "Projection (ESCAP)",
		"explain": "Explanation", "change": "Change", "noData": "No data for this panel yet.",
		"fullPage": "Indicator page", "definition": "Definition", "polarity": "Good direction", "frequency": "Frequency",
		"sdg": "SDG code", "metadata": "Metadata", "progress": "Progress towards targets", "method": "Method",
		"history": "Revision history", "noRevisions": "No value has been revised yet.", "download": "Download data",
		"plan": "Plan", "targetYear": "Target year", "requiredChange": "Required change per year",
		"changedAt": "Changed", "changedBy": "By", "oldValue": "Old value", "newValue": "New value", "upload": "Upload",
		"capaianTitle": "Achievement per year", "realisasi": "Observed", "breakdown": "By group",
		"higher": "higher is better", "lower": "lower is better", "band": "within a band", "neutral": "no good direction",
		"inputs": "Inputs", "formula": "Formula", "baseYear": "Base year", "ratio": "Ratio", "yearsUsed": "Years used",
		"fallback": "Departure from the standard method", "otherTargets": "Other targets", "csvScope": "this region and the regions below it", "ecLicense": "ECharts licence",
		"errorNotFound": "The page or data you asked for was not found.", "errorBadRequest": "The request is not valid.",
		"errorInternal": "Something went wrong on the server.", "errorTitle": "Error",
		"noscript": "Charts need JavaScript; all the data is in the tables.",
	},
}
