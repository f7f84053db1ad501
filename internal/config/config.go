// Package config reads Pantau's settings from the environment, with command
// flags over them, and validates them once at start-up: a bad value stops
// the program with a message naming the variable.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is every setting of `pantau serve` and the commands that open the database.
type Config struct {
	Addr            string
	DatabaseURL     string
	LogLevel        slog.Level
	LogFormat       string
	ShutdownTimeout time.Duration
	// ReadHeaderTimeout bounds how long a client may take to send its
	// headers (slowloris).
	ReadHeaderTimeout time.Duration
	// DashboardsDir optionally overrides the embedded dashboards.
	DashboardsDir string
	// MaxUploadBytes bounds an upload body.
	MaxUploadBytes int64
	// MinUploadRate is the slowest an upload body may arrive, in bytes per
	// second: a slower sender is cut off, and the server's timeouts are
	// derived from it (UploadWindow).
	MinUploadRate int64
	// ReadDatabaseURL optionally names a PostgreSQL read replica for pages
	// and the API.
	ReadDatabaseURL string
	// SecureCookies marks session cookies Secure on plain HTTP too, for
	// TLS that ends at a proxy in front of Pantau.
	SecureCookies bool
	// RequireReview sends agencies' uploads to the walidata before the
	// public sees them.
	RequireReview bool
	// TrustedProxies are the networks (CIDRs) of the proxies whose
	// X-Forwarded-For names the client; empty trusts none.
	TrustedProxies []string
	// PublicURL is the address readers reach Pantau at (scheme and host,
	// no path), for the absolute links in social previews, embed codes and
	// oEmbed; empty: each request's own host.
	PublicURL string
}

// Setting is one environment variable with its flag.
type Setting struct {
	Env, Flag, Default, Help string
}

// Settings lists every variable; `pantau serve --help` prints them.
var Settings = []Setting{
	{"PANTAU_ADDR", "addr", ":8080", "HTTP listen address"},
	{"PANTAU_DATABASE_URL", "database-url", "pantau.db", "SQLite file path, or postgres://user:pass@host/db?sslmode=require"},
	{"PANTAU_LOG_LEVEL", "log-level", "info", "debug, info, warn or error"},
	{"PANTAU_LOG_FORMAT", "log-format", "text", "text or json"},
	{"PANTAU_SHUTDOWN_TIMEOUT", "shutdown-timeout", "15s", "how long in-flight requests may finish on SIGTERM"},
	{"PANTAU_READ_HEADER_TIMEOUT", "read-header-timeout", "10s", "how long a client may take to send its request headers"},
	{"PANTAU_DASHBOARDS_DIR", "dashboards-dir", "", "directory of dashboard YAML files overriding the embedded ones"},
	{"PANTAU_MAX_UPLOAD_BYTES", "max-upload-bytes", "52428800", "largest accepted upload body, in bytes"},
	{"PANTAU_MIN_UPLOAD_RATE", "min-upload-rate", "65536", "slowest accepted upload, in bytes per second; the read and write timeouts cover PANTAU_MAX_UPLOAD_BYTES at this rate"},
	{"PANTAU_READ_DATABASE_URL", "read-database-url", "", "optional PostgreSQL read replica for pages and the API (postgres://…)"},
	{"PANTAU_SECURE_COOKIES", "secure-cookies", "false", "mark session cookies Secure even on plain HTTP (TLS ends at a proxy); always on over TLS"},
	{"PANTAU_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated CIDRs (or addresses) of reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1/32,10.0.0.0/8"},
	{"PANTAU_PUBLIC_URL", "public-url", "", "address the public reaches Pantau at, e.g. https://pantau.banyuasinkab.go.id; absolute links in previews, embed codes and oEmbed use it (empty: the request's host)"},
	{"PANTAU_REQUIRE_REVIEW", "require-review", "false", "agencies' uploads wait for the walidata (an administrator) to publish them before the public sees them"},
}

// Flags registers one flag per setting on fs, defaulting to the environment
// (or the built-in default). Call Parse after fs.Parse.
func Flags(fs *flag.FlagSet, getenv func(string) string, only ...string) map[string]*string {
	vals := map[string]*string{}
	want := map[string]bool{}
	for _, o := range only {
		want[o] = true
	}
	for _, s := range Settings {
		if len(only) > 0 && !want[s.Env] {
			continue
		}
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		vals[s.Env] = fs.String(s.Flag, def, s.Help+" ($"+s.Env+")")
	}
	return vals
}

// Parse validates the values registered by Flags.
func Parse(vals map[string]*string) (Config, error) {
	get := func(env string) string {
		if p, ok := vals[env]; ok {
			return strings.TrimSpace(*p)
		}
		for _, s := range Settings {
			if s.Env == env {
				return s.Default
			}
		}
		return ""
	}
	var c Config
	c.Addr = get("PANTAU_ADDR")
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("PANTAU_ADDR %q: want host:port or :port", c.Addr)
	}
	c.DatabaseURL = get("PANTAU_DATABASE_URL")
	if c.DatabaseURL == "" {
		return c, fmt.Errorf("PANTAU_DATABASE_URL is empty")
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("PANTAU_LOG_LEVEL"))); err != nil {
		return c, fmt.Errorf("PANTAU_LOG_LEVEL %q: want debug, info, warn or error", get("PANTAU_LOG_LEVEL"))
	}
	c.LogFormat = get("PANTAU_LOG_FORMAT")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("PANTAU_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	d, err := time.ParseDuration(get("PANTAU_SHUTDOWN_TIMEOUT"))
	if err != nil || d < 0 {
		return c, fmt.Errorf("PANTAU_SHUTDOWN_TIMEOUT %q: want a duration such as 15s", get("PANTAU_SHUTDOWN_TIMEOUT"))
	}
	c.ShutdownTimeout = d
	if c.ReadHeaderTimeout, err = time.ParseDuration(get("PANTAU_READ_HEADER_TIMEOUT")); err != nil || c.ReadHeaderTimeout <= 0 {
		return c, fmt.Errorf("PANTAU_READ_HEADER_TIMEOUT %q: want a positive duration such as 10s", get("PANTAU_READ_HEADER_TIMEOUT"))
	}
	c.DashboardsDir = get("PANTAU_DASHBOARDS_DIR")
	var n int64
	if _, err := fmt.Sscan(get("PANTAU_MAX_UPLOAD_BYTES"), &n); err != nil || n <= 0 {
		return c, fmt.Errorf("PANTAU_MAX_UPLOAD_BYTES %q: want a positive number of bytes", get("PANTAU_MAX_UPLOAD_BYTES"))
	}
	c.MaxUploadBytes = n
	if _, err := fmt.Sscan(get("PANTAU_MIN_UPLOAD_RATE"), &n); err != nil || n <= 0 {
		return c, fmt.Errorf("PANTAU_MIN_UPLOAD_RATE %q: want a positive number of bytes per second", get("PANTAU_MIN_UPLOAD_RATE"))
	}
	c.MinUploadRate = n
	c.ReadDatabaseURL = get("PANTAU_READ_DATABASE_URL")
	if c.ReadDatabaseURL != "" && !strings.HasPrefix(c.ReadDatabaseURL, "postgres://") && !strings.HasPrefix(c.ReadDatabaseURL, "postgresql://") {
		return c, fmt.Errorf("PANTAU_READ_DATABASE_URL: a read replica must be a postgres:// URL")
	}
	if c.SecureCookies, err = boolSetting(get, "PANTAU_SECURE_COOKIES"); err != nil {
		return c, err
	}
	if c.RequireReview, err = boolSetting(get, "PANTAU_REQUIRE_REVIEW"); err != nil {
		return c, err
	}
	if c.TrustedProxies, err = networks(get("PANTAU_TRUSTED_PROXIES")); err != nil {
		return c, fmt.Errorf("PANTAU_TRUSTED_PROXIES: %w", err)
	}
	if c.PublicURL, err = publicURL(get("PANTAU_PUBLIC_URL")); err != nil {
		return c, fmt.Errorf("PANTAU_PUBLIC_URL: %w", err)
	}
	return c, nil
}

// publicURL checks a public address: http(s), a host, no path beyond "/",
// no query; returned without the trailing slash.
func publicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%q: want scheme and host only, such as https://pantau.example.go.id", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// UploadGrace is what an upload may lag behind its minimum rate: the
// connection's start, a pause of the sender's network.
const UploadGrace = 5 * time.Second

// UploadWindow is how long the largest accepted upload takes at the minimum
// rate, with UploadGrace: the read timeout. The write timeout adds
// ProcessingTime, so the answer to an upload that arrived in time is never
// cut off (a retry of an upload stored unanswered made a second version).
func (c Config) UploadWindow() time.Duration {
	return time.Duration(c.MaxUploadBytes/c.MinUploadRate)*time.Second + UploadGrace
}

// ProcessingTime is what the write timeout allows beyond UploadWindow:
// importing the largest file and writing its answer.
const ProcessingTime = 2 * time.Minute

// networks reads a comma-separated list of CIDRs or addresses (an address
// is its own /32 or /128), in CIDR form.
func networks(list string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if ip := net.ParseIP(f); ip != nil {
			bits := 128
			if ip.To4() != nil {
				bits = 32
			}
			f = fmt.Sprintf("%s/%d", f, bits)
		}
		ip, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8 or an address", f)
		}
		if !ip.Equal(n.IP) {
			return nil, fmt.Errorf("%q has host bits set; did you mean %s?", f, n)
		}
		out = append(out, f)
	}
	return out, nil
}

// boolSetting reads a true/false setting; empty is false.
func boolSetting(get func(string) string, name string) (bool, error) {
	switch strings.ToLower(get(name)) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%s %q: want true or false", name, get(name))
}

// Logger builds the service's structured logger.
func (c Config) Logger(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
