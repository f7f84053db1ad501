package httpx

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Spooled is a request body received whole before anything is done with
// it: in memory when small, in an unlinked temporary file when not. An
// upload is spooled so that a slow sender costs only its own connection:
// nothing (no transaction, no lock) waits on the network.
type Spooled struct {
	io.ReadSeeker
	f    *os.File
	size int64
}

// Spool reads r to its end: up to inMemory bytes stay in memory, a larger
// body goes to a temporary file. A read error (the body's size limit, its
// read deadline) is returned as it is, and nothing is kept.
func Spool(r io.Reader, inMemory int64) (*Spooled, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, inMemory+1))
	if err != nil {
		return nil, err
	}
	if n <= inMemory {
		return &Spooled{ReadSeeker: bytes.NewReader(buf.Bytes()), size: n}, nil
	}
	f, err := os.CreateTemp("", "pantau-spool-*")
	if err != nil {
		return nil, fmt.Errorf("httpx: spool: %w", err)
	}
	// Unlinked at once: the file goes when it is closed, or when the
	// process dies.
	os.Remove(f.Name())
	if _, err := buf.WriteTo(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("httpx: spool: %w", err)
	}
	rest, err := io.Copy(f, r)
	if err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("httpx: spool: %w", err)
	}
	return &Spooled{ReadSeeker: f, f: f, size: n + rest}, nil
}

// Size is the body's length in bytes.
func (s *Spooled) Size() int64 { return s.size }

// InFile reports whether the body went to a temporary file.
func (s *Spooled) InFile() bool { return s.f != nil }

// Close lets the body go (and its file, if any).
func (s *Spooled) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}
