package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"pantau/internal/domain"
	"pantau/internal/store"
)

// stdin is where `pantau user create` reads a password when no
// --password-file is given; tests replace it.
var stdin io.Reader = os.Stdin

// user manages people's accounts: `pantau user create --role admin --email …`
// bootstraps the first administrator.
func user(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "user create --role admin|uploader|planner --email ADDRESS [--agency CODE] [--name TEXT] [--password-file FILE]"
	const about = "Creates a person's account. The password is read from --password-file, or else from the first line of standard input; it is never printed."
	if done, err := subcommand(args, "user", "create", synopsis, about, stdout); done {
		return err
	}
	fs, vals := databaseFlags("user create", synopsis, getenv, stdout, stderr)
	role := fs.String("role", "", "admin, uploader (needs --agency) or planner (required)")
	email := fs.String("email", "", "the person's email address, used to log in (required)")
	agency := fs.String("agency", "", "code of the uploader's agency")
	name := fs.String("name", "", "the person's name")
	pwFile := fs.String("password-file", "", "file whose first line is the password (default: standard input)")
	if done, err := parse(fs, args[1:], stdout); done {
		return err
	}
	if err := noArgs(fs, "user create"); err != nil {
		return err
	}
	r, err := domain.ParseRole(*role)
	if err != nil {
		fs.Usage()
		return usageError("--role: %s", domain.Message(err))
	}
	u := domain.User{Email: domain.NormalizeEmail(*email), Name: *name, Role: r, AgencyCode: strings.TrimSpace(*agency)}
	if err := u.Validate(); err != nil {
		return usageError("%s", domain.Message(err))
	}
	url, err := databaseURL(vals)
	if err != nil {
		return err
	}
	pw, err := readPassword(*pwFile)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err = st.CreateUser(ctx, u, pw)
	if err != nil {
		if errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("user create: %s", domain.Message(err))
		}
		return err
	}
	who := "cli:" + getenv("USER")
	e := store.AuditEntry{Principal: who, Action: "user_create", Object: domain.Ref(domain.ByUser, u.ID), Detail: fmt.Sprintf("%s %s %s", u.Email, u.Role, u.AgencyCode)}
	if err := st.Audit(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %d created: %s, role %s", u.ID, u.Email, u.Role)
	if u.AgencyCode != "" {
		fmt.Fprintf(stdout, ", agency %s", u.AgencyCode)
	}
	fmt.Fprintln(stdout, "; log in at /masuk")
	return nil
}

// readPassword returns the first line of the file, or of standard input,
// without its line ending.
func readPassword(path string) (string, error) {
	in := stdin
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return "", usageError("--password-file: %v", err)
		}
		defer f.Close()
		in = f
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("user create: read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError("user create: no password given (on standard input or with --password-file)")
	}
	if err := domain.ValidatePassword(pw); err != nil {
		return "", usageError("user create: %s", domain.Message(err))
	}
	return pw, nil
}
