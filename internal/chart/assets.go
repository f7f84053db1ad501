package chart

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// EChartsVersion is the ECharts release in package.json; its file is served
// under a name with the version and a content hash so it can be cached
// forever. TestEChartsVersion
// keeps the two in step.
const EChartsVersion = "5.6.0"

// The README keeps the pattern matching when the generated files are absent
// (a plain `go build` without `make assets`).
//
//go:embed assets
var assetFS embed.FS

// StaticFile is an embedded file served under /static/.
type StaticFile struct {
	Body        []byte
	ContentType string
}

// Static is every file served under /static/, by name.
var Static = map[string]StaticFile{}

// Script paths for pages; EChartsURL is empty when the ECharts build was
// not embedded (then pages show tables and say charts are unavailable).
var (
	EChartsURL   string
	BootstrapURL string
	LicenseURL   string
	// UploadURL is the upload page's progress script.
	UploadURL string
	// PickerURL is the region picker's search-as-you-type script.
	PickerURL string
)

func init() {
	if b, err := fs.ReadFile(assetFS, "assets/echarts.min.js"); err == nil && len(b) > 0 {
		// Pantau's own build of the release (echarts/index.js): the
		// content hash tells builds with other parts apart.
		sum := sha256.Sum256(b)
		name := "echarts-" + EChartsVersion + "-" + hex.EncodeToString(sum[:])[:12] + ".min.js"
		Static[name] = StaticFile{b, "text/javascript; charset=utf-8"}
		EChartsURL = "/static/" + name
	}
	if b, err := fs.ReadFile(assetFS, "assets/LICENSE-echarts"); err == nil {
		Static["LICENSE-echarts"] = StaticFile{b, "text/plain; charset=utf-8"}
		LicenseURL = "/static/LICENSE-echarts"
	}
	b, err := fs.ReadFile(assetFS, "assets/pantau-charts.js")
	if err != nil {
		panic("chart: assets/pantau-charts.js is not embedded: " + err.Error())
	}
	// A content hash in the name: a new build gets a new URL, so the file
	// can be cached as immutable like the versioned ECharts.
	sum := sha256.Sum256(b)
	name := "pantau-charts-" + hex.EncodeToString(sum[:])[:12] + ".js"
	Static[name] = StaticFile{b, "text/javascript; charset=utf-8"}
	BootstrapURL = "/static/" + name
	UploadURL = hashedScript("pantau-upload")
	PickerURL = hashedScript("pantau-picker")
}

// hashedScript serves assets/<base>.js under a name carrying its content
// hash (cacheable as immutable) and returns its URL.
func hashedScript(base string) string {
	b, err := fs.ReadFile(assetFS, "assets/"+base+".js")
	if err != nil {
		panic("chart: assets/" + base + ".js is not embedded: " + err.Error())
	}
	sum := sha256.Sum256(b)
	name := base + "-" + hex.EncodeToString(sum[:])[:12] + ".js"
	Static[name] = StaticFile{b, "text/javascript; charset=utf-8"}
	return "/static/" + name
}

// Available reports whether ECharts is embedded, so charts can be drawn.
func Available() bool { return EChartsURL != "" }

// Coded returns the gzip and brotli forms of an embedded file's body, as
// make assets wrote them beside it (X.gz, X.br), or nil when they are
// absent or stale (they do not decode to body: the file changed after
// make assets); the server then codes the file itself, once.
func Coded(body []byte) (gz, br []byte) {
	codedOnce.Do(indexCoded)
	c := coded[sha256.Sum256(body)]
	return c[0], c[1]
}

var (
	codedOnce sync.Once
	coded     = map[[32]byte][2][]byte{}
)

// indexCoded finds the coded forms of the embedded files by the hash of
// the file each decodes to.
func indexCoded() {
	entries, _ := fs.ReadDir(assetFS, "assets")
	for _, e := range entries {
		name := "assets/" + e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br") {
			continue
		}
		plain, err1 := fs.ReadFile(assetFS, name)
		gz, err2 := fs.ReadFile(assetFS, name+".gz")
		br, err3 := fs.ReadFile(assetFS, name+".br")
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		z, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			continue
		}
		if !decodesTo(z, plain) || !decodesTo(brotli.NewReader(bytes.NewReader(br)), plain) {
			continue
		}
		coded[sha256.Sum256(plain)] = [2][]byte{gz, br}
	}
}

func decodesTo(r io.Reader, want []byte) bool {
	got, err := io.ReadAll(r)
	return err == nil && bytes.Equal(got, want)
}
