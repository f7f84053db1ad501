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
	const about = "Creates an API token for an agency's uploads and prints it once; only its hash is stored."
	if done, err := subcommand(args, "token", "create", synopsis, about, stdout); done {
		return err
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
	st, err := openConfigured(ctx, vals)
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
