// Package benchdata is the million-observation data set the import and
// export benchmarks share, so that both measure the same rows: 40 provinces
// × 50 regencies × 50 indicators × 10 years.
package benchdata

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// The data set's shape.
const (
	Provinces  = 40
	Regencies  = 50
	Indicators = 50
	Years      = 10
	FirstYear  = 2015
	Rows       = Provinces * Regencies * Indicators * Years
)

// RegionCodes are the regencies' Kemendagri codes, in key order.
func RegionCodes() []string {
	out := make([]string, 0, Provinces*Regencies)
	for p := 11; p < 11+Provinces; p++ {
		for r := 1; r <= Regencies; r++ {
			out = append(out, fmt.Sprintf("%02d.%02d", p, r))
		}
	}
	return out
}

// IndicatorCode is the code of the i-th indicator.
func IndicatorCode(i int) string { return fmt.Sprintf("ind%02d", i) }

// PutCatalog stores the regions (nation, provinces, regencies) and the
// indicators the rows refer to.
func PutCatalog(ctx context.Context, st *store.Store) error {
	regions := []domain.Region{{Code: domain.NationalCode, Name: "Indonesia", Level: domain.LevelNational}}
	for p := 11; p < 11+Provinces; p++ {
		r, err := domain.NewRegion(strconv.Itoa(p), "", fmt.Sprintf("Provinsi %d", p))
		if err != nil {
			return err
		}
		regions = append(regions, r)
	}
	for _, code := range RegionCodes() {
		r, err := domain.NewRegion(code, "", "Kabupaten "+code)
		if err != nil {
			return err
		}
		regions = append(regions, r)
	}
	if err := st.PutRegions(ctx, regions...); err != nil {
		return err
	}
	for i := 0; i < Indicators; i++ {
		if err := st.PutIndicator(ctx, domain.Indicator{Code: IndicatorCode(i), NameID: fmt.Sprintf("Indikator %d", i),
			Unit: domain.UnitPercent, Polarity: domain.LowerIsBetter, Decimals: 2, Source: "benchmark"}); err != nil {
			return err
		}
	}
	return nil
}

// EachRow calls fn for every row in key order; shift changes every value
// (a re-import of revised figures).
func EachRow(shift float64, fn func(ind, region string, year int, v float64) error) error {
	codes := RegionCodes()
	for i := 0; i < Indicators; i++ {
		ind := IndicatorCode(i)
		for ri, region := range codes {
			for y := 0; y < Years; y++ {
				if err := fn(ind, region, FirstYear+y, float64((i*7+ri*3+y)%9000)/100+shift); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// WriteCSV writes the first n rows (every row when n < 0) as an agency
// sends them: long format, ';' between cells, a decimal comma; shift is
// EachRow's.
func WriteCSV(w io.Writer, n int, shift float64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("kode_wilayah;kode_indikator;tahun;nilai\n")
	written := 0
	err := EachRow(shift, func(ind, region string, year int, v float64) error {
		if written == n {
			return errEnough
		}
		written++
		_, err := fmt.Fprintf(bw, "%s;%s;%d;%s\n", region, ind, year, strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1))
		return err
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	return bw.Flush()
}

// errEnough ends EachRow once WriteCSV has written its n rows.
var errEnough = errors.New("benchdata: enough rows")

// PeakRSS is the process's peak resident memory (VmHWM) in MB, or -1 where
// /proc is not available.
func PeakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return -1
}
