package httpx

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSpool(t *testing.T) {
	for _, tt := range []struct {
		name   string
		body   string
		inFile bool
	}{
		{"empty", "", false},
		{"under the threshold", "kode;nilai\n", false},
		{"exactly the threshold", strings.Repeat("a", 16), false},
		{"above the threshold", strings.Repeat("ab", 100), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Spool(strings.NewReader(tt.body), 16)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for range 2 { // read, go back, read again
				got, err := io.ReadAll(s)
				if err != nil || string(got) != tt.body {
					t.Fatalf("read %q, %v; want %q", got, err, tt.body)
				}
				s.Seek(0, io.SeekStart)
			}
			if s.Size() != int64(len(tt.body)) || s.InFile() != tt.inFile {
				t.Errorf("size %d in file %v, want %d %v", s.Size(), s.InFile(), len(tt.body), tt.inFile)
			}
		})
	}
	boom := errors.New("deadline")
	for _, n := range []int{4, 40} {
		if _, err := Spool(io.MultiReader(strings.NewReader(strings.Repeat("x", n)), iotest.ErrReader(boom)), 16); !errors.Is(err, boom) {
			t.Errorf("a body failing after %d bytes: %v, want its error", n, err)
		}
	}
}
