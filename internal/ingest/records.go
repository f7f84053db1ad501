package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// records is a source of rows for the reader: a CSV file's records or a
// workbook sheet's rows.
type records interface {
	// Read returns the next row, io.EOF at the end.
	Read() ([]string, error)
	// Line is the line (a sheet's row) on which the last row started.
	Line() int
}

// recordReader splits CSV records as encoding/csv does (RFC 4180, with
// FieldsPerRecord = -1 and strict quotes), reporting the same
// *csv.ParseError values, but takes a fast path for the usual line without
// quotes: one string per line and a split on the delimiter. It is what lets
// parsing plus validation keep up with encoding/csv merely reading a file;
// FuzzRecordReader checks it against encoding/csv.
type recordReader struct {
	br      *bufio.Reader
	comma   byte
	line    int // lines consumed so far
	recLine int // line on which the last record started
	fields  []string
	long    []byte // a line longer than the buffer, assembled
	rec     []byte // a quoted record, unquoted
	ends    []int
}

func newRecordReader(br *bufio.Reader, comma byte) *recordReader {
	return &recordReader{br: br, comma: comma}
}

// readLine returns the next line without its "\n" or "\r\n" (encoding/csv
// turns "\r\n" into "\n" and drops a final "\r" at the end of the file).
func (r *recordReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if len(line) > 0 && err == io.EOF {
		err = nil
		if line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
	}
	if err != nil {
		return nil, err
	}
	r.line++
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
		if n > 0 && line[n-1] == '\r' {
			n--
		}
	}
	return line[:n], nil
}

// Line is the line on which the last record started.
func (r *recordReader) Line() int { return r.recLine }

// Read returns the next record; the slice is reused by the next call, the
// strings are not.
func (r *recordReader) Read() ([]string, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			continue // encoding/csv skips empty lines
		}
		r.recLine = r.line
		if bytes.IndexByte(line, '"') >= 0 {
			return r.readQuoted(line)
		}
		s := string(line)
		f := r.fields[:0]
		for {
			i := indexByteString(s, r.comma)
			if i < 0 {
				break
			}
			f = append(f, s[:i])
			s = s[i+1:]
		}
		r.fields = append(f, s)
		return r.fields, nil
	}
}

func indexByteString(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// readQuoted parses a record with quotes, which may span lines.
func (r *recordReader) readQuoted(line []byte) ([]string, error) {
	rec, ends := r.rec[:0], r.ends[:0]
	full := line // for columns in errors
	col := 0     // byte offset of line within full
	perr := func(at int, err error) error {
		return &csv.ParseError{StartLine: r.recLine, Line: r.line, Column: col + at + 1, Err: err}
	}
parse:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, r.comma)
			field := line
			if i >= 0 {
				field = line[:i]
			}
			if j := bytes.IndexByte(field, '"'); j >= 0 {
				return nil, perr(j, csv.ErrBareQuote)
			}
			rec = append(rec, field...)
			ends = append(ends, len(rec))
			if i < 0 {
				break parse
			}
			line, col = line[i+1:], col+i+1
			continue
		}
		// A quoted field.
		line, col = line[1:], col+1
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				rec = append(rec, line[:i]...)
				line, col = line[i+1:], col+i+1
				switch {
				case len(line) > 0 && line[0] == '"':
					rec = append(rec, '"')
					line, col = line[1:], col+1
				case len(line) > 0 && line[0] == r.comma:
					line, col = line[1:], col+1
					ends = append(ends, len(rec))
					continue parse
				case len(line) == 0:
					ends = append(ends, len(rec))
					break parse
				default:
					return nil, perr(0, csv.ErrQuote)
				}
			default:
				// The field goes on past the end of the line.
				rec = append(rec, line...)
				rec = append(rec, '\n')
				next, err := r.readLineRaw()
				if err != nil {
					return nil, &csv.ParseError{StartLine: r.recLine, Line: r.line, Column: col + len(line) + 1, Err: csv.ErrQuote}
				}
				line, col, full = next, 0, next
			}
		}
	}
	_ = full
	r.rec, r.ends = rec, ends
	s := string(rec)
	f := r.fields[:0]
	prev := 0
	for _, e := range ends {
		f = append(f, s[prev:e])
		prev = e
	}
	r.fields = f
	return f, nil
}

// readLineRaw is readLine for the continuation of a quoted field, where an
// empty line is part of the field.
func (r *recordReader) readLineRaw() ([]byte, error) {
	return r.readLine()
}
