package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"groupdeck/handlers"
	"groupdeck/store"
)

// runUser administers accounts from the command line, e.g. to recover a
// lost admin password.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("user: say add or passwd\n" + usage)
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("groupdeck user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "GROUPDECK_DB", "groupdeck.db"), "SQLite file (GROUPDECK_DB)")
	email := fs.String("email", "", "the user's e-mail address")
	role := fs.String("role", store.RoleManager, "admin, manager or viewer (add only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return errors.New("user: -email must be an e-mail address")
	}
	pw, err := readPassword(getenv, os.Stdin)
	if err != nil {
		return err
	}
	hash, err := handlers.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("user: %w", err)
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		if !store.ValidRole(*role) {
			return fmt.Errorf("user: -role %q must be admin, manager or viewer", *role)
		}
		u := &store.User{Email: *email, PasswordHash: hash, Role: *role}
		if _, err := st.WithTx(ctx, func(t *store.Tx) error {
			if err := t.CreateUser(u); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{Action: store.AuditUserAddCLI, Detail: *email + " as " + *role + " (command line)"})
		}); err != nil {
			return fmt.Errorf("user: %w", err)
		}
		fmt.Fprintf(stdout, "Added %s as %s.\n", *email, *role)
	case "passwd":
		u, err := st.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user: no account for %s", *email)
		}
		if _, err := st.WithTx(ctx, func(t *store.Tx) error {
			if err := t.SetPassword(u.ID, hash); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{Action: store.AuditUserPasswdCLI, Detail: *email + " (command line)"})
		}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Changed the password of %s; all their sessions have ended.\n", *email)
	default:
		return fmt.Errorf("user: unknown command %q\n%s", sub, usage)
	}
	return nil
}

// readPassword takes GROUPDECK_PASSWORD, else the first line of stdin,
// so passwords never appear in the process list or shell history.
func readPassword(getenv func(string) string, stdin io.Reader) (string, error) {
	if pw := getenv("GROUPDECK_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("user: give the password in GROUPDECK_PASSWORD or on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func envOr(getenv func(string) string, k, def string) string {
	if v := getenv(k); v != "" {
		return v
	}
	return def
}
