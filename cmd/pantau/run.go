package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"pantau/internal/config"
	"pantau/internal/demo"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/locale"
	"pantau/internal/store"
	"pantau/internal/web"
)

// exitError carries an exit code: 1 for a failure, 2 for bad usage.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

const usage = `Pantau tracks regional development indicators against plan targets.

Usage: pantau <command> [flags]

Commands:
  init      prepare an empty database for one government (init --region CODE)
  serve     run the HTTP service (dashboards, embeds, API)
  migrate   apply database migrations
  catalog   import or export the catalogue (catalog import FILE|DIR, catalog export)
  import    import an observations or targets CSV
  demo      load the Kabupaten Banyuasin demo data
  boundaries  import region boundaries from GeoJSON (boundaries import FILE)
  token     create an agency's API token (token create --agency CODE)
  user      create a person's account (user create --role admin --email ADDRESS)
  healthcheck  exit 0 when the local server answers /healthz (for container HEALTHCHECK)

Run "pantau <command> --help" for a command's flags.
`

// commands are pantau's commands by the word that names them.
var commands = map[string]func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error{
	"serve":       serve,
	"migrate":     migrate,
	"init":        initInstance,
	"catalog":     catalogCommand,
	"import":      importFile,
	"demo":        loadDemo,
	"boundaries":  boundaries,
	"token":       token,
	"user":        user,
	"healthcheck": healthcheck,
}

// run is the whole program; main only wires the process to it, and tests
// call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	cmd, rest := args[1], args[2:]
	if c, ok := commands[cmd]; ok {
		return c(ctx, rest, getenv, stdout, stderr)
	}
	switch cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError("unknown command %q", cmd)
}

// newFlags makes a command's flag set that prints its help and reports
// parse errors as usage errors.
func newFlags(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("pantau "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: pantau %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// databaseFlags makes the flag set of a command that works on the database,
// with the database setting (--database, PANTAU_DATABASE_URL) on it.
func databaseFlags(name, synopsis string, getenv func(string) string, stdout, stderr io.Writer) (*flag.FlagSet, map[string]*string) {
	fs := newFlags(name, synopsis, stdout, stderr)
	return fs, config.Flags(fs, getenv, "PANTAU_DATABASE_URL")
}

// noArgs refuses arguments after the flags of a command that takes none.
func noArgs(fs *flag.FlagSet, cmd string) error {
	if fs.NArg() > 0 {
		return usageError("%s takes no arguments, got %q", cmd, fs.Args())
	}
	return nil
}

// parse parses flags; --help prints to stdout and ends the command without error.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return true, nil
		}
		return true, &exitError{code: 2}
	}
	return false, nil
}

// databaseURL reads a command's database setting; a bad one is a usage error.
func databaseURL(vals map[string]*string) (string, error) {
	cfg, err := config.Parse(vals)
	if err != nil {
		return "", usageError("%v", err)
	}
	return cfg.DatabaseURL, nil
}

// openConfigured opens and migrates the database a command's flags name.
func openConfigured(ctx context.Context, vals map[string]*string) (*store.Store, error) {
	url, err := databaseURL(vals)
	if err != nil {
		return nil, err
	}
	return openStore(ctx, url)
}

// withFileAndStore checks the database setting, opens the command's FILE
// and then the database, in that order, so that a missing file leaves no
// new database behind; fn gets both, and both are closed when it returns.
func withFileAndStore(ctx context.Context, vals map[string]*string, path string, fn func(f *os.File, st *store.Store) error) error {
	url, err := databaseURL(vals)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer f.Close()
	st, err := openStore(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(f, st)
}

// oneFile is a command's FILE, its only argument.
func oneFile(fs *flag.FlagSet, cmd string) (string, error) {
	if fs.NArg() != 1 {
		fs.Usage()
		return "", usageError("%s needs exactly one FILE", cmd)
	}
	return fs.Arg(0), nil
}

// langAndDatabase reads the two settings most commands share: the
// language of their messages and the database.
func langAndDatabase(lang string, vals map[string]*string) (locale.Lang, string, error) {
	msgLang, err := messageLang(lang)
	if err != nil {
		return msgLang, "", err
	}
	url, err := databaseURL(vals)
	return msgLang, url, err
}

// langFlag adds --lang, the language of a command's messages; $LANG is a
// POSIX locale such as en_US.UTF-8, English if it says so.
func langFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("lang", locale.OfPrefix(getenv("LANG")).String(), "language of messages: id or en (default from $LANG)")
}

// messageLang parses the value of --lang.
func messageLang(s string) (locale.Lang, error) {
	lang, ok := locale.Parse(s)
	if !ok {
		return lang, usageError("--lang %q: want id or en", s)
	}
	return lang, nil
}

// subcommand handles the words before a command's only subcommand
// (`pantau token create`): none or a request for help prints the synopsis
// and about; anything but want is a usage error. done reports that the
// command ends here.
func subcommand(args []string, name, want, synopsis, about string, stdout io.Writer) (done bool, err error) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, "Usage: pantau %s\n\n%s\n", synopsis, about)
		if len(args) == 0 {
			return true, usageError("%s needs a subcommand: %s", name, want)
		}
		return true, nil
	}
	if args[0] != want {
		return true, usageError("unknown %s subcommand %q: want %s", name, args[0], want)
	}
	return false, nil
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, url string) (*store.Store, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [flags]", stdout, stderr)
	vals := config.Flags(fs, getenv)
	demoFlag := fs.Bool("demo", false, "load the Banyuasin demo data (default: on when the SQLite file does not exist yet)")
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	if err := noArgs(fs, "serve"); err != nil {
		return err
	}
	cfg, err := config.Parse(vals)
	if err != nil {
		return usageError("%v", err)
	}
	log := cfg.Logger(stderr)
	loadDemoData := *demoFlag
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "demo" })
	if path, ok := store.IsSQLiteFile(cfg.DatabaseURL); ok && !explicit {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			loadDemoData = true
		}
	}
	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.ReadDatabaseURL != "" {
		if err := st.OpenReplica(ctx, cfg.ReadDatabaseURL); err != nil {
			return fmt.Errorf("PANTAU_READ_DATABASE_URL: %w", err)
		}
		log.Info("reading pages and the API from a replica")
	}
	if err := prepared(ctx, st, loadDemoData, log); err != nil {
		return err
	}
	handler, err := web.New(st, log, web.Options{DashboardsDir: cfg.DashboardsDir, MaxUploadBytes: cfg.MaxUploadBytes, MinUploadRate: cfg.MinUploadRate,
		SecureCookies: cfg.SecureCookies, RequireReview: cfg.RequireReview, TrustedProxies: cfg.TrustedProxies, PublicURL: cfg.PublicURL})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		// The largest upload at the minimum rate, then its answer; the
		// upload handlers hold a slower sender to the rate as it sends.
		ReadTimeout:    cfg.UploadWindow(),
		WriteTimeout:   cfg.UploadWindow() + config.ProcessingTime,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (PANTAU_ADDR): %w", cfg.Addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "database", string(st.Dialect()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// prepared makes sure serve has an instance to show: the demo when asked
// for (or on a new SQLite file) unless `pantau init` prepared the database
// for a government, whose data the demo must never mix with; otherwise a
// database never prepared stops serve with what to run.
func prepared(ctx context.Context, st *store.Store, loadDemo bool, log *slog.Logger) error {
	in, err := st.Instance(ctx)
	switch {
	case err == nil && in.PreparedBy != store.PreparedByDemo:
		if loadDemo {
			log.Warn("not loading the demo: pantau init prepared this database", "home_region", in.HomeRegion)
		}
		return nil
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return err
	case loadDemo:
		log.Info("loading demo data", "regency", "Kabupaten Banyuasin")
		return demo.Load(ctx, st)
	case err != nil:
		return &exitError{code: 1, err: errors.New("this database has not been prepared: run `pantau init --region CODE` with your government's Kemendagri code " +
			"(16.07 for Kabupaten Banyuasin, ID for a national instance), or `pantau serve --demo` for the Banyuasin demo")}
	}
	return nil
}

// databaseCommand runs a command whose only setting is the database: it
// parses the flags, opens and migrates the database and hands it to fn.
func databaseCommand(ctx context.Context, name string, args []string, getenv func(string) string, stdout, stderr io.Writer,
	fn func(st *store.Store) error) error {
	fs, vals := databaseFlags(name, name+" [flags]", getenv, stdout, stderr)
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	st, err := openConfigured(ctx, vals)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return databaseCommand(ctx, "migrate", args, getenv, stdout, stderr, func(st *store.Store) error {
		fmt.Fprintf(stdout, "migrated %s database\n", st.Dialect())
		return nil
	})
}

func loadDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return databaseCommand(ctx, "demo", args, getenv, stdout, stderr, func(st *store.Store) error {
		if err := demo.Load(ctx, st); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "loaded the Kabupaten Banyuasin demo data (district values and regency targets are illustrative)")
		return nil
	})
}

func importFile(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, vals := databaseFlags("import", "import [--dry-run] [--targets] [--indicator CODE] [--agency CODE] [--decimal comma|point] [--sheet NAME] FILE", getenv, stdout, stderr)
	dryRun := fs.Bool("dry-run", false, "check the file and show what would change, store nothing")
	targets := fs.Bool("targets", false, "the file holds plan targets, not observations")
	ind := fs.String("indicator", "", "indicator of a one-indicator file (BPS-style wide table)")
	agency := fs.String("agency", "", "agency sending the file")
	decimal := fs.String("decimal", "", "number convention when the file is ambiguous: comma (0,49) or point (0.49)")
	sheet := fs.String("sheet", "", "sheet of an Excel workbook (.xlsx) to read; default: the only sheet with a table")
	lang := langFlag(fs, getenv)
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	path, err := oneFile(fs, "import")
	if err != nil {
		return err
	}
	dec, ok := ingest.ParseDecimal(*decimal)
	if !ok {
		return usageError("--decimal %q: want comma or point", *decimal)
	}
	msgLang, err := messageLang(*lang)
	if err != nil {
		return err
	}
	return withFileAndStore(ctx, vals, path, func(f *os.File, st *store.Store) error {
		res, err := importer.Import(ctx, st, f, importer.Request{
			Upload:  domain.Upload{Filename: path, AgencyCode: *agency, CreatedBy: "cli:" + getenv("USER")},
			Targets: *targets, DryRun: *dryRun,
			Options: ingest.Options{Indicator: *ind, Decimal: dec, Lang: msgLang, Sheet: *sheet},
		})
		if res.Report != nil {
			d := res.Report.Dialect
			if d.Format == "xlsx" {
				fmt.Fprintf(stdout, "detected: workbook, sheet %s, layout %s, header row %d\n", strings.Join(d.Sheets, ", "), orDash(d.Layout), d.HeaderLine)
				if cols := d.PercentColumns(); cols != "" {
					fmt.Fprintf(stdout, "detected: percent-formatted cells read as Excel shows them (0.49%% as 0.49) in columns %s\n", cols)
				}
			} else {
				fmt.Fprintf(stdout, "detected: layout %s, delimiter %q, decimal %s, BOM %v\n", d.Layout, d.Delimiter, orDash(string(d.Decimal)), d.BOM)
			}
		}
		if res.Report != nil {
			for _, e := range res.Report.Errors {
				if e.Warning {
					fmt.Fprintf(stdout, "warning: %s\n", e)
				}
			}
		}
		// Plausibility warnings and broken rules: the operator's command line
		// stores without asking, but says so.
		for _, w := range res.Warnings {
			fmt.Fprintf(stdout, "warning: %s\n", w.RowError)
		}
		c := res.Upload.Counts
		fmt.Fprintf(stdout, "new %d, changed %d, unchanged %d, missing %d, rejected %d\n", c.New, c.Changed, c.Unchanged, c.Missing, c.Rejected)
		if err != nil {
			if errors.Is(err, domain.ErrInvalid) {
				return &exitError{code: 1, err: errors.New(domain.Message(err))}
			}
			return err
		}
		switch {
		case *dryRun:
			fmt.Fprintln(stdout, "dry run: acceptable, nothing stored")
		default:
			fmt.Fprintf(stdout, "stored as upload %d (file sha256 %s, %d bytes)\n", res.Upload.ID, res.SHA256, res.Size)
		}
		return nil
	})
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// healthcheck asks the server on PANTAU_ADDR for /healthz; distroless images
// have no curl, so the container's HEALTHCHECK runs this.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("healthcheck", "healthcheck [--addr ADDR]", stdout, stderr)
	vals := config.Flags(fs, getenv, "PANTAU_ADDR")
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	cfg, err := config.Parse(vals)
	if err != nil {
		return usageError("%v", err)
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: /healthz answered %s", resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
