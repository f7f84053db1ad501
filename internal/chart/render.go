package chart

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"pantau/internal/locale"
)

//go:embed templates/chart.html
var templateFS embed.FS

var chartTemplate = template.Must(template.ParseFS(templateFS, "templates/chart.html"))

// Nonce returns a fresh CSP nonce: 128 random bits, base64. Pages make one
// per request and send it in the Content-Security-Policy header. The
// URL-safe alphabet needs no escaping in an HTML attribute.
func Nonce() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("chart: no randomness for a CSP nonce: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Render writes a chart as HTML: a container ECharts draws into, the option
// as JSON in a non-executable <script type="application/json"> block, the
// caption, and the data table in a <details> element (open when charts are
// unavailable). The block carries no CSP nonce: it is data, never run, so
// script-src does not govern it, and without a per-request value in it a
// page's bytes are the same for every reader and can be cached coded
// (httpx.PageCache).
//
// This replaces go-echarts' Render, which is unsafe for data from uploads
// (see the package comment). json.Marshal escapes <, > and & as \u003c,
// \u003e and \u0026, and U+2028/U+2029, so no string in the option can end
// the block or start markup; the bootstrap script reads the block with
// JSON.parse and evaluates nothing in it.
func Render(c Chart, lang locale.Lang) (template.HTML, error) {
	opt, err := json.Marshal(c.Option)
	if err != nil {
		return "", errorf("render %s: %w", c.ID, err)
	}
	height := c.Height
	if height == 0 {
		height = 320
	}
	var buf bytes.Buffer
	err = chartTemplate.Execute(&buf, map[string]any{
		"ID": c.ID, "Caption": c.Caption, "Table": c.Table, "Style": canvasStyle(height, c.BandHeights),
		"Available": Available(),
		// Safe as template.JS: encoding/json output, escaped as above.
		"Option":      template.JS(opt),
		"DataTable":   lang.Get("chart.dataTable"),
		"Unavailable": lang.Get("chart.unavailable"),
		"NoScript":    lang.Get("chart.noScript"),
		"Failed":      lang.Get("chart.failed"),
	})
	if err != nil {
		return "", errorf("render %s: %w", c.ID, err)
	}
	return template.HTML(buf.String()), nil
}

// canvasStyle is the chart container's style: its height, or with heights
// per band of widths the properties the style sheets' container queries
// choose from (--h for the widest band, --h<width> for each narrower one).
func canvasStyle(height int, bands []int) template.CSS {
	if len(bands) == 0 {
		return template.CSS("height:" + strconv.Itoa(height) + "px")
	}
	var b strings.Builder
	for i, h := range bands {
		if i == 0 {
			b.WriteString("--h:")
		} else {
			b.WriteString(";--h" + strconv.Itoa(legendBands[i]) + ":")
		}
		b.WriteString(strconv.Itoa(h) + "px")
	}
	// Safe as template.CSS: digits, names and punctuation of our own.
	return template.CSS(b.String())
}

// HeightCSS is the style sheet rules that give a chart container written
// with heights per band (canvasStyle) the height of the band its figure's
// width falls in. Container queries are evaluated before the first paint,
// so the chart's room is right before the chart is drawn. Pages and embeds
// include the rules in their style sheets.
func HeightCSS() template.CSS {
	var b strings.Builder
	b.WriteString("figure.chart{container-type:inline-size}\n.chart-canvas{height:var(--h)}\n")
	for i := 1; i < len(legendBands); i++ {
		w := strconv.Itoa(legendBands[i])
		fmt.Fprintf(&b, "@container (max-width:%d.98px){.chart-canvas{height:var(--h%s,var(--h))}}\n", legendBands[i-1]-1, w)
	}
	return template.CSS(b.String())
}
