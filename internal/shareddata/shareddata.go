// Package shareddata finds the team's shared data folder (../shared beside the repository:
// conformance cases, public account dumps, policies, the reference simulator) for tests.
package shareddata

import (
	"fmt"
	"os"
	"path/filepath"
)

// Dir returns the shared folder: $IAMSCOPE_SHARED if set, else the folder named shared beside
// the repository root (the directory holding go.mod).
func Dir() (string, error) {
	if d := os.Getenv("IAMSCOPE_SHARED"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the shared folder: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			shared := filepath.Join(filepath.Dir(d), "shared")
			if _, err := os.Stat(shared); err != nil {
				return "", fmt.Errorf("the shared folder is not beside the repository at %s (set IAMSCOPE_SHARED): %w", shared, err)
			}
			return shared, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s: cannot find the shared folder", wd)
		}
	}
}

// Path joins elements onto the shared folder.
func Path(elem ...string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{d}, elem...)...), nil
}
