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
	"pantau/internal/locale"
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
	regions, home, err := territoryOf(*region)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	again, err := preparedBefore(ctx, st, home)
	if err != nil {
		return err
	}
	by := "init:" + getenv("USER")
	regionsAdded, err := addTerritory(ctx, st, regions, home, by, stdout)
	if err != nil {
		return err
	}
	catalogueChanged, err := applyStarter(ctx, st, by, msgLang, stdout)
	if err != nil {
		return err
	}
	targetsStored, err := importNationalTargets(ctx, st, by, msgLang, again, stdout)
	if err != nil {
		return err
	}
	if err := st.SetInstance(ctx, home.Code, store.PreparedByInit); err != nil {
		return err
	}
	if !regionsAdded && !catalogueChanged && !targetsStored {
		fmt.Fprintf(stdout, "nothing to do: the database was already prepared for %s %s\n", home.Code, home.Name)
		return nil
	}
	fmt.Fprintf(stdout, "prepared %s database for %s %s in %.1f s; next: pantau catalog import FILE, pantau import FILE, pantau serve\n",
		st.Dialect(), home.Code, home.Name, time.Since(start).Seconds())
	return nil
}

// territoryOf is the official list's territory of the region code: its
// ancestors up to the nation, itself and every region below it; and the
// region itself.
func territoryOf(code string) (regions []domain.Region, home domain.Region, err error) {
	list, err := wilayah.Official()
	if err != nil {
		return nil, domain.Region{}, err
	}
	territory, err := list.Territory(code)
	if err != nil {
		return nil, domain.Region{}, usageError("--region: %s", domain.Message(err))
	}
	regions = make([]domain.Region, len(territory))
	for i, e := range territory {
		regions[i] = e.Region()
	}
	home = regions[0]
	for _, r := range regions {
		if r.Code == code {
			home = r
		}
	}
	return regions, home, nil
}

// preparedBefore reports whether init has already prepared the database
// for home, and refuses one prepared for another region or by anything
// but init (the demo).
func preparedBefore(ctx context.Context, st *store.Store, home domain.Region) (bool, error) {
	in, err := st.Instance(ctx)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case in.HomeRegion != home.Code || in.PreparedBy != store.PreparedByInit:
		return false, &exitError{code: 1, err: fmt.Errorf("this database is already prepared (by %s) for region %s; use a new database for %s", in.PreparedBy, in.HomeRegion, home.Code)}
	}
	return true, nil
}

// addTerritory stores the regions of home's territory and reports whether
// any was new.
func addTerritory(ctx context.Context, st *store.Store, regions []domain.Region, home domain.Region, by string, stdout io.Writer) (added bool, err error) {
	imp, err := st.AddRegions(ctx, store.CatalogImport{Filename: "wilayah: " + wilayah.Source, CreatedBy: by}, regions, by)
	if err != nil {
		return false, err
	}
	above := ancestors(regions, home.Code)
	what := fmt.Sprintf("%s %s, the %d regions above it up to the nation and the %d below it down to the villages", home.Code, home.Name, above, len(regions)-above-1)
	if home.Code == domain.NationalCode {
		what = fmt.Sprintf("the nation and all its %d regions down to the villages", len(regions)-1)
	}
	fmt.Fprintf(stdout, "regions: %d added, %d already there (%s)\n", imp.Added, imp.Unchanged, what)
	return imp.Added > 0, nil
}

// applyStarter applies the starter catalogue and reports whether it
// changed the stored one.
func applyStarter(ctx context.Context, st *store.Store, by string, lang locale.Lang, stdout io.Writer) (changed bool, err error) {
	starter, err := catalogfile.ReadYAML(bytes.NewReader(catalog.Starter()), starterName, lang)
	if err != nil {
		return false, fmt.Errorf("the starter catalogue is broken: %w", err)
	}
	imp, err := applyCatalog(ctx, st, starter, starterName, by, lang, false, stdout)
	if err != nil {
		return false, err
	}
	return imp.Added+imp.Changed+imp.Removed > 0, nil
}

// importNationalTargets imports the RPJMN's national targets and reports
// whether it stored an upload. Run again (again is true), it checks first
// with a dry run: it must store nothing, not even an upload that changed
// nothing.
func importNationalTargets(ctx context.Context, st *store.Store, by string, lang locale.Lang, again bool, stdout io.Writer) (stored bool, err error) {
	targets := importer.Request{
		Upload:  domain.Upload{Filename: targetsName, CreatedBy: by},
		Targets: true,
		Options: ingest.Options{Decimal: ingest.DecimalComma, Lang: lang},
		DryRun:  again,
	}
	res, err := importer.Import(ctx, st, bytes.NewReader(catalog.RPJMNTargets()), targets)
	if err != nil {
		return false, fmt.Errorf("national targets: %w", err)
	}
	stored = !again
	if c := res.Upload.Counts; again && c.New+c.Changed > 0 {
		targets.DryRun = false
		if res, err = importer.Import(ctx, st, bytes.NewReader(catalog.RPJMNTargets()), targets); err != nil {
			return false, fmt.Errorf("national targets: %w", err)
		}
		stored = true
	}
	c := res.Upload.Counts
	fmt.Fprintf(stdout, "national targets (RPJMN 2025–2029): new %d, changed %d, unchanged %d\n", c.New, c.Changed, c.Unchanged)
	return stored, nil
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
