package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"groupdeck/store"
)

// runBackup copies the live database with VACUUM INTO: consistent, and
// the server keeps running.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("groupdeck backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "GROUPDECK_DB", "groupdeck.db"), "SQLite file (GROUPDECK_DB)")
	to := fs.String("to", "", "the backup file to create (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: say where with -to FILE\n" + usage)
	}
	start := time.Now()
	if err := store.Backup(ctx, *db, *to); err != nil {
		return err
	}
	fi, err := os.Stat(*to)
	if err != nil {
		return err
	}
	last, _ := store.CheckBackup(ctx, *to)
	fmt.Fprintf(stdout, "Backed up %s to %s (%.1f MB, schema %s, checked, %s).\n", *db, *to,
		float64(fi.Size())/1e6, migrationName(last), time.Since(start).Round(time.Millisecond))
	return nil
}

// runRestore replaces the database with a checked backup. The server
// must be stopped; the database it replaces is kept beside it.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("groupdeck restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr(getenv, "GROUPDECK_DB", "groupdeck.db"), "SQLite file to replace (GROUPDECK_DB)")
	from := fs.String("from", "", "the backup file to restore")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("restore: say which backup with -from FILE\n" + usage)
	}
	last, err := store.CheckBackup(ctx, *from)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := store.Release(ctx, *db); err != nil {
		return fmt.Errorf("restore: %s: %w", *db, err)
	}
	tmp := *db + ".restoring"
	if err := copyFile(*from, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	kept := ""
	if _, err := os.Stat(*db); err == nil {
		kept = *db + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(*db, kept); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("restore: %w", err)
		}
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(*db + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp, *db); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "Restored %s from %s (schema %s, integrity checked).\n", *db, *from, migrationName(last))
	if kept != "" {
		fmt.Fprintf(stdout, "The database it replaced is kept as %s.\n", kept)
	}
	fmt.Fprintln(stdout, "Start groupdeck again; newer migrations, if any, apply on start.")
	return nil
}

func migrationName(p string) string { return strings.TrimSuffix(filepath.Base(p), ".sql") }

// copyFile copies src to a new file dst (mode 0600) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	return out.Close()
}
