package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/locale"
	"pantau/internal/store"
)

const catalogUsage = `Usage: pantau catalog <import|export> [flags]

  import [--dry-run] FILE|DIR   add and change agencies, regions, indicators and plans
                                from a YAML file, a directory of YAML files, or CSV files
                                (agencies.csv, regions.csv, indicators.csv, plans.csv);
                                an entry the file leaves out stays; "remove: true" removes one
  export [--format yaml|csv] [--out DIR]
                                write the catalogue (YAML to standard output by default)
`

func catalogCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, catalogUsage)
		return usageError("catalog needs import or export")
	}
	switch args[0] {
	case "import":
		return catalogImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return catalogExport(ctx, args[1:], getenv, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, catalogUsage)
		return nil
	}
	fmt.Fprint(stderr, catalogUsage)
	return usageError("unknown catalog command %q", args[0])
}

func catalogImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, vals := databaseFlags("catalog import", "catalog import [--dry-run] FILE|DIR", getenv, stdout, stderr)
	dryRun := fs.Bool("dry-run", false, "list every change old → new, store nothing")
	lang := langFlag(fs, getenv)
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError("catalog import needs exactly one FILE or DIR")
	}
	msgLang, url, err := langAndDatabase(*lang, vals)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	c, err := catalogfile.Read(path, msgLang)
	if err != nil {
		return catalogError(err)
	}
	st, err := openStore(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	_, err = applyCatalog(ctx, st, c, path, "cli:"+getenv("USER"), msgLang, *dryRun, stdout)
	return err
}

// catalogError turns a catalogue file's problems into exit status 1 with
// every problem listed.
func catalogError(err error) error {
	var probs catalogfile.Problems
	if errors.As(err, &probs) || errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) {
		return &exitError{code: 1, err: err}
	}
	if errors.Is(err, os.ErrNotExist) {
		return &exitError{code: 1, err: err}
	}
	return err
}

// applyCatalog applies c through importer.ApplyCatalog (the path of the
// web's forms and API, so a file is refused exactly as the same change on a
// page), prints every change and the counts. `catalog import` and `init`
// share it, so the starter catalogue goes the way any file goes.
func applyCatalog(ctx context.Context, st *store.Store, c *catalogfile.Catalogue, name, by string, lang locale.Lang, dryRun bool, stdout io.Writer) (store.CatalogImport, error) {
	res, err := importer.ApplyCatalog(ctx, st, importer.CatalogRequest{Catalogue: c, Filename: name, By: by, DryRun: dryRun, Lang: lang})
	if err != nil {
		var probs catalogfile.Problems
		if !errors.As(err, &probs) && errors.Is(err, domain.ErrInvalid) {
			return res.Import, &exitError{code: 1, err: errors.New(domain.Message(err))}
		}
		return res.Import, catalogError(err)
	}
	for _, ch := range res.Changes {
		fmt.Fprintln(stdout, catalogfile.Describe(lang, ch))
	}
	added, changed, removed := res.Counts()
	fmt.Fprintln(stdout, lang.Get("catalogfile.counts", added, changed, removed, res.Import.Unchanged))
	switch {
	case len(res.Changes) == 0:
		fmt.Fprintln(stdout, lang.Get("catalogfile.nothing"))
	case dryRun:
		fmt.Fprintln(stdout, lang.Get("catalogfile.dry_run"))
	default:
		fmt.Fprintln(stdout, lang.Get("catalogfile.stored", res.Import.ID))
	}
	return res.Import, nil
}

func catalogExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, vals := databaseFlags("catalog export", "catalog export [--format yaml|csv] [--out DIR]", getenv, stdout, stderr)
	format := fs.String("format", "yaml", "yaml (one file) or csv (one file per kind)")
	out := fs.String("out", "", "directory to write catalog.yaml or the CSV files into (yaml: default standard output)")
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	if err := noArgs(fs, "catalog export"); err != nil {
		return err
	}
	if *format != "yaml" && *format != "csv" {
		return usageError("--format %q: want yaml or csv", *format)
	}
	if *format == "csv" && *out == "" {
		return usageError("--format csv writes one file per kind: give --out DIR")
	}
	st, err := openConfigured(ctx, vals)
	if err != nil {
		return err
	}
	defer st.Close()
	entries, err := st.CatalogEntries(ctx, true)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	if *format == "csv" {
		if err := catalogfile.WriteCSV(*out, catalogfile.Stored(entries)); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote agencies.csv, regions.csv, indicators.csv and plans.csv to %s\n", *out)
		return nil
	}
	var b bytes.Buffer
	if err := catalogfile.WriteYAML(&b, catalogfile.Stored(entries)); err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	path := filepath.Join(*out, "catalog.yaml")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return &exitError{code: 1, err: err}
	}
	fmt.Fprintf(stderr, "wrote %s\n", path)
	return nil
}
