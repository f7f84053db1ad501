package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"pantau/internal/boundary"
	"pantau/internal/domain"
	"pantau/internal/importer"
	"pantau/internal/store"
)

// boundaries manages region boundaries: `pantau boundaries import FILE`.
func boundaries(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "boundaries import [--dry-run] [--code-property P] [--skip-unmatched] [--source TEXT] [--licence TEXT] [--max-bytes N] FILE"
	const about = "Imports a GeoJSON FeatureCollection of region boundaries (from BIG, the Kemendagri-code\nrepositories or GADM): the property holding region codes is detected by matching the\ninstance's regions. Every feature must match a region and have a valid Polygon or\nMultiPolygon; otherwise nothing is stored and each problem is named."
	if done, err := subcommand(args, "boundaries", "import", synopsis, about, stdout); done {
		return err
	}
	fs, vals := databaseFlags("boundaries import", synopsis, getenv, stdout, stderr)
	dryRun := fs.Bool("dry-run", false, "check the file and report what would change, store nothing")
	codeProp := fs.String("code-property", "", "the feature property holding region codes (default: detected)")
	skip := fs.Bool("skip-unmatched", false, "store the features that match a region and only report the others (a national file in a smaller instance)")
	source := fs.String("source", "", "where the shapes come from, shown with every map")
	licence := fs.String("licence", "", "the shapes' licence (e.g. MIT, CC BY 4.0)")
	maxBytes := fs.Int64("max-bytes", boundary.DefaultMaxBytes, "refuse a file larger than this")
	if done, err := parse(fs, args[1:], stdout); done {
		return err
	}
	path, err := oneFile(fs, "boundaries import")
	if err != nil {
		return err
	}
	return withFileAndStore(ctx, vals, path, func(f *os.File, st *store.Store) error {
		res, err := importer.ImportBoundaries(ctx, st, f, importer.BoundaryRequest{
			Filename: path, CreatedBy: "cli:" + getenv("USER"), Source: *source, Licence: *licence,
			CodeProperty: *codeProp, SkipUnmatched: *skip, DryRun: *dryRun, MaxBytes: *maxBytes,
		})
		if res.Report != nil {
			printBoundaryReport(stdout, res.Report)
		}
		if err != nil {
			if errors.Is(err, domain.ErrInvalid) {
				return &exitError{code: 1, err: errors.New(domain.Message(err))}
			}
			return err
		}
		c := res.Upload.Counts
		fmt.Fprintf(stdout, "shapes: new %d, changed %d, unchanged %d\n", c.New, c.Changed, c.Unchanged)
		if *dryRun {
			fmt.Fprintln(stdout, "dry run: acceptable, nothing stored")
		} else {
			fmt.Fprintf(stdout, "stored as upload %d (file sha256 %s, %d bytes)\n", res.Upload.ID, res.SHA256, res.Size)
		}
		return nil
	})
}

// printBoundaryReport prints how the file was read and every problem.
func printBoundaryReport(w io.Writer, rep *boundary.Report) {
	fmt.Fprintf(w, "read %d features (%d bytes): codes from %q (%s), names from %q\n",
		rep.Features, rep.Bytes, rep.CodeProperty, rep.CodeKind, orDash(rep.NameProperty))
	fmt.Fprintf(w, "matched %d regions, %d unmatched features, %d invalid geometries, %d regions without a feature\n",
		rep.Matched, len(rep.Unmatched), len(rep.Invalid), len(rep.Missing))
	for _, p := range rep.Invalid {
		fmt.Fprintf(w, "invalid: %s\n", p)
	}
	for _, p := range rep.Dropped {
		fmt.Fprintf(w, "left out: %s\n", p)
	}
	for i, p := range rep.Unmatched {
		if rep.SkipUnmatched && i == 10 {
			fmt.Fprintf(w, "skipped: and %d more\n", len(rep.Unmatched)-10)
			break
		}
		if rep.SkipUnmatched {
			fmt.Fprintf(w, "skipped: %s\n", p)
		} else {
			fmt.Fprintf(w, "unmatched: %s\n", p)
		}
	}
	for _, r := range rep.Missing {
		fmt.Fprintf(w, "without a feature: %s %s\n", r.Code, r.Name)
	}
}
