package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encodings the reader reports in Dialect.Encoding and accepts in
// Options.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
)

// sniffSize is how much of a file the reader looks at before reading it:
// enough for the header and a few dozen rows of any real table.
const sniffSize = 64 << 10

// openText detects the encoding of the stream, strips a byte-order mark and
// returns a reader of UTF-8 text. Files that are not text (an Excel
// workbook, binary junk) are refused here, before any row is read.
func openText(r io.Reader, opts Options, d *Dialect) (*bufio.Reader, error) {
	lang := opts.Lang
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("ingest: read: %w", err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return nil, fileError(lang, "empty")
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		d.BOM, d.Encoding = true, EncodingUTF8
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// Excel's "Unicode Text" export: UTF-16 with a BOM, usually tab-separated.
		d.BOM, d.Encoding = true, EncodingUTF16LE
		if head[0] == 0xFE {
			d.Encoding = EncodingUTF16BE
		}
		dec := unicode.BOMOverride(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
		br = bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize)
		if head, err = br.Peek(sniffSize); err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("ingest: read: %w", err)
		}
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		// An old Excel 97–2003 .xls (a compound document): workbooks
		// (zip) are read before openText is called.
		return nil, fileError(lang, "xls")
	}
	if binary(head) {
		return nil, fileError(lang, "binary")
	}
	enc := strings.ToLower(strings.TrimSpace(opts.Encoding))
	switch enc {
	case "", "auto":
		if d.Encoding == "" {
			d.Encoding = EncodingUTF8
			if !validUTF8Prefix(head) {
				// Not UTF-8: old Excel "CSV (Comma delimited)" writes the
				// Windows ANSI code page, which is Windows-1252 in Indonesia.
				d.Encoding = EncodingWindows1252
			}
		}
	case "utf-8", "utf8":
		d.Encoding = EncodingUTF8
	case "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1", "ansi":
		d.Encoding = EncodingWindows1252
	default:
		return nil, fileError(lang, "encoding", opts.Encoding)
	}
	if d.Encoding == EncodingWindows1252 {
		br = bufio.NewReaderSize(charmap.Windows1252.NewDecoder().Reader(br), sniffSize)
	}
	return br, nil
}

// binary reports whether the head of a file looks like binary data: NUL
// bytes or many control characters, which no CSV export contains.
func binary(head []byte) bool {
	ctl := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f':
			ctl++
		}
	}
	return ctl > 8 && ctl*100 > len(head)
}

// validUTF8Prefix is utf8.Valid allowing a rune cut off at the end of the
// sniffed window.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		r, _ := utf8.DecodeLastRune(b)
		if r != utf8.RuneError {
			return false
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

// sniffDelimiter picks the delimiter that splits the first lines into the
// most consistent number of fields (title lines above a BPS table and
// decimal commas in a ';' file do not fool it). Quotes are respected.
func sniffDelimiter(head []byte) string {
	lines := bytes.Split(head, []byte{'\n'})
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut off
	}
	if len(lines) > 30 {
		lines = lines[:30]
	}
	best, bestFreq, bestFields := ",", -1, 0
	for _, delim := range []byte{',', ';', '\t'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := countFields(l, delim); n > 1 {
				counts[n]++
			}
		}
		freq, fields := 0, 0
		for n, f := range counts {
			if f > freq || f == freq && n > fields {
				freq, fields = f, n
			}
		}
		if freq > bestFreq || freq == bestFreq && fields > bestFields && freq > 0 {
			best, bestFreq, bestFields = string(delim), freq, fields
		}
	}
	return best
}

func countFields(line []byte, delim byte) int {
	n, quoted := 1, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case c == delim && !quoted:
			n++
		}
	}
	return n
}
