package chart

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// ShareURL is the script of the sharing tools (copy buttons, PNG and SVG
// export, an embed's height reports), served under a content-hashed name
// and cached as immutable like the bootstrap.
var ShareURL string

// EmbedScript is /static/embed.js, the resizer host pages load from the
// "script" embed code. Its URL is pasted into other sites and cannot
// change, so it is served under a fixed name with a short cache lifetime
// (see the web package), not through Static.
var EmbedScript []byte

func init() {
	b, err := fs.ReadFile(assetFS, "assets/pantau-share.js")
	if err != nil {
		panic("chart: assets/pantau-share.js is not embedded: " + err.Error())
	}
	sum := sha256.Sum256(b)
	name := "pantau-share-" + hex.EncodeToString(sum[:])[:12] + ".js"
	Static[name] = StaticFile{b, "text/javascript; charset=utf-8"}
	ShareURL = "/static/" + name
	if EmbedScript, err = fs.ReadFile(assetFS, "assets/embed.js"); err != nil {
		panic("chart: assets/embed.js is not embedded: " + err.Error())
	}
}
