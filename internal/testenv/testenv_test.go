package testenv

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test ended instead of ending it.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skipf(format string, args ...any)  { r.skipped = fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestMissingToolSkipsOutsideCIAndFailsInCI(t *testing.T) {
	const tool = "iamscope-no-such-tool"
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	LookPath(r, tool, "a test")
	if r.failed != "" || !strings.Contains(r.skipped, tool+" is not installed; it is needed for a test") {
		t.Errorf("outside CI: skipped %q, failed %q", r.skipped, r.failed)
	}
	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	LookPath(r, tool, "a test")
	if r.skipped != "" || !strings.Contains(r.failed, tool+" is not installed") {
		t.Errorf("in CI: skipped %q, failed %q", r.skipped, r.failed)
	}
}

func TestPresentToolIsFound(t *testing.T) {
	if p := LookPath(t, "go", "building"); p == "" {
		t.Error("go was not found")
	}
}
