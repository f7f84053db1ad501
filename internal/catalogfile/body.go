package catalogfile

import (
	"io"

	"pantau/internal/locale"
)

// ReadCSV reads one kind's CSV catalogue from r (a request body); name is
// the file name problems give, and says the kind as a file's name does
// (indicators.csv).
func ReadCSV(r io.Reader, name string, lang locale.Lang) (*Catalogue, error) {
	if _, ok := csvKind(name); !ok {
		return nil, Problems{{Pos: Pos{File: name}, Code: CodeUnknownFile, Message: text(lang, CodeUnknownFile, name)}}
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	c, probs := readCSV(name, b, lang)
	if len(probs) > 0 {
		return nil, probs
	}
	sortRegions(c.Regions)
	return c, nil
}
