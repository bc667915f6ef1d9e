// Package testenv decides what a test does when a tool it needs is missing from the machine:
// on a developer's machine the test is skipped with a one-line reason; in CI (the CI variable
// set, as .ci/run runs) nothing skips, and a missing tool is a failure, since .ci/run installs
// every tool the suite uses.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI, where a missing tool fails the test.
func InCI() bool {
	return os.Getenv("CI") != ""
}

// Unavailable ends the test because something it needs is missing: a skip with the reason, or
// in CI a failure.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s (in CI nothing skips: .ci/run must install it)", reason)
		return
	}
	t.Skipf("skipped: %s", reason)
}

// LookPath returns the path of tool, or ends the test as Unavailable does, saying what the tool
// is needed for.
func LookPath(t testing.TB, tool, neededFor string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		Unavailable(t, "%s is not installed; it is needed for %s", tool, neededFor)
	}
	return path
}
