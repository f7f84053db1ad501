package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"pantau/internal/domain"
)

// token manages agency API tokens: `pantau token create --agency CODE`.
func token(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "token create --agency CODE [--label TEXT] [--territory CODES] [--plans CODES]"
	const about = "Creates an API token for an agency's uploads and prints it once; only its hash is stored."
	if done, err := subcommand(args, "token", "create", synopsis, about, stdout); done {
		return err
	}
	fs, vals := databaseFlags("token create", synopsis, getenv, stdout, stderr)
	agency := fs.String("agency", "", "code of the agency the token uploads for (required)")
	label := fs.String("label", "", "a note on who holds the token")
	territory := fs.String("territory", "", "region codes the agency reports for, separated by spaces (16.07 covers its districts); empty: any region")
	plans := fs.String("plans", "", "plan codes whose targets the token may write; empty: the plans of its territory (or of the instance's region)")
	if done, err := parse(fs, args[1:], stdout); done {
		return err
	}
	if err := noArgs(fs, "token create"); err != nil {
		return err
	}
	if strings.TrimSpace(*agency) == "" {
		fs.Usage()
		return usageError("token create needs --agency CODE")
	}
	scope, err := domain.ParseScope(*territory, *plans)
	if err != nil {
		return usageError("%s", domain.Message(err))
	}
	st, err := openConfigured(ctx, vals)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, t, err := st.CreateScopedToken(ctx, strings.TrimSpace(*agency), *label, scope)
	if err != nil {
		return err
	}
	// The secret alone on stdout, so that scripts can capture it; the
	// explanation on stderr.
	fmt.Fprintln(stdout, secret)
	fmt.Fprintf(stderr, "token %d for agency %s created; it is shown only this once (use it as Authorization: Bearer <token>)\n", t.ID, t.AgencyCode)
	return nil
}
