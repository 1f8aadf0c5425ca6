package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// fileMode is the mode of the database and its WAL and shared-memory
// files: they hold phone numbers, messages and password hashes, so only
// the account running groupdeck may read them.
const fileMode = 0o600

// sidecars are the files SQLite keeps beside the database in WAL mode.
var sidecars = []string{"-wal", "-shm"}

// createPrivate makes sure the database file exists before SQLite opens
// it, created 0600 whatever the umask: SQLite would create it 0644 (its
// default mode minus the umask), and it gives the WAL and shared-memory
// files the database file's mode, so creating the database ourselves
// settles all three.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	defer f.Close()
	// The umask can only take bits away, but Chmod states the mode outright.
	if err := f.Chmod(fileMode); err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	return nil
}

// tightenSidecars sets the WAL and shared-memory files to 0600 when they
// exist, in case they were made by an older version or another tool.
func tightenSidecars(path string) error {
	for _, suffix := range sidecars {
		if err := os.Chmod(path+suffix, fileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store: chmod %s: %w", path+suffix, err)
		}
	}
	return nil
}

// SharedFiles lists the database file and its WAL and shared-memory
// files that the group or other users may read or write (absent files
// are skipped), each with its mode.
func SharedFiles(path string) ([]string, error) {
	var out []string
	for _, p := range []string{path, path + sidecars[0], path + sidecars[1]} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			out = append(out, fmt.Sprintf("%s (%v)", p, fi.Mode().Perm()))
		}
	}
	return out, nil
}
