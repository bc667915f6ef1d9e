// Package corpus locates the public material the tests read, which the repository carries in
// testdata folders (each with a SOURCES.md naming its origin and licence): the documented
// conformance cases, real account dumps, and policy documents from AWS's documentation and
// public tools. Nothing here reads outside the repository.
package corpus

import (
	"fmt"
	"os"
	"path/filepath"
)

// Root returns the repository's root: the nearest folder above the working directory that
// holds go.mod (tests run in their package's folder).
func Root() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository root: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s: not inside the repository", wd)
		}
	}
}

// path joins elements onto the repository root and checks that the result exists.
func path(elem ...string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	p := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("test material missing from the repository: %w", err)
	}
	return p, nil
}

// Conformance returns the file of documented request cases (eval/testdata/conformance).
func Conformance() (string, error) {
	return path("eval", "testdata", "conformance", "cases.json")
}

// Account returns a public get-account-authorization-details dump by its file name
// (loader/testdata/accounts).
func Account(name string) (string, error) {
	return path("loader", "testdata", "accounts", name)
}

// AccountsDir returns the folder of public account dumps (loader/testdata/accounts).
func AccountsDir() (string, error) {
	return path("loader", "testdata", "accounts")
}

// PoliciesDir returns the folder of public resource, trust and identity policy documents
// (model/testdata/policies).
func PoliciesDir() (string, error) {
	return path("model", "testdata", "policies")
}
