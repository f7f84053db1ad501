package ingest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"pantau/internal/domain"
)

const (
	benchRegions    = 500
	benchIndicators = 20
	benchYears      = 100 // 500 × 20 × 100 = 1,000,000 rows
)

var (
	benchOnce sync.Once
	benchPath string
	benchCat  *domain.Catalog
	benchErr  error
)

// benchFile writes, once per test binary, a 1,000,000-row long CSV as an
// agency would send it (';', decimal comma, a unit column) and the catalogue
// it refers to: 500 regions (Kemendagri and BPS codes) × 20 indicators.
func benchFile(b *testing.B) (string, *domain.Catalog) {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pantau-ingest-bench")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "long1m.csv")
		var regions []domain.Region
		for i := 0; i < benchRegions; i++ {
			code := fmt.Sprintf("%02d.%02d", 11+i/90, 1+i%90)
			r, err := domain.NewRegion(code, fmt.Sprintf("%02d%02d", 11+i/90, 1+i%90), "Kabupaten "+strconv.Itoa(i))
			if err != nil {
				benchErr = err
				return
			}
			regions = append(regions, r)
		}
		var inds []domain.Indicator
		for j := 0; j < benchIndicators; j++ {
			inds = append(inds, domain.Indicator{Code: fmt.Sprintf("indikator_%02d", j), NameID: "Indikator " + strconv.Itoa(j), Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter})
		}
		benchCat = domain.NewCatalog(inds, regions, nil, nil, nil)
		f, err := os.Create(benchPath)
		if err != nil {
			benchErr = err
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString("kode_wilayah;kode_indikator;tahun;nilai;satuan\n")
		// Series drift slowly, as real ones do: 30,00 down by 0,2 a year.
		for i, r := range regions {
			for j, ind := range inds {
				base := 3000 + (i*7+j*13)%2000
				for y := 0; y < benchYears; y++ {
					v := base - 20*y
					if v < 0 {
						v = -v
					}
					fmt.Fprintf(w, "%s;%s;%d;%d,%02d;persen\n", r.Code, ind.Code, 1961+y, v/100, v%100)
				}
			}
		}
		if err := w.Flush(); err != nil {
			benchErr = err
		}
		if err := f.Close(); err != nil && benchErr == nil {
			benchErr = err
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath, benchCat
}

// BenchmarkReadLong1M measures ReadObservations (parse, validate, emit to a
// sink) against encoding/csv merely reading the same file, in the same run.
// The goal is ingest_rows/s ≥ 0.5 × csv_rows/s, with a heap that does not
// grow with the file: peak_heap_MB is sampled while reading, heap_100k_MB
// after the first 100,000 rows for comparison.
func BenchmarkReadLong1M(b *testing.B) {
	path, cat := benchFile(b)
	rows := benchRegions * benchIndicators * benchYears
	var csvTime, ingestTime time.Duration
	var peak, at100k uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		cr := csv.NewReader(f)
		cr.Comma = ';'
		cr.ReuseRecord = true
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		csvTime += time.Since(start)
		f.Close()
		if n != rows+1 {
			b.Fatalf("csv read %d records", n)
		}

		f, err = os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var ms runtime.MemStats
		emitted := 0
		start = time.Now()
		rep, err := ReadObservations(f, cat, Options{}, func(o domain.Observation) error {
			emitted++
			if emitted%(1<<16) == 0 || emitted == 100_000 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
				if emitted == 100_000 {
					at100k = max(at100k, ms.HeapAlloc)
				}
			}
			return nil
		})
		ingestTime += time.Since(start)
		f.Close()
		if err != nil || rep.Err() != nil || emitted != rows {
			b.Fatalf("ingest: emitted %d, err %v %v", emitted, err, rep.Err())
		}
	}
	csvRate := float64(rows) * float64(b.N) / csvTime.Seconds()
	ingestRate := float64(rows) * float64(b.N) / ingestTime.Seconds()
	b.ReportMetric(csvRate, "csv_rows/s")
	b.ReportMetric(ingestRate, "ingest_rows/s")
	b.ReportMetric(ingestRate/csvRate, "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MB")
	b.ReportMetric(float64(at100k)/(1<<20), "heap_100k_MB")
}
