package store

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"pantau/internal/indicator"
)

// spool keeps an import's validated rows in a temporary file, so that the
// rows can be replayed once without holding a million of them in memory or
// reading the upload twice. The format is private and short-lived: per row,
// length-prefixed strings, a varint year, a varint source line, the value's
// bits and a flag byte.
type spool struct {
	f   *os.File
	w   *bufio.Writer
	n   int
	buf []byte
}

func newSpool() (*spool, error) {
	f, err := os.CreateTemp("", "pantau-import-*.spool")
	if err != nil {
		return nil, fmt.Errorf("store: import: spool: %w", err)
	}
	// Unlinked at once: the file disappears with the process, whatever happens.
	os.Remove(f.Name())
	return &spool{f: f, w: bufio.NewWriterSize(f, 256<<10), buf: make([]byte, 0, 256)}, nil
}

func (s *spool) close() { s.f.Close() }

const (
	spoolBreak = 1 << iota
)

func (s *spool) write(o indicator.Observation) error {
	b := s.buf[:0]
	for _, str := range [...]string{o.IndicatorCode, o.RegionCode, string(o.Disagg), string(o.Status), o.Note} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	b = binary.AppendVarint(b, int64(o.Year))
	b = binary.AppendVarint(b, int64(o.Line))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(o.Value))
	flags := byte(o.Absent) << 1
	if o.Break {
		flags |= spoolBreak
	}
	b = append(b, flags)
	s.buf = b
	s.n++
	_, err := s.w.Write(b)
	return err
}

// replay calls fn for every spooled row, in the order written.
func (s *spool) replay(fn func(indicator.Observation) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("store: import: spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("store: import: spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	var strs [5]string
	// Codes repeat on every row: intern them rather than allocate each time.
	intern := map[string]string{}
	b := make([]byte, 0, 256)
	for i := 0; i < s.n; i++ {
		for j := range strs {
			n, err := binary.ReadUvarint(r)
			if err != nil {
				return fmt.Errorf("store: import: spool: %w", err)
			}
			b = b[:n]
			if uint64(cap(b)) < n {
				b = make([]byte, n)
			}
			if _, err := io.ReadFull(r, b); err != nil {
				return fmt.Errorf("store: import: spool: %w", err)
			}
			if j > 2 && n > 0 {
				strs[j] = string(b)
				continue
			}
			str, ok := intern[string(b)]
			if !ok {
				str = string(b)
				intern[str] = str
			}
			strs[j] = str
		}
		year, err := binary.ReadVarint(r)
		if err != nil {
			return fmt.Errorf("store: import: spool: %w", err)
		}
		line, err := binary.ReadVarint(r)
		if err != nil {
			return fmt.Errorf("store: import: spool: %w", err)
		}
		var v [9]byte
		if _, err := io.ReadFull(r, v[:]); err != nil {
			return fmt.Errorf("store: import: spool: %w", err)
		}
		o := indicator.Observation{
			SeriesKey: indicator.SeriesKey{IndicatorCode: strs[0], RegionCode: strs[1], Disagg: indicator.Disaggregation(strs[2]), Year: int(year)},
			Value:     math.Float64frombits(binary.LittleEndian.Uint64(v[:8])),
			Status:    indicator.Status(strs[3]), Note: strs[4],
			Break: v[8]&spoolBreak != 0, Absent: indicator.Attr(v[8] >> 1), Line: int(line),
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return nil
}
