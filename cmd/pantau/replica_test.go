package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"pantau/internal/pgtest"
)

// TestReadReplicaServesPages runs the server on a primary with a streaming
// hot standby as its read replica: an import through the primary reaches
// pages via the replica, and when the primary stops, reads go on (only
// /readyz turns red and imports fail).
func TestReadReplicaServesPages(t *testing.T) {
	primary := pgtest.NewCluster(t)
	replica := pgtest.NewReplica(t, primary)
	getenv := env("PANTAU_DATABASE_URL", primary.URL, "PANTAU_READ_DATABASE_URL", replica.URL, "PANTAU_LOG_LEVEL", "error")
	base := startServer(t, getenv, "--demo")

	value2025 := func() float64 {
		var s seriesBody
		if code := getJSON(t, base+"/api/v1/series?indicator=kemiskinan_ekstrem&region=16.07", &s); code != http.StatusOK {
			return -2
		}
		for _, o := range s.Data.Observations {
			if o.Year == 2025 && o.Disaggregation == "" {
				return o.Value
			}
		}
		return -1
	}
	file := writeFile(t, "a.csv", "kode_wilayah;kode_indikator;tahun;nilai\n16.07;kemiskinan_ekstrem;2025;0,44\n")
	if err := run(context.Background(), []string{"pantau", "import", file}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for value2025() != 0.44 {
		if time.Now().After(deadline) {
			t.Fatal("the import never reached the replica's readers")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := primary.Stop(); err != nil {
		t.Fatal(err)
	}
	if got := value2025(); got != 0.44 {
		t.Fatalf("with the primary down, the replica-backed read gave %g", got)
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz = %d with the primary down, want 503", resp.StatusCode)
	}
	if err := run(context.Background(), []string{"pantau", "import", file}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("an import succeeded with the primary down")
	}
}
