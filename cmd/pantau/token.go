package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"pantau/internal/config"
)

// token manages agency API tokens: `pantau token create --agency CODE`.
func token(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "token create --agency CODE [--label TEXT]"
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, "Usage: pantau %s\n\nCreates an API token for an agency's uploads and prints it once; only its hash is stored.\n", synopsis)
		if len(args) == 0 {
			return usageError("token needs a subcommand: create")
		}
		return nil
	}
	if args[0] != "create" {
		return usageError("unknown token subcommand %q: want create", args[0])
	}
	fs := newFlags("token create", synopsis, stdout, stderr)
	vals := config.Flags(fs, getenv, "PANTAU_DATABASE_URL")
	agency := fs.String("agency", "", "code of the agency the token uploads for (required)")
	label := fs.String("label", "", "a note on who holds the token")
	if done, err := parse(fs, args[1:], stdout); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("token create takes no arguments, got %q", fs.Args())
	}
	if strings.TrimSpace(*agency) == "" {
		fs.Usage()
		return usageError("token create needs --agency CODE")
	}
	cfg, err := config.Parse(vals)
	if err != nil {
		return usageError("%v", err)
	}
	st, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, t, err := st.CreateToken(ctx, strings.TrimSpace(*agency), *label)
	if err != nil {
		return err
	}
	// The secret alone on stdout, so that scripts can capture it; the
	// explanation on stderr.
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token %d for agency %s created; it is shown only this once (use it as Authorization: Bearer <token>)\n", t.ID, t.AgencyCode)
	return nil
}
