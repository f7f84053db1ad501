package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"pantau/catalog"
	"pantau/internal/catalogfile"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/ingest"
	"pantau/internal/store"
	"pantau/internal/wilayah"
)

// The starter files as init names them in the records it leaves.
const (
	starterName = "catalog/starter.yaml"
	targetsName = "catalog/rpjmn_targets.csv"
)

// initInstance prepares an empty database for one government: the region
// and everything below it down to the villages, its ancestors and the
// nation from the official list; the starter catalogue through the
// catalogue import; the RPJMN's national targets through the targets
// import; and the home region. Run again it changes nothing and says so.
func initInstance(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, vals := databaseFlags("init", "init --region CODE", getenv, stdout, stderr)
	region := fs.String("region", "", `Kemendagri code of the instance's government ("16.06" for Kabupaten Musi Banyuasin, "16" for a province, "ID" for a national instance)`)
	lang := langFlag(fs, getenv)
	if done, err := parse(fs, args, stdout); done {
		return err
	}
	if fs.NArg() > 0 || *region == "" {
		fs.Usage()
		return usageError("init needs --region CODE and no arguments")
	}
	msgLang, url, err := langAndDatabase(*lang, vals)
	if err != nil {
		return err
	}
	start := time.Now()
	list, err := wilayah.Official()
	if err != nil {
		return err
	}
	territory, err := list.Territory(*region)
	if err != nil {
		return usageError("--region: %s", domain.Message(err))
	}
	home := territory[0]
	for _, e := range territory {
		if e.Code == *region {
			home = e
		}
	}
	st, err := openStore(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	in, err := st.Instance(ctx)
	switch {
	case err == nil && (in.HomeRegion != home.Code || in.PreparedBy != store.PreparedByInit):
		return &exitError{code: 1, err: fmt.Errorf("this database is already prepared (by %s) for region %s; use a new database for %s", in.PreparedBy, in.HomeRegion, home.Code)}
	case err != nil && !errors.Is(err, domain.ErrNotFound):
		return err
	}
	again := err == nil
	by := "init:" + getenv("USER")

	regions := make([]domain.Region, len(territory))
	for i, e := range territory {
		regions[i] = e.Region()
	}
	imp, err := st.AddRegions(ctx, store.CatalogImport{Filename: "wilayah: " + wilayah.Source, CreatedBy: by}, regions, by)
	if err != nil {
		return err
	}
	above := ancestors(regions, home.Code)
	what := fmt.Sprintf("%s %s, the %d regions above it up to the nation and the %d below it down to the villages", home.Code, home.Name, above, len(regions)-above-1)
	if home.Code == domain.NationalCode {
		what = fmt.Sprintf("the nation and all its %d regions down to the villages", len(regions)-1)
	}
	fmt.Fprintf(stdout, "regions: %d added, %d already there (%s)\n", imp.Added, imp.Unchanged, what)

	starter, err := catalogfile.ReadYAML(bytes.NewReader(catalog.Starter()), starterName, msgLang)
	if err != nil {
		return fmt.Errorf("the starter catalogue is broken: %w", err)
	}
	cimp, err := applyCatalog(ctx, st, starter, starterName, by, msgLang, false, stdout)
	if err != nil {
		return err
	}

	targets := importer.Request{
		Upload:  domain.Upload{Filename: targetsName, CreatedBy: by},
		Targets: true,
		Options: ingest.Options{Decimal: ingest.DecimalComma, Lang: msgLang},
	}
	// Run again, init checks first (a dry run): it must store nothing, not
	// even an upload that changed nothing.
	targets.DryRun = again
	res, err := importer.Import(ctx, st, bytes.NewReader(catalog.RPJMNTargets()), targets)
	if err != nil {
		return fmt.Errorf("national targets: %w", err)
	}
	stored := !again
	if c := res.Upload.Counts; again && c.New+c.Changed > 0 {
		targets.DryRun = false
		if res, err = importer.Import(ctx, st, bytes.NewReader(catalog.RPJMNTargets()), targets); err != nil {
			return fmt.Errorf("national targets: %w", err)
		}
		stored = true
	}
	c := res.Upload.Counts
	fmt.Fprintf(stdout, "national targets (RPJMN 2025–2029): new %d, changed %d, unchanged %d\n", c.New, c.Changed, c.Unchanged)

	if err := st.SetInstance(ctx, home.Code, store.PreparedByInit); err != nil {
		return err
	}
	if imp.Added == 0 && cimp.Added+cimp.Changed+cimp.Removed == 0 && !stored {
		fmt.Fprintf(stdout, "nothing to do: the database was already prepared for %s %s\n", home.Code, home.Name)
		return nil
	}
	fmt.Fprintf(stdout, "prepared %s database for %s %s in %.1f s; next: pantau catalog import FILE, pantau import FILE, pantau serve\n",
		st.Dialect(), home.Code, home.Name, time.Since(start).Seconds())
	return nil
}

// ancestors counts the regions above code in a territory (the nation included).
func ancestors(territory []domain.Region, code string) int {
	for i, e := range territory {
		if e.Code == code {
			return i
		}
	}
	return 0
}
