package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parseEnv(t *testing.T, kv ...string) (Config, error) {
	t.Helper()
	env := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	return Parse(vals)
}

// TestUploadWindow: the read timeout covers the largest upload at the
// minimum rate, and the write timeout covers it and its answer.
func TestUploadWindow(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  []string
		want time.Duration
	}{
		{"defaults: 50 MB at 64 kB/s", nil, 800*time.Second + UploadGrace},
		{"a faster minimum", []string{"PANTAU_MIN_UPLOAD_RATE", "1048576"}, 50*time.Second + UploadGrace},
		{"a smaller limit", []string{"PANTAU_MAX_UPLOAD_BYTES", "1048576", "PANTAU_MIN_UPLOAD_RATE", "1024"}, 1024*time.Second + UploadGrace},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseEnv(t, tt.env...)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.UploadWindow(); got != tt.want {
				t.Errorf("UploadWindow = %v, want %v", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"0", "-5", "fast"} {
		if _, err := parseEnv(t, "PANTAU_MIN_UPLOAD_RATE", bad); err == nil || !strings.Contains(err.Error(), "PANTAU_MIN_UPLOAD_RATE") {
			t.Errorf("PANTAU_MIN_UPLOAD_RATE=%s: %v", bad, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := parseEnv(t, "PANTAU_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8,::1 ")
	if err != nil || strings.Join(c.TrustedProxies, " ") != "127.0.0.1/32 10.0.0.0/8 ::1/128" {
		t.Errorf("%q, %v", c.TrustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.1/8", "proxy.internal", "10.0.0.0/33"} {
		if _, err := parseEnv(t, "PANTAU_TRUSTED_PROXIES", bad); err == nil || !strings.Contains(err.Error(), "PANTAU_TRUSTED_PROXIES") {
			t.Errorf("PANTAU_TRUSTED_PROXIES=%s: %v", bad, err)
		}
	}
}

func TestPublicURL(t *testing.T) {
	for in, want := range map[string]string{"": "", "https://pantau.example.go.id/": "https://pantau.example.go.id", "http://127.0.0.1:8080": "http://127.0.0.1:8080"} {
		if c, err := parseEnv(t, "PANTAU_PUBLIC_URL", in); err != nil || c.PublicURL != want {
			t.Errorf("PANTAU_PUBLIC_URL=%q: %q, %v", in, c.PublicURL, err)
		}
	}
	for _, bad := range []string{"pantau.example.go.id", "ftp://x", "https://x/pantau", "https://x/?a=1"} {
		if _, err := parseEnv(t, "PANTAU_PUBLIC_URL", bad); err == nil || !strings.Contains(err.Error(), "PANTAU_PUBLIC_URL") {
			t.Errorf("PANTAU_PUBLIC_URL=%s: %v", bad, err)
		}
	}
}
