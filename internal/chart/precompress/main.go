// Command precompress writes X.br and X.gz beside every file X of a
// directory worth compressing (make assets runs it on
// internal/chart/assets), at the densest levels, once at build time: the
// server embeds them and sends them as they are to clients that accept
// brotli or gzip, instead of compressing the same script on every request.
// A file whose coded forms are newer than it is skipped.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"

	"pantau/internal/httpx"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".md") || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		info, err := e.Info()
		if err != nil {
			return err
		}
		if info.Size() < httpx.MinCompressSize {
			continue // served plain (httpx.Variants)
		}
		if fresh(path+".br", info) && fresh(path+".gz", info) {
			continue
		}
		plain, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var br, gz bytes.Buffer
		if err := code(brotli.NewWriterLevel(&br, brotli.BestCompression), plain); err != nil {
			return fmt.Errorf("%s: brotli: %w", path, err)
		}
		z, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		if err := code(z, plain); err != nil {
			return fmt.Errorf("%s: gzip: %w", path, err)
		}
		if err := os.WriteFile(path+".br", br.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(path+".gz", gz.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %d bytes, gzip %d, brotli %d\n", path, len(plain), gz.Len(), br.Len())
	}
	return nil
}

func code(w io.WriteCloser, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Close()
}

// fresh reports whether coded exists and is newer than the source.
func fresh(coded string, source os.FileInfo) bool {
	info, err := os.Stat(coded)
	return err == nil && info.ModTime().After(source.ModTime())
}
